"""A first measurement of reward-ranked fine-tuning (RAFT, issue 18) on the embedded default, outside the trainer:
each round draws N images per prompt from the current model (seeds disjoint from the evaluation's), keeps those the
reward model finds right on every head (its 6, the class included: stricter than the main job's reward-model APR, which
looks at the artifact heads), balances them over prompts, and fine-tunes the UNet on them with the plain
denoising loss. Then base and tuned model draw the same 512 evaluation images (16 per prompt, seed 88) and the held-out
evaluator grades both (paired difference with a bootstrap interval).

    python tools/raft_try.py MODEL REWARD EVALUATOR OUT.json [--rounds 2] [--n 16] [--steps 300] [--lr 2e-4]"""
import argparse, json, time
import numpy as np, torch
from rl4med.classifier import load_classifier
from rl4med.ddim import encode_prompts, generate_images, prompt_grid
from rl4med.finetune import encode_latents, train_unet
from rl4med.metrics import paired_difference, apr_indicator
from rl4med.models import load_pipeline
from rl4med.augment import rare_subgroups
from rl4med.prompts import isic_schema


def draw(pipe, S, per_prompt, seed):
    idx, sid = prompt_grid(range(S.n_prompts), per_prompt)
    return idx, sid, generate_images(pipe, idx, sid, encode_prompts(pipe, S.prompts()), encode_prompts(pipe, ['']), num_steps=20,
                                     guidance=5.0, eta=1.0, seed=seed)


def reward_correct(rm, imgs, idx, S):
    pr = rm.probs(imgs) > 0.5
    tgt = torch.as_tensor(np.stack([S.labels_of(i)[[S.names.index(h) for h in rm.head_names]] for i in idx])).bool()
    return (pr == tgt).all(1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    for a in ('model', 'reward', 'evaluator', 'out'): p.add_argument(a)
    p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--n', type=int, default=16)
    p.add_argument('--steps', type=int, default=300)
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--eval-n', type=int, default=16, help='evaluation images per prompt')
    p.add_argument('--cap', type=int, default=32, help='kept images per prompt after balancing (repeats the rare ones)')
    a = p.parse_args()
    S, t0 = isic_schema(), time.time()
    pipe = load_pipeline(a.model, dtype='fp32', device='cpu')
    rm, ev = load_classifier(a.reward), load_classifier(a.evaluator)
    rounds, means, stds, prompts_kept = [], [], [], []
    for r in range(a.rounds):
        idx, sid, imgs = draw(pipe, S, a.n, seed=1000 + r)
        ok = reward_correct(rm, imgs, idx, S)
        idx = np.asarray(idx)
        for i in range(S.n_prompts):
            rows = np.flatnonzero((idx == i) & ok.numpy())
            if len(rows) == 0: continue
            rows = np.resize(rows, a.cap)                      # balance: every prompt with a right image weighs the same
            m, s = encode_latents(pipe.vae, (imgs[rows].clamp(0, 1) * 255).round().to(torch.uint8), device='cpu')
            means.append(m); stds.append(s); prompts_kept += [S.prompts()[i]] * len(rows)
        train_unet(pipe, torch.cat(means), torch.cat(stds), prompts_kept, steps=a.steps, lr=a.lr, ema_decay=0, warmup=20, snr_gamma=5.0,
                   seed=r, device='cpu', progress=False)
        rounds.append({'round': r, 'reward_pass': float(ok.float().mean()), 'kept': int(ok.sum()), 'train_rows': len(prompts_kept),
                       'seconds': round(time.time() - t0, 1)})
        print(rounds[-1], flush=True)
    t_train = time.time() - t0
    base = load_pipeline(a.model, dtype='fp32', device='cpu')
    res = {'args': vars(a), 'rounds': rounds, 'seconds_training': round(t_train, 1)}
    apr = {}
    for name, pp in (('base', base), ('raft', pipe)):
        idx, sid, imgs = draw(pp, S, a.eval_n, seed=88)
        apr[name] = apr_indicator(ev, imgs, idx, S).float().numpy()
        res[f'apr_{name}'] = float(apr[name].mean())
        res[f'reward_apr_{name}'] = float(reward_correct(rm, imgs, idx, S).float().mean())
    keys = list(zip(idx, sid))
    d = paired_difference(keys, apr['base'], keys, apr['raft'])
    res.update(apr_diff=d['diff'], apr_diff_ci=d['diff_ci'])
    idx = np.asarray(idx)
    per = {i: float(apr['raft'][idx == i].mean() - apr['base'][idx == i].mean()) for i in range(S.n_prompts)}
    res['rare_apr_diff'] = float(np.mean([per[i] for i in rare_subgroups()]))
    res['worst_subgroup_diff'] = min(per.values())
    res['seconds'] = round(time.time() - t0, 1)
    json.dump(res, open(a.out, 'w'), indent=1)
    print(json.dumps({k: v for k, v in res.items() if k != 'args'}, indent=1))


if __name__ == '__main__': main()
