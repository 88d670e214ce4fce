"""A quick VAE experiment: train an AutoencoderKL of the given channels on uniform SynthDerm and grade round-tripped renders.
    python tools/vae_try.py OUT_DIR STEPS CH1,CH2,CH3 [LAYERS_PER_BLOCK]"""
import json, sys, time, torch
from diffusers import AutoencoderKL
from rl4med.classifier import load_classifier, InMemory, VAERoundTrip
from rl4med.diagnose import grader_stats
from rl4med.finetune import load_images, train_vae, encode_latents, scaling_factor
from rl4med.prompts import isic_schema
from rl4med.synthderm import SynthDerm
out, steps, ch = sys.argv[1], int(sys.argv[2]), [int(c) for c in sys.argv[3].split(',')]
lpb = int(sys.argv[4]) if len(sys.argv) > 4 else 1
t0 = time.time()
vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=['DownEncoderBlock2D'] * len(ch), up_block_types=['UpDecoderBlock2D'] * len(ch),
                    block_out_channels=ch, latent_channels=4, layers_per_block=lpb, norm_num_groups=8, sample_size=64, scaling_factor=1.0)
imgs, _ = load_images('synthderm', 64, 10000, 1, 'uniform', None, False)
hist = train_vae(vae, imgs, steps, 32, 1e-3, seed=0, device='cpu', progress=False)
m, s = encode_latents(vae, imgs[:2000], device='cpu'); vae.register_to_config(scaling_factor=scaling_factor(m, s))
vae.save_pretrained(out)
S = isic_schema()
ds = InMemory(SynthDerm(512, seed=11, size=64, frequencies='uniform', split='test'))
x = ds.images.float() / 255; idx = [S.index(l.long().numpy()) for l in ds.labels]
rt = VAERoundTrip(vae, p=1.0)(x, torch.Generator().manual_seed(0))
res = {'channels': ch, 'layers_per_block': lpb, 'steps': steps, 'params': sum(p.numel() for p in vae.parameters()), 'history': hist, 'seconds': time.time() - t0}
for pair, (rm, ev) in {'shipped_graders': ('rl4med/assets/reward_h6', 'rl4med/assets/evaluator_h4'),
                       'new_graders': ('runs/graders/reward_h6', 'runs/graders/evaluator_h4')}.items():
    rm, ev = load_classifier(rm), load_classifier(ev)
    res[pair] = grader_stats(rm.probs(rt), rm.head_names, ev.probs(rt), ev.head_names, idx, S)['summary']
json.dump(res, open(f'{out}/roundtrip.json', 'w'), indent=1)
print({k: (v['evaluator_pass'], v['agreement'], v['head_agreement']) for k, v in res.items() if k.endswith('graders')}, res['seconds'], hist[-1])
