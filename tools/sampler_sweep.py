"""A base model's held-out APR and the graders' agreement under several sampler settings (DDIM steps, guidance, eta):
which sampler the testbed should use, and where in the denoising a model errs (more steps = more low-noise steps).

    python tools/sampler_sweep.py MODEL OUT.json [--settings 20:5:1,50:5:1] [--n 16] [--reward-model DIR] [--evaluator DIR]

Each setting is steps:guidance:eta; 16 images per prompt (512 in all), the report's noise (seed 88); APR common / rare:
subgroups with at least 200 / fewer than 20 ISIC training images (as tools/measure_base.py)."""
import argparse, json, time
import numpy as np, torch
from rl4med.augment import rare_subgroups
from rl4med.classifier import load_classifier
from rl4med.ddim import encode_prompts, generate_images, prompt_grid
from rl4med.diagnose import grader_stats
from rl4med.models import load_pipeline
from rl4med.prompts import isic_schema, isic_train_counts


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('model')
    p.add_argument('out')
    p.add_argument('--settings', default='20:5:1,50:5:1')
    p.add_argument('--n', type=int, default=16)
    p.add_argument('--reward-model', default='rl4med/assets/reward_h6')
    p.add_argument('--evaluator', default='rl4med/assets/evaluator_h4')
    a = p.parse_args()
    S, c = isic_schema(), isic_train_counts()
    pipe = load_pipeline(a.model, dtype='fp32', device='cpu')
    rm, ev = load_classifier(a.reward_model), load_classifier(a.evaluator)
    idx, sid = prompt_grid(range(32), a.n)
    E, U = encode_prompts(pipe, S.prompts()), encode_prompts(pipe, [''])
    res = {'model': a.model, 'reward_model': a.reward_model, 'evaluator': a.evaluator, 'n_per_prompt': a.n, 'settings': {}}
    for s in a.settings.split(','):
        steps, g, eta = s.split(':')
        t0 = time.time()
        imgs = generate_images(pipe, idx, sid, E, U, num_steps=int(steps), guidance=float(g), eta=float(eta), seed=88)
        st = grader_stats(rm.probs(imgs), rm.head_names, ev.probs(imgs), ev.head_names, idx, S)
        apr = {i: r['evaluator_pass'] for i, r in st['prompts'].items()}
        sm = st['summary']
        r = {'steps': int(steps), 'guidance': float(g), 'eta': float(eta), 'apr': float(np.mean(list(apr.values()))),
             'apr_common': float(np.mean([apr[i] for i in range(32) if c[i] >= 200])),
             'apr_rare': float(np.mean([apr[i] for i in rare_subgroups()])), 'agreement': sm['agreement'],
             'head_agreement': sm['head_agreement'], 'p_eval_given_reward': sm['p_eval_given_reward'], 'ceiling': sm['ceiling'],
             'apr_per_prompt': apr, 'seconds': time.time() - t0}
        res['settings'][f's{steps}_g{g}_eta{eta}'.replace('.', 'p')] = r        # dot-free keys: the figure markers split on '.'
        json.dump(res, open(a.out, 'w'), indent=1)
        print(f"{s}: APR {r['apr']:.3f}, common {r['apr_common']:.3f}, rare {r['apr_rare']:.3f}, agreement {r['agreement']:.3f}, "
              f"P(evaluator | reward) {r['p_eval_given_reward']:.3f}, ceiling {r['ceiling']:.3f} ({r['seconds']:.0f} s)", flush=True)


if __name__ == '__main__': main()
