"""Sampling cost of tiny UNet layouts on the 8-channel latents (16 x 16 x 8 for 64 px), side by side in one run:
seconds for one guided UNet call on a batch of 32 (a DDIM step with classifier-free guidance), median of 5, and parameters.
    python tools/unet_cost.py OUT.json"""
import json, sys, time
import numpy as np, torch
from diffusers import UNet2DConditionModel

LAYOUTS = {
    'default': dict(ch=(32, 64, 64), lpb=1, attn16=False),
    'wide': dict(ch=(48, 96, 96), lpb=1, attn16=False),
    'lpb2': dict(ch=(32, 64, 64), lpb=2, attn16=False),
    'attn16': dict(ch=(32, 64, 64), lpb=1, attn16=True),
    'c64': dict(ch=(64, 64, 64), lpb=1, attn16=False),
}

def build(ch, lpb, attn16):
    down = ['CrossAttnDownBlock2D' if attn16 else 'DownBlock2D'] + ['CrossAttnDownBlock2D'] * (len(ch) - 1)
    return UNet2DConditionModel(sample_size=16, in_channels=8, out_channels=8, down_block_types=down,
                                up_block_types=[b.replace('Down', 'Up') for b in reversed(down)], block_out_channels=list(ch),
                                layers_per_block=lpb, cross_attention_dim=64, attention_head_dim=8, norm_num_groups=8).eval()

res = {'threads': torch.get_num_threads(), 'layouts': {}, 'about': {
    'default': '32/64/64, 1 layer per block, cross-attention at 8 x 8 and 4 x 4 (the shipped layout)', 'wide': '48/96/96',
    'lpb2': '32/64/64, 2 layers per block', 'attn16': 'cross-attention at 16 x 16 too', 'c64': '64/64/64'}}
x, t, emb = torch.randn(64, 8, 16, 16), torch.tensor(500), torch.randn(64, 32, 64)
for name, kw in LAYOUTS.items():
    u = build(**kw)
    with torch.no_grad():
        u(x, t, emb)
        ts = []
        for _ in range(5):
            t0 = time.perf_counter(); u(x, t, emb); ts.append(time.perf_counter() - t0)
    res['layouts'][name] = {'seconds_per_guided_step_batch32': float(np.median(ts)), 'params': sum(p.numel() for p in u.parameters())}
base = res['layouts'][next(iter(LAYOUTS))]['seconds_per_guided_step_batch32']
for r in res['layouts'].values(): r['ratio_to_default'] = r['seconds_per_guided_step_batch32'] / base
json.dump(res, open(sys.argv[1], 'w'), indent=1)
print(json.dumps(res, indent=1))
