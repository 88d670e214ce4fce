"""The main job's acceptance (issue 15): `rl4med-train` (the preset, plus any `--set`) for several seeds and thread counts,
one after the other, each from its own run folder; collects what each report.json says into one JSON.

    python tools/main_job_sweep.py OUT.json [--seeds 42,7,3] [--threads 1,2] [--set key=value ...] [--prefix NAME] [--preset NAME]
    python tools/main_job_sweep.py OUT.json --merge A.json B.json ... [--mixed]   (sweeps run side by side, one file;
        --mixed: sweeps with different --set, such as the same settings spelled two ways; each run keeps its command)

Per run: held-out APR gain and its 95% interval, the reward model's own APR gain, the mean APR gain over the rare
subgroups (fewer than 20 ISIC training images), the worst subgroup change, wall-clock seconds and the exit status.
A run that is already in OUT.json (same seed and threads) is not run again, so an interrupted sweep continues."""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import numpy as np
from rl4med.augment import rare_subgroups
from rl4med.compare import t_interval


def summarise(rep: dict) -> dict:
    "The acceptance figures of one report.json."
    change = {i: s['apr_rl'] - s['apr_base'] for i, s in rep['subgroups'].items()}
    rare = [change[str(i)] for i in rare_subgroups()]                      # the package's rare subgroups (ISIC count < 20)
    worst = min(change, key=change.get)
    return {'apr_base': rep['models']['base']['apr'], 'apr_rl': rep['models']['rl']['apr'],
            'apr_diff': rep['apr_diff'], 'apr_diff_ci': rep['apr_diff_ci'],
            'apr_reward_model_diff': rep.get('apr_reward_model_diff'), 'rare_apr_diff': float(np.mean(rare)),
            'worst_subgroup': int(worst), 'worst_subgroup_diff': change[worst], 'seconds': rep.get('seconds')}


def ranges(runs: dict) -> dict:
    "Min and max over the runs of each figure (what is reported: ranges, never one run)."
    ok = [r for r in runs.values() if r.get('rc') == 0]
    keys = ('apr_diff', 'apr_reward_model_diff', 'rare_apr_diff', 'worst_subgroup_diff', 'seconds', 'wall_seconds')
    out = {k: [min(r[k] for r in ok), max(r[k] for r in ok)] for k in keys if ok and all(r.get(k) is not None for r in ok)}
    if ok:
        out['apr_diff_ci_low_min'] = min(r['apr_diff_ci'][0] for r in ok)
        for k in ('apr_diff', 'rare_apr_diff'):                            # the mean over runs, with its t-interval
            out[f'{k}_mean'] = float(np.mean([r[k] for r in ok]))
            out[f'{k}_mean_ci'] = list(t_interval([r[k] for r in ok]))
    out['n_runs'], out['n_failed'] = len(ok), len(runs) - len(ok)
    return out


def thread_ranges(runs: dict) -> dict:
    "`ranges` of the runs of each thread count, keyed `ranges_ompN` (seconds only compare within one count)."
    ths = sorted({k.rsplit('-omp', 1)[1] for k in runs})
    return {f'ranges_omp{t}': ranges({k: r for k, r in runs.items() if k.endswith(f'-omp{t}')}) for t in ths}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('out')
    p.add_argument('--seeds', default='42,7,3')
    p.add_argument('--threads', default='1,2')
    p.add_argument('--set', nargs='*', default=[])
    p.add_argument('--prefix', default='sweep')
    p.add_argument('--preset', default=None, help="another preset than the main job's default (e.g. efficient)")
    p.add_argument('--merge', nargs='+', default=None, help='sweep JSONs (same --set) to merge into OUT, running nothing')
    p.add_argument('--mixed', action='store_true', help='with --merge: allow sweeps with different --set or --preset')
    a = p.parse_args()
    out = Path(a.out)
    if a.merge:
        parts = [json.loads(Path(f).read_text()) for f in a.merge]
        same = all((q['sets'], q.get('preset')) == (parts[0]['sets'], parts[0].get('preset')) for q in parts)
        if not same and not a.mixed:
            sys.exit("error: the sweeps to merge ran with different --preset or --set: pass --mixed to merge them anyway "
                     "(each run keeps its own command)")
        twice = sorted(k for i, q in enumerate(parts) for k in q['runs'] if any(k in o['runs'] for o in parts[i + 1:]))
        if twice: sys.exit(f"error: runs {', '.join(twice)} are in more than one sweep: keep one of each")
        runs = {k: r for q in parts for k, r in q['runs'].items()}
        rg = ranges(runs)
        keep = {k: v for k, v in (json.loads(out.read_text()) if out.exists() else {}).items() if k in ('memory', 'what', 'how')}
        sets, preset = ((parts[0]['sets'], parts[0].get('preset')) if same
                        else ([q['sets'] for q in parts], [q.get('preset') for q in parts]))
        out.write_text(json.dumps({'sets': sets, 'preset': preset, 'runs': runs, 'ranges': rg, **thread_ranges(runs), **keep}, indent=1))
        return print(json.dumps(rg, indent=1))
    res = json.loads(out.read_text()) if out.exists() else {'sets': a.set, 'preset': a.preset, 'runs': {}}
    if res['sets'] != a.set or res.get('preset') != a.preset:
        sys.exit(f"error: {out} holds a sweep with --preset {res.get('preset')} --set {res['sets']}: use another OUT")
    for th in a.threads.split(','):
        for seed in a.seeds.split(','):
            key = f'seed{seed}-omp{th}'
            if key in res['runs']: continue
            name = f'{a.prefix}-{key}'
            cmd = ['rl4med-train', '--run_name', name, '--no-progress', *(['--preset', a.preset] if a.preset else []),
                   '--set', f'seed={seed}', *a.set]
            env = dict(os.environ, OMP_NUM_THREADS=th, MKL_NUM_THREADS=th)
            t0 = time.time()
            rc = subprocess.run(cmd, env=env).returncode
            r = {'command': f"OMP_NUM_THREADS={th} " + ' '.join(cmd), 'rc': rc, 'wall_seconds': round(time.time() - t0, 1)}
            rep = Path('runs')/name/'report.json'
            if rc == 0 and rep.exists(): r.update(summarise(json.loads(rep.read_text())))
            res['runs'][key] = r
            res['ranges'] = ranges(res['runs'])
            res.update(thread_ranges(res['runs']))
            out.write_text(json.dumps(res, indent=1))
            print(key, {k: r.get(k) for k in ('rc', 'apr_diff', 'apr_diff_ci', 'rare_apr_diff', 'worst_subgroup_diff', 'wall_seconds')},
                  flush=True)
    print(json.dumps(res['ranges'], indent=1))


if __name__ == '__main__': main()
