"""Measurements of a base model (the embedded default's acceptance): per-prompt evaluator APR, the graders' agreement (rl4med.diagnose.grader_stats)
and FD to SynthDerm renders of the same prompts in the evaluator's features. Writes one JSON.
    python tools/measure_base.py MODEL_DIR REWARD_DIR EVALUATOR_DIR OUT.json [N_PER_PROMPT] [--steps 20] [--guidance 5] [--eta 1]
APR common / rare: subgroups with at least 200 / fewer than 20 ISIC training images."""
import argparse, json, time
import numpy as np, torch
from rl4med.augment import rare_subgroups
from rl4med.classifier import load_classifier
from rl4med.ddim import encode_prompts, generate_images, prompt_grid
from rl4med.diagnose import grader_stats, summary_line
from rl4med.metrics import ClassifierFeatures, frechet_distance
from rl4med.models import load_pipeline
from rl4med.prompts import isic_schema, isic_train_counts
from rl4med.synthderm import render


def measure(pipe, rm, ev, n: int = 16, steps: int = 20, guidance: float = 5.0, eta: float = 1.0, fd: bool = True) -> dict:
    "APR (all, common, rare subgroups) and the graders' statistics of `n` images per prompt (the report's noise, seed 88)."
    S, c = isic_schema(), isic_train_counts()
    idx, sid = prompt_grid(range(32), n)
    imgs = generate_images(pipe, idx, sid, encode_prompts(pipe, S.prompts()), encode_prompts(pipe, ['']), num_steps=steps,
                           guidance=guidance, eta=eta, seed=88)
    st = grader_stats(rm.probs(imgs), rm.head_names, ev.probs(imgs), ev.head_names, idx, S)
    apr = {i: r['evaluator_pass'] for i, r in st['prompts'].items()}
    res = {'steps': steps, 'guidance': guidance, 'eta': eta, 'apr': float(np.mean(list(apr.values()))),
           'apr_common': float(np.mean([apr[i] for i in range(32) if c[i] >= 200])),
           'apr_rare': float(np.mean([apr[i] for i in rare_subgroups()])), 'summary': st['summary'], 'prompts': st['prompts'],
           'summary_line': summary_line(st)}
    if fd:  # renders of the same prompts (seeds disjoint from every training set: 10**6 + k)
        real = torch.stack([torch.as_tensor(render(S.labels_of(i), seed=10**6 + 1000 * i + k, size=64)).permute(2, 0, 1).float() / 255
                            for i, k in zip(idx, sid)])
        fx = ClassifierFeatures(ev)
        res['fd_evaluator_features'] = frechet_distance(fx(real), fx(imgs))
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for a in ('model', 'reward_model', 'evaluator', 'out'): p.add_argument(a)
    p.add_argument('n', type=int, nargs='?', default=16)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--guidance', type=float, default=5.0)
    p.add_argument('--eta', type=float, default=1.0)
    a = p.parse_args()
    t0 = time.time()
    pipe = load_pipeline(a.model, dtype='fp32', device='cpu')
    res = {'model': a.model, 'reward_model': a.reward_model, 'evaluator': a.evaluator, 'n_per_prompt': a.n,
           **measure(pipe, load_classifier(a.reward_model), load_classifier(a.evaluator), a.n, a.steps, a.guidance, a.eta)}
    res['seconds'] = time.time() - t0
    json.dump(res, open(a.out, 'w'), indent=1)
    print(json.dumps({k: v for k, v in res.items() if k not in ('prompts', 'summary')}, indent=1))


if __name__ == '__main__': main()
