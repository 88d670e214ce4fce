"""How do two graders judge SynthDerm renders, and the same renders sent through a VAE (the best images a generator with
that VAE could draw)? Usage: python tools/vae_roundtrip_check.py OUT.json (the shipped VAE; runs/graders/ holds the new pair)."""
import json, sys, torch
from rl4med.classifier import InMemory, VAERoundTrip, load_classifier
from rl4med.diagnose import grader_stats
from rl4med.models import load_vae
from rl4med.prompts import isic_schema
from rl4med.synthderm import SynthDerm

PAIRS = {'shipped_graders': ('rl4med/assets/reward_h6', 'rl4med/assets/evaluator_h4'),
         'new_graders': ('runs/graders/reward_h6', 'runs/graders/evaluator_h4')}

def grade_roundtrips(vae, pairs=PAIRS, n=512, seed=11, kinds=('renders', 'roundtrip')) -> dict:
    "grader_stats summaries of each grader pair on `n` test renders and on their round trips through `vae`."
    S = isic_schema()
    ds = InMemory(SynthDerm(n, seed=seed, size=64, frequencies='uniform', split='test'))
    x = ds.images.float() / 255
    idx = [S.index(l.long().numpy()) for l in ds.labels]
    imgs = {'renders': x, 'roundtrip': VAERoundTrip(vae, p=1.0)(x, torch.Generator().manual_seed(0))}
    out = {}
    for pair, (rm, ev) in pairs.items():
        rm, ev = load_classifier(rm), load_classifier(ev)
        for kind in kinds:
            st = grader_stats(rm.probs(imgs[kind]), rm.head_names, ev.probs(imgs[kind]), ev.head_names, idx, S)
            out.setdefault(pair, {})[kind] = st['summary']
    return out

if __name__ == '__main__':
    torch.set_num_threads(1)
    res = grade_roundtrips(load_vae('rl4med/assets/tiny-sd'))
    for pair, kinds in res.items():
        for kind, s in kinds.items():
            print(f"{pair:16s} {kind:10s} APR {s['evaluator_pass']:.3f} reward pass {s['reward_pass']:.3f} agree {s['agreement']:.3f}")
    json.dump(res, open(sys.argv[1], 'w'), indent=1)
