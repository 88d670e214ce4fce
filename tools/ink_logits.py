"""The ink logits that the reward model and the evaluator give the images of chosen prompts, base and with an adapter.

    python tools/ink_logits.py OUT.json [--prompts 8,9] [--adapter default] [--n 16] [--seed 88]

Image k of prompt i starts from the same noise in both models (the main job's report uses seed 88, 16 per prompt). Also
the gradient that the log_likelihood reward gives each asked-for ink logit z (sigmoid(-z)) and the confident reward's
(sigmoid(4 - z)): how hard each reward still pushes on ink that is already there.
"""
import argparse, json
from pathlib import Path

import torch

from rl4med.ddim import encode_prompts, generate_images, prompt_grid
from rl4med.models import load_sampler_pipeline
from rl4med.prompts import isic_schema
from rl4med.rewards import default_evaluator, default_reward_model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('out')
    ap.add_argument('--prompts', default='8,9')
    ap.add_argument('--adapter', default='default')
    ap.add_argument('--n', type=int, default=16)
    ap.add_argument('--seed', type=int, default=88)
    a = ap.parse_args()
    S, rm, ev = isic_schema(), default_reward_model(), default_evaluator()
    prompts = [int(p) for p in a.prompts.split(',')]
    res = {'how': f"python tools/ink_logits.py {a.out} --prompts {a.prompts} --adapter {a.adapter} --n {a.n} --seed {a.seed}",
           'prompts': {p: S.prompts()[p] for p in prompts}, 'models': {}}
    for name, adapter in (('base', None), ('rl', a.adapter)):
        pipe, _ = load_sampler_pipeline(None, adapter, device='cpu')
        idx, sid = prompt_grid(prompts, a.n)
        imgs = generate_images(pipe, idx, sid, encode_prompts(pipe, S.prompts()), encode_prompts(pipe, ['']), num_steps=20,
                               guidance=5.0, eta=1.0, seed=a.seed, batch_size=32, progress=False)
        with torch.no_grad(): lr, le = rm.logits(imgs)[:, rm.head_names.index('ink')], ev.logits(imgs)[:, ev.head_names.index('ink')]
        out = {}
        for p in prompts:
            m = torch.tensor(idx) == p
            z = lr[m]
            out[p] = {'reward_model': [round(float(v), 2) for v in z], 'evaluator': [round(float(v), 2) for v in le[m]]}
            out[p].update(reward_model_ink=int((z > 0).sum()), evaluator_ink=int((le[m] > 0).sum()), n=int(m.sum()))
            if S.labels_of(p)[S.names.index('ink')]:
                g, gc = torch.sigmoid(-z), torch.sigmoid(4 - z)
                out[p].update(reward_model_min=float(z.min()), reward_model_median=float(z.median()),
                              grad_log_likelihood_median=float(g.median()), grad_confident_median=float(gc.median()))
        res['models'][name] = out
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    for name, out in res['models'].items():
        for p, v in out.items(): print(name, p, 'reward model ink logits', v['reward_model'])


if __name__ == '__main__': main()
