"""Per-subgroup change of held-out APR between a base diagnosis and adapters' diagnoses, from `rl4med-diagnose` folders.

    python tools/subgroup_change.py OUT.json BASE_DIR NAME=DIR [NAME=DIR ...] [--how TEXT]

Each DIR holds a `diagnosis.json` written by `rl4med-diagnose` with the same --n_per_prompt and --seed as BASE_DIR, so that
image k of prompt i starts from the same noise in every folder. Per adapter: APR (the evaluator's pass rate over all
images), its change, the change per subgroup, the worst subgroup, how many subgroups lose more than 0.15, and the mean
change over the rare subgroups (fewer than 20 ISIC training images); per folder the graders' summary as well. NAME is
GROUP-REST (e.g. preset-seed42): `ranges` gives each figure's min and max over a group's runs.
"""
import argparse, json, sys
from pathlib import Path

import numpy as np

from rl4med.augment import rare_subgroups
from rl4med.prompts import isic_train_counts


def load(d: str) -> dict:
    p = Path(d)/'diagnosis.json'
    if not p.is_file(): sys.exit(f"{p} does not exist: run rl4med-diagnose --out {d} first")
    return json.loads(p.read_text())


def summary(st: dict) -> dict:
    counts = isic_train_counts()
    ev = np.array([st['prompts'][str(i)]['evaluator_pass'] for i in range(len(counts))])
    s = st['summary']
    return {'apr': float(ev.mean()), 'apr_common': float(ev[counts >= 200].mean()), 'apr_rare': float(ev[rare_subgroups()].mean()),
            'head_agreement': s['head_agreement'], 'agreement': s['agreement'], 'p_eval_given_reward': s['p_eval_given_reward'],
            'reward_pass': s['reward_pass'], 'subgroups': {int(i): float(v) for i, v in enumerate(ev)}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('out')
    ap.add_argument('base')
    ap.add_argument('runs', nargs='+', help='NAME=DIR')
    ap.add_argument('--how', default='')
    a = ap.parse_args()
    base_st = load(a.base)
    settings = {k: base_st['settings'][k] for k in ('n_per_prompt', 'seed', 'num_steps', 'guidance', 'eta')}
    base = summary(base_st)
    res = {'how': a.how, 'settings': settings, 'base': base, 'runs': {}}
    for spec in a.runs:
        name, _, d = spec.partition('=')
        st = load(d)
        mine = {k: st['settings'][k] for k in settings}
        if mine != settings: sys.exit(f"{d} was diagnosed with {mine}, the base with {settings}: use the same settings")
        s = summary(st)
        ch = {i: s['subgroups'][i] - base['subgroups'][i] for i in base['subgroups']}
        worst = min(ch, key=ch.get)
        s.update(adapter=st['settings'].get('adapter'), apr_diff=s['apr'] - base['apr'], subgroup_change=ch, worst_subgroup=worst,
                 worst_subgroup_diff=ch[worst], n_lose_over_015=int(sum(v < -0.15 for v in ch.values())),
                 rare_apr_diff=float(np.mean([ch[i] for i in rare_subgroups()])))
        res['runs'][name] = s
    groups = {}                                     # NAME is GROUP-REST (e.g. preset-seed42): the range over each group's runs
    for name, s in res['runs'].items(): groups.setdefault(name.split('-')[0], []).append(s)
    res['ranges'] = {g: {k: [min(s[k] for s in rs), max(s[k] for s in rs)] for k in
                         ('apr_diff', 'worst_subgroup_diff', 'n_lose_over_015', 'rare_apr_diff')} for g, rs in groups.items()}
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    for k, s in res['runs'].items():
        print(f"{k}: APR {base['apr']:.3f} -> {s['apr']:.3f} ({s['apr_diff']:+.3f}); worst subgroup {s['worst_subgroup']} "
              f"{s['worst_subgroup_diff']:+.3f}; {s['n_lose_over_015']} lose > 0.15; rare {s['rare_apr_diff']:+.3f}")


if __name__ == '__main__': main()
