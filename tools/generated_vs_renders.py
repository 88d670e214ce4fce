"""A model's images beside SynthDerm renders of the same prompts, one row per prompt, and the share of each prompt's
images on which the evaluator finds each artifact.

    python tools/generated_vs_renders.py MODEL OUT.png 0,8,24 [--n 8] [--renders 4]

Images: DDIM 20 steps, eta 1, guidance 5, the report's noise (seed 88); renders: seeds 5000 + k."""
import argparse
import numpy as np
from PIL import Image
from rl4med.models import load_pipeline
from rl4med.ddim import generate_images, prompt_grid, encode_prompts
from rl4med.prompts import isic_schema
from rl4med.synthderm import render
from rl4med.rewards import default_evaluator


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('model'); p.add_argument('out')
    p.add_argument('prompts')
    p.add_argument('--n', type=int, default=8)
    p.add_argument('--renders', type=int, default=4)
    a = p.parse_args()
    S = isic_schema()
    ps = S.prompts()
    prompts = [int(x) for x in a.prompts.split(',')]
    pipe = load_pipeline(a.model)
    ii, kk = prompt_grid(prompts, a.n)
    im = generate_images(pipe, ii, kk, encode_prompts(pipe, ps), encode_prompts(pipe, ['']))
    ev = default_evaluator()
    seen = (ev.probs(im) > .5).float().numpy()
    rows = []
    for j, i in enumerate(prompts):
        g = (im[j*a.n:(j+1)*a.n].clamp(0, 1).permute(0, 2, 3, 1).numpy() * 255).astype(np.uint8)
        r = [render(S.labels_of(i), seed=5000 + k) for k in range(a.renders)]
        rows.append(np.concatenate(list(g) + [np.zeros((g.shape[1], 8, 3), np.uint8)] + r, 1))
        print(i, ps[i], dict(zip(ev.head_names, seen[j*a.n:(j+1)*a.n].mean(0).round(2).tolist())))
    Image.fromarray(np.concatenate(rows, 0)).save(a.out, optimize=True)


if __name__ == '__main__': main()
