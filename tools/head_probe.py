"""Per head, how often the reward model and the evaluator find each prompt's images right, for the base model and an
adapter: which attribute an RL run gained or lost on a subgroup (the report gives whole verdicts only).

    python tools/head_probe.py ADAPTER OUT.json [--prompts 24,26,27,28,29,31] [--n 16]

Images: DDIM 20 steps, eta 1, guidance 5, the report's noise (seed 88, image k of prompt i), so the first n images of
each prompt are the ones the main job's report graded."""
import argparse, json
from rl4med.models import load_sampler_pipeline
from rl4med.ddim import generate_images, prompt_grid, encode_prompts
from rl4med.prompts import isic_schema
from rl4med.rewards import default_reward_model, default_evaluator
from rl4med.diagnose import grader_stats


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('adapter'); p.add_argument('out')
    p.add_argument('--prompts', default='24,26,27,28,29,31'); p.add_argument('--n', type=int, default=16)
    a = p.parse_args()
    S = isic_schema(); ps = S.prompts()
    prompts = [int(x) for x in a.prompts.split(',')]
    graders = {'reward_model': default_reward_model(), 'evaluator': default_evaluator()}
    res = {'adapter': a.adapter, 'n': a.n, 'prompts': {i: ps[i] for i in prompts}, 'right': {}}
    for name, ad in (('base', None), ('rl', a.adapter)):
        pipe, _ = load_sampler_pipeline(adapter=ad, device='cpu')
        ii, kk = prompt_grid(prompts, a.n)
        im = generate_images(pipe, ii, kk, encode_prompts(pipe, ps), encode_prompts(pipe, ['']))
        rm, ev = graders['reward_model'], graders['evaluator']
        heads = grader_stats(rm.probs(im), rm.head_names, ev.probs(im), ev.head_names, ii, S)['head_right']   # per grader, prompt, head
        res['right'][name] = {g: {h: {i: heads[g][i][h] for i in prompts} for h in S.attributes} for g in graders}
    json.dump(res, open(a.out, 'w'), indent=1)
    for name in res['right']:
        for g in graders: print(name, g, {h: [round(v, 2) for v in d.values()] for h, d in res['right'][name][g].items()})


if __name__ == '__main__': main()
