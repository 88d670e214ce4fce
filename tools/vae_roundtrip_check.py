"""How do two graders judge SynthDerm renders, and the same renders sent through the shipped VAE (the best images a generator
with that VAE could draw)? Usage: python tools/vae_roundtrip_check.py OUT.json (uses runs/graders/ for the new pair)."""
import json, sys, torch, numpy as np
torch.set_num_threads(1)
from rl4med.classifier import load_classifier, VAERoundTrip, InMemory
from rl4med.models import load_vae
from rl4med.synthderm import SynthDerm
from rl4med.diagnose import grader_stats, summary_line
from rl4med.prompts import isic_schema
S = isic_schema()
ds = InMemory(SynthDerm(512, seed=11, size=64, frequencies='uniform', split='test'))
x = ds.images.float() / 255
idx = [S.index(l.long().numpy()) for l in ds.labels]
rt = VAERoundTrip(load_vae('rl4med/assets/tiny-sd'), p=1.0)(x, torch.Generator().manual_seed(0))
out = {}
for pair, (rm, ev) in {'shipped_graders': ('rl4med/assets/reward_h6', 'rl4med/assets/evaluator_h4'),
                       'new_graders': ('runs/graders/reward_h6', 'runs/graders/evaluator_h4')}.items():
    rm, ev = load_classifier(rm), load_classifier(ev)
    for kind, imgs in (('renders', x), ('roundtrip', rt)):
        st = grader_stats(rm.probs(imgs), rm.head_names, ev.probs(imgs), ev.head_names, idx, S)
        out.setdefault(pair, {})[kind] = st['summary']
        print(f'{pair:16s} {kind:15s} APR {st["summary"]["evaluator_pass"]:.3f} reward pass {st["summary"]["reward_pass"]:.3f} '
              f'agree {st["summary"]["agreement"]:.3f} heads {st["summary"]["head_agreement"]}', flush=True)
json.dump(out, open(sys.argv[1], 'w'), indent=1)
