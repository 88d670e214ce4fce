"""Measurements of a base model (the embedded default's acceptance): per-prompt evaluator APR, the graders' agreement (rl4med.diagnose.grader_stats)
and FD to SynthDerm renders of the same prompts in the evaluator's features. Writes one JSON.
    python tools/measure_base.py MODEL_DIR REWARD_DIR EVALUATOR_DIR OUT.json [N_PER_PROMPT]"""
import json, sys, time
import numpy as np, torch
from rl4med.augment import rare_subgroups
from rl4med.classifier import load_classifier
from rl4med.ddim import encode_prompts, generate_images, prompt_grid
from rl4med.diagnose import grader_stats, summary_line
from rl4med.metrics import ClassifierFeatures, frechet_distance
from rl4med.models import load_pipeline
from rl4med.prompts import isic_schema, isic_train_counts
from rl4med.synthderm import render
model, rmp, evp, out = sys.argv[1:5]; n = int(sys.argv[5]) if len(sys.argv) > 5 else 16
S = isic_schema(); t0 = time.time()
pipe = load_pipeline(model, dtype='fp32', device='cpu')
rm, ev = load_classifier(rmp), load_classifier(evp)
idx, sid = prompt_grid(range(32), n)
imgs = generate_images(pipe, idx, sid, encode_prompts(pipe, S.prompts()), encode_prompts(pipe, ['']), num_steps=20, guidance=5.0, eta=1.0, seed=88)
st = grader_stats(rm.probs(imgs), rm.head_names, ev.probs(imgs), ev.head_names, idx, S)
# renders of the same prompts (seeds disjoint from every training set: 10**6 + k)
real = torch.stack([torch.as_tensor(render(S.labels_of(i), seed=10**6 + 1000 * i + k, size=64)).permute(2, 0, 1).float() / 255
                    for i, k in zip(idx, sid)])
fx = ClassifierFeatures(ev)
fd = frechet_distance(fx(real), fx(imgs))
c = isic_train_counts()
apr = {i: r['evaluator_pass'] for i, r in st['prompts'].items()}
res = {'model': model, 'reward_model': rmp, 'evaluator': evp, 'n_per_prompt': n, 'seconds': time.time() - t0,
       'apr': float(np.mean(list(apr.values()))),
       'apr_common': float(np.mean([apr[i] for i in range(32) if c[i] >= 200])),
       'apr_rare': float(np.mean([apr[i] for i in rare_subgroups()])),
       'fd_evaluator_features': fd, 'summary': st['summary'], 'prompts': st['prompts'], 'summary_line': summary_line(st)}
json.dump(res, open(out, 'w'), indent=1)
print(json.dumps({k: v for k, v in res.items() if k not in ('prompts', 'summary')}, indent=1))
