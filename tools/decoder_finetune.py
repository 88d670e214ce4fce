"""Fine-tune a pipeline's VAE decoder (the encoder frozen, so the UNet's latents keep their meaning) to decode the latents the
UNet actually produces: each batch mixes the encoder's latents as they are, the same with Gaussian noise, and the UNet's
one-step prediction of them from a noised copy (guided as in sampling), all decoded back to the original render.

    python tools/decoder_finetune.py MODEL OUT [--steps 1500] [--lr 2e-4] [--n 10000] [--max-t 250] [--noise 0.3]

Writes OUT (MODEL with the new decoder) and OUT/decoder_finetune.json (settings, losses, seconds)."""
import argparse, json, shutil, time
from pathlib import Path
import numpy as np, torch
import torch.nn.functional as F
from diffusers import DDPMScheduler
from tqdm.auto import tqdm
from rl4med.ddim import encode_prompts, guided_eps
from rl4med.finetune import encode_latents, load_images
from rl4med.models import load_pipeline


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('model')
    p.add_argument('out')
    p.add_argument('--steps', type=int, default=1500)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--n', type=int, default=10000)
    p.add_argument('--data-seed', type=int, default=5)
    p.add_argument('--max-t', type=int, default=250)
    p.add_argument('--noise', type=float, default=0.3)
    p.add_argument('--guidance', type=float, default=5.0)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    out = Path(a.out)
    if out.exists(): raise SystemExit(f"{out} exists: choose a new folder")
    t0 = time.time()
    pipe = load_pipeline(a.model, dtype='fp32', device='cpu')
    vae, unet = pipe.vae, pipe.unet
    imgs, prompts = load_images('synthderm', 64, a.n, a.data_seed, 'uniform')
    mean, std = encode_latents(vae, imgs)
    sf = vae.config.scaling_factor
    texts = sorted(set(prompts))
    with torch.no_grad(): emb, neg = encode_prompts(pipe, texts), encode_prompts(pipe, [''])
    pidx = torch.tensor([texts.index(q) for q in prompts])
    sched = DDPMScheduler.from_config(pipe.scheduler.config)
    ab = sched.alphas_cumprod
    vae.requires_grad_(False)
    params = list(vae.decoder.parameters()) + list(vae.post_quant_conv.parameters())
    for q in params: q.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.0)
    lrs = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.steps, pct_start=0.05)
    g = torch.Generator().manual_seed(a.seed)
    hist, acc = [], {'plain': [], 'noisy': [], 'unet': []}
    vae.decoder.train()
    for step in tqdm(range(a.steps), desc='decoder', unit='step'):
        b = torch.randperm(len(mean), generator=g)[:a.batch_size]
        flip = (torch.rand(len(b), generator=g) < 0.5).view(-1, 1, 1, 1)
        x = imgs[b].float().div(127.5).sub(1)
        x = torch.where(flip, x.flip(-1), x)
        z = (mean[b] + std[b] * torch.randn(mean[b].shape, generator=g)) * sf
        z = torch.where(flip, z.flip(-1), z)                    # a flipped image's latent is the flipped latent (as in training)
        kind = torch.arange(len(b)) % 3                         # 0: as encoded, 1: + noise, 2: the UNet's prediction
        zin = z.clone()
        n1 = kind == 1
        zin[n1] = z[n1] + a.noise * torch.rand(int(n1.sum()), 1, 1, 1, generator=g) * torch.randn(z[n1].shape, generator=g)
        n2 = kind == 2
        if n2.any():
            t = torch.randint(1, a.max_t + 1, (int(n2.sum()),), generator=g)
            eps = torch.randn(z[n2].shape, generator=g)
            zt = sched.add_noise(z[n2], eps, t)
            with torch.no_grad():
                e = guided_eps(unet, zt, t, emb[pidx[b][n2]], neg, a.guidance)
                s = ab[t].view(-1, 1, 1, 1)
                zin[n2] = (zt - (1 - s).sqrt() * e) / s.sqrt()
        rec = vae.decode(zin / sf).sample
        per = (rec - x).pow(2).flatten(1).mean(1) + 0.5 * (rec - x).abs().flatten(1).mean(1)
        loss = per.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        lrs.step()
        for k, name in enumerate(acc): acc[name].append(float(per.detach()[kind == k].mean()))
        if (step + 1) % 100 == 0 or step + 1 == a.steps:
            hist.append({'step': step + 1, **{k: float(np.mean(v)) for k, v in acc.items()}})
            acc = {k: [] for k in acc}
            print(json.dumps(hist[-1]), flush=True)
    vae.eval().requires_grad_(False)
    tmp = out.with_name(out.name + '.tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(a.model, tmp, ignore=shutil.ignore_patterns('vae'))
    vae.save_pretrained(tmp/'vae')
    json.dump({'command': 'python tools/decoder_finetune.py ' + ' '.join(f'{k}={v}' for k, v in vars(a).items()),
               'settings': vars(a), 'history': hist, 'seconds': time.time() - t0}, open(tmp/'decoder_finetune.json', 'w'), indent=1)
    tmp.rename(out)
    print(f"wrote {out} ({time.time() - t0:.0f} s)")


if __name__ == '__main__': main()
