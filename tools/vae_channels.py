"""Which latent channels a VAE uses, and what its round trip alone does to the evaluator's ink verdicts.

    python tools/vae_channels.py OUT.json VAE_DIR [VAE_DIR ...] [--key vae_channels]

256 SynthDerm renders (8 per prompt, seeds 10**6 + 1000 i + k), encoded; per latent channel (scaled by the VAE's
scaling factor): the std over images and positions of the posterior mean ('signal_std') and the mean posterior std
('posterior_std'; near 1: the channel's posterior is the prior, it carries nothing). Then the evaluator's ink head on
the ink-free renders after a round trip (posterior mean) and as rendered, overall and per prompt. Written under --key
of OUT.json (other keys kept)."""
import argparse, json
from pathlib import Path
import numpy as np, torch
from rl4med.models import load_vae
from rl4med.prompts import isic_schema
from rl4med.rewards import default_evaluator
from rl4med.synthderm import render


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('out'); p.add_argument('vaes', nargs='+')
    p.add_argument('--key', default='vae_channels')
    a = p.parse_args()
    S, ev = isic_schema(), default_evaluator()
    idx = np.array([i for i in range(32) for _ in range(8)])
    x = torch.stack([torch.as_tensor(render(S.labels_of(i), seed=10**6 + 1000 * i + k)).permute(2, 0, 1).float() / 255
                     for i in range(32) for k in range(8)])
    ink = S.names.index('ink')
    no_ink = np.array([not S.labels_of(int(i))[ink] for i in idx])
    seen = lambda im: (ev.probs(im)[:, ev.head_names.index('ink')] > .5).numpy()
    res = {'how': __doc__.split('\n\n')[1].replace('\n', ' ')}
    for name in a.vaes:
        vae = load_vae(name)
        sf = vae.config.scaling_factor
        with torch.no_grad():
            d = vae.encode(x * 2 - 1).latent_dist
            rt = (vae.decode(d.mean).sample / 2 + .5).clamp(0, 1)
        s_rt = seen(rt)
        res[name] = {'signal_std': (d.mean * sf).std((0, 2, 3)).tolist(), 'posterior_std': (d.std * sf).mean((0, 2, 3)).tolist(),
                     'roundtrip_spurious_ink': float(s_rt[no_ink].mean()), 'render_spurious_ink': float(seen(x)[no_ink].mean()),
                     'roundtrip_spurious_ink_per_prompt': {int(i): float(s_rt[idx == i].mean()) for i in np.unique(idx[no_ink])}}
        print(name, {k: v for k, v in res[name].items() if 'per_prompt' not in k})
    out = json.loads(Path(a.out).read_text()) if Path(a.out).is_file() else {}
    out[a.key] = res
    Path(a.out).write_text(json.dumps(out, indent=1))


if __name__ == '__main__': main()
