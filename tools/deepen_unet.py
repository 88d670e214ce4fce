"""Grow a trained pipeline's UNet by more layers per block without changing what it computes, then train on from there.

    python tools/deepen_unet.py SRC_PIPELINE OUT_PIPELINE 3,1,1

Each new down-block layer is a ResNet block (and, in cross-attention blocks, a transformer) whose last projection is
zero: it passes its input through. Its skip connection therefore repeats the one before it; the matching new up-block
layer sits where that repeated skip is read, ignores it (its 1 x 1 shortcut is [identity | 0]) and passes its input
through too. The grown UNet's output equals the old one's (checked here on random inputs before anything is written).
"""
import shutil, sys
from pathlib import Path
import torch
from diffusers import UNet2DConditionModel


def _per_block(v, n): return list(v) if isinstance(v, (list, tuple)) else [v] * n


def _zero_last(sd, prefix, resnet: bool):
    "Zero the layer's last projection so it adds nothing to its residual path."
    names = ['conv2.weight', 'conv2.bias'] if resnet else ['proj_out.weight', 'proj_out.bias']
    for k in names: sd[f'{prefix}.{k}'].zero_()


def deepen_unet(unet: UNet2DConditionModel, layers_per_block) -> UNet2DConditionModel:
    "A UNet with `layers_per_block` (an int or one per block, each at least the old) computing exactly what `unet` computes."
    nb = len(unet.config.block_out_channels)
    old, new = _per_block(unet.config.layers_per_block, nb), _per_block(layers_per_block, nb)
    if any(m < n for m, n in zip(new, old)): raise SystemExit(f"layers per block can only grow: {old} -> {new}")
    big = UNet2DConditionModel.from_config({**unet.config, 'layers_per_block': tuple(new) if len(set(new)) > 1 else new[0]})
    src, sd = unet.state_dict(), big.state_dict()
    def copy(a, b):
        for k, v in src.items():
            if k.startswith(a + '.'): sd[b + k[len(a):]].copy_(v)
    mapped = set()
    for i, (n, m) in enumerate(zip(old, new)):  # down blocks: old layers first, identities after them
        for k in range(m):
            for part, resnet in (('resnets', True), ('attentions', False)):
                dst = f'down_blocks.{i}.{part}.{k}'
                if not any(s.startswith(dst + '.') for s in sd): continue
                if k < n: copy(f'down_blocks.{i}.{part}.{k}', dst)
                else: _zero_last(sd, dst, resnet)
        mapped.add(f'down_blocks.{i}.resnets'); mapped.add(f'down_blocks.{i}.attentions')
    for j in range(nb):  # up blocks read the skips in reverse: the identities sit right after the first layer
        n, m = old[nb - 1 - j] + 1, new[nb - 1 - j] + 1
        d = m - n
        for k in range(m):
            for part, resnet in (('resnets', True), ('attentions', False)):
                dst = f'up_blocks.{j}.{part}.{k}'
                if not any(s.startswith(dst + '.') for s in sd): continue
                if k == 0 or k > d: copy(f'up_blocks.{j}.{part}.{k - d if k else 0}', dst)
                else:
                    _zero_last(sd, dst, resnet)
                    if resnet:  # input = [hidden | repeated skip]: keep the hidden half, drop the skip
                        w = sd[f'{dst}.conv_shortcut.weight']
                        w.zero_()
                        w[:, :w.shape[0], 0, 0] = torch.eye(w.shape[0])
                        sd[f'{dst}.conv_shortcut.bias'].zero_()
        mapped.add(f'up_blocks.{j}.resnets'); mapped.add(f'up_blocks.{j}.attentions')
    for k, v in src.items():  # everything else keeps its name and shape
        if not any(k.startswith(p + '.') for p in mapped): sd[k].copy_(v)
    big.load_state_dict(sd)
    return big.eval()


def check_same(a, b, n=4, seed=0) -> float:
    "Largest difference between two UNets' outputs on random latents, timesteps and text embeddings."
    g = torch.Generator().manual_seed(seed)
    c = a.config
    x = torch.randn(n, c.in_channels, c.sample_size, c.sample_size, generator=g)
    t = torch.randint(0, 1000, (n,), generator=g)
    emb = torch.randn(n, 16, c.cross_attention_dim, generator=g)
    with torch.no_grad(): return float((a(x, t, emb).sample - b(x, t, emb).sample).abs().max())


if __name__ == '__main__':
    if len(sys.argv) != 4: raise SystemExit(__doc__)
    src, out, lpb = Path(sys.argv[1]), Path(sys.argv[2]), [int(v) for v in sys.argv[3].split(',')]
    if out.exists(): raise SystemExit(f"{out} exists: choose a new folder")
    unet = UNet2DConditionModel.from_pretrained(src/'unet').eval()
    big = deepen_unet(unet, lpb if len(lpb) > 1 else lpb[0])
    diff = check_same(unet, big)
    old_n, new_n = sum(p.numel() for p in unet.parameters()), sum(p.numel() for p in big.parameters())
    print(f"layers per block {unet.config.layers_per_block} -> {big.config.layers_per_block}; parameters {old_n:,} -> {new_n:,}; "
          f"largest output difference {diff:.2e}")
    if diff > 1e-4: raise SystemExit("the grown UNet does not compute what the old one did: nothing written")
    tmp = out.with_name(out.name + '.tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, ignore=shutil.ignore_patterns('unet'))
    big.save_pretrained(tmp/'unet')
    tmp.rename(out)
    print(f"wrote {out}")
