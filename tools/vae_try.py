"""A quick VAE experiment: train an AutoencoderKL of the given channels on uniform SynthDerm, then grade round-tripped renders.
    python tools/vae_try.py OUT_DIR STEPS CH1,CH2,CH3 [LAYERS_PER_BLOCK] [LATENT_CHANNELS]"""
import json, sys, time
from diffusers import AutoencoderKL
from rl4med.finetune import encode_latents, load_images, scaling_factor, train_vae
from vae_roundtrip_check import grade_roundtrips

out, steps, ch = sys.argv[1], int(sys.argv[2]), [int(c) for c in sys.argv[3].split(',')]
lpb = int(sys.argv[4]) if len(sys.argv) > 4 else 1
lat = int(sys.argv[5]) if len(sys.argv) > 5 else 4
t0 = time.time()
vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=['DownEncoderBlock2D'] * len(ch), up_block_types=['UpDecoderBlock2D'] * len(ch),
                    block_out_channels=ch, latent_channels=lat, layers_per_block=lpb, norm_num_groups=8, sample_size=64, scaling_factor=1.0)
imgs, _ = load_images('synthderm', 64, 10000, 1, 'uniform', None, False)
hist = train_vae(vae, imgs, steps, 32, 1e-3, seed=0, device='cpu', progress=True)
m, s = encode_latents(vae, imgs[:2000], device='cpu'); vae.register_to_config(scaling_factor=scaling_factor(m, s))
vae.save_pretrained(out)
res = {'channels': ch, 'layers_per_block': lpb, 'latent_channels': lat, 'steps': steps, 'params': sum(p.numel() for p in vae.parameters()), 'history': hist,
       'seconds': time.time() - t0, **grade_roundtrips(vae, kinds=('roundtrip',))}
json.dump(res, open(f'{out}/roundtrip.json', 'w'), indent=1)
print({k: (v['roundtrip']['evaluator_pass'], v['roundtrip']['agreement']) for k, v in res.items() if k.endswith('graders')})
