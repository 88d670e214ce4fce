"""A base model's held-out APR and the graders' agreement under several sampler settings (DDIM steps, guidance, eta):
which sampler the testbed should use, and where in the denoising a model errs (more steps = more low-noise steps).

    python tools/sampler_sweep.py MODEL OUT.json [--settings 20:5:1,50:5:1] [--n 16] [--reward-model DIR] [--evaluator DIR]

Each setting is steps:guidance:eta, measured as tools/measure_base.py measures (16 images per prompt, the report's noise)."""
import argparse, json, time
from rl4med.classifier import load_classifier
from rl4med.models import load_pipeline
from measure_base import measure


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('model')
    p.add_argument('out')
    p.add_argument('--settings', default='20:5:1,50:5:1')
    p.add_argument('--n', type=int, default=16)
    p.add_argument('--reward-model', default='rl4med/assets/reward_h6')
    p.add_argument('--evaluator', default='rl4med/assets/evaluator_h4')
    a = p.parse_args()
    pipe = load_pipeline(a.model, dtype='fp32', device='cpu')
    rm, ev = load_classifier(a.reward_model), load_classifier(a.evaluator)
    res = {'model': a.model, 'reward_model': a.reward_model, 'evaluator': a.evaluator, 'n_per_prompt': a.n, 'settings': {}}
    for s in a.settings.split(','):
        steps, g, eta = s.split(':')
        t0 = time.time()
        m = measure(pipe, rm, ev, a.n, int(steps), float(g), float(eta), fd=False)
        sm = m['summary']
        r = {**{k: m[k] for k in ('steps', 'guidance', 'eta', 'apr', 'apr_common', 'apr_rare')}, 'agreement': sm['agreement'],
             'head_agreement': sm['head_agreement'], 'p_eval_given_reward': sm['p_eval_given_reward'], 'ceiling': sm['ceiling'],
             'apr_per_prompt': {i: q['evaluator_pass'] for i, q in m['prompts'].items()}, 'seconds': time.time() - t0}
        res['settings'][f's{steps}_g{g}_eta{eta}'.replace('.', 'p')] = r        # dot-free keys: the figure markers split on '.'
        json.dump(res, open(a.out, 'w'), indent=1)
        print(f"{s}: APR {r['apr']:.3f}, common {r['apr_common']:.3f}, rare {r['apr_rare']:.3f}, agreement {r['agreement']:.3f}, "
              f"P(evaluator | reward) {r['p_eval_given_reward']:.3f}, ceiling {r['ceiling']:.3f} ({r['seconds']:.0f} s)", flush=True)


if __name__ == '__main__': main()
