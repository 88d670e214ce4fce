"""The bad-input trial: run every command with inputs a careful user and a hostile file produce, and check each answer.

    python tools/bad_inputs.py [OUT.json] [--only TEXT]   # about 15 minutes on 2 cores; --only: the cases whose name has TEXT

A case passes when the command exits with the expected status (2 for a refusal, 130 for Ctrl-C), prints no
traceback, says what the case expects, leaves no new file or folder in its work folder (apart from what the case
allows) and, for files that pickle code, the marker file was not created. Fixtures (tiny models, classifiers, hostile
pickles, a truncated JPEG) are made once in a temporary folder."""
import json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

import torch
from PIL import Image
from safetensors.torch import save_file

from rl4med.core import ctrl_c_popen, press_ctrl_c

W = Path(tempfile.mkdtemp(prefix='rl4med-bad-'))
MARK = W/'marker'
ENV = {**os.environ, 'TQDM_DISABLE': '1', 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}


class _Evil:
    "Unpickling it creates MARK: a stand-in for any code a crafted file could run."
    def __reduce__(self): return (Path.touch, (MARK,))


def fixtures():
    from rl4med.classifier import MultiHeadClassifier, save_classifier
    from rl4med.models import add_lora, save_lora, tiny_pipeline
    from rl4med.prompts import isic_schema
    F = W/'fx'
    F.mkdir()
    torch.save({'w': torch.ones(2), 'x': _Evil()}, F/'evil.pth')
    torch.save({'w': torch.ones(2), 'x': _Evil()}, F/'evil.pt')
    tiny_pipeline(size='test').save_pretrained(F/'tiny')
    shutil.copytree(F/'tiny', F/'pickled')
    for f in (F/'pickled'/'text_encoder').glob('*.safetensors'): f.unlink()
    torch.save({'w': torch.ones(1), 'x': _Evil()}, F/'pickled'/'text_encoder'/'pytorch_model.bin')
    (F/'lora_evil').mkdir()
    torch.save({'w': torch.ones(1), 'x': _Evil()}, F/'lora_evil'/'pytorch_lora_weights.bin')
    save_file(tiny_pipeline(size='default').unet.state_dict(), str(F/'big_unet.safetensors'))
    wide = tiny_pipeline(size='wide'); add_lora(wide.unet, rank=4); save_lora(wide.unet, F/'wide_lora')
    clf = MultiHeadClassifier('test_resnet', ['hair', 'gel_bubble', 'ruler', 'ink', 'MEL', 'NV'], image_size=64)
    save_classifier(clf, F/'clf6')
    shutil.copytree(F/'clf6', F/'clf5')
    cfg = json.loads((F/'clf5'/'config.json').read_text()); cfg['head_names'] = cfg['head_names'][:5]
    (F/'clf5'/'config.json').write_text(json.dumps(cfg))
    shutil.copytree(F/'clf6', F/'clf_cut')
    w = F/'clf_cut'/'model.safetensors'; w.write_bytes(w.read_bytes()[:3000])
    (F/'not_a_model').mkdir()
    (F/'a_file').write_text('x')
    P = isic_schema().prompts()
    (F/'bom.txt').write_text('\ufeff' + P[0] + '\n' + P[5] + '\n', encoding='utf-8')
    isic = F/'isic'; isic.mkdir()
    rows = ['image,MEL,NV,hair,gel_bubble,ruler,ink']
    for i in range(6):
        Image.new('RGB', (80, 80), (120 + 10 * i, 90, 80)).save(isic/f'ISIC_{i:07d}.jpg', quality=90)
        rows.append(f'ISIC_{i:07d},{i % 2},{1 - i % 2},0,0,0,0')
    (F/'split.csv').write_text('\n'.join(rows) + '\n')
    (F/'split_twice.csv').write_text('\n'.join(rows + [rows[1]]) + '\n')
    shutil.copytree(isic, F/'isic_cut')
    j = F/'isic_cut'/'ISIC_0000001.jpg'; j.write_bytes(j.read_bytes()[:300])
    sd = W/'sd'                                        # a real per-prompt folder for metrics
    subprocess.run([sys.executable, '-m', 'rl4med.data', '--out', str(sd), '--n', '32', '--no-progress'], env=ENV, check=True,
                   capture_output=True)
    return F


def snapshot(root: Path) -> set:
    return {p.relative_to(root) for p in root.rglob('*') if 'fx' not in p.relative_to(root).parts[:1]}


def run(cmd, cwd, interrupt_when=None, timeout=300):
    "Run `cmd`; with `interrupt_when` (a callable), send Ctrl-C once it returns True."
    p = ctrl_c_popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE)
    if interrupt_when is None: out, err = p.communicate(timeout=timeout)
    else: out, err = press_ctrl_c(p, lambda: p.poll() is not None or interrupt_when(), timeout)   # one that ended first is judged as it is
    return p.returncode, out, err


def cases(F):
    m = [sys.executable, '-m']
    tr = m + ['rl4med.ddpo', '--no-progress']
    tiny_train = ['--preset', 'synthderm-faithful', '--set', 'sample.num_steps=2', 'sample.batch_size=2', 'sample.num_batches_per_epoch=1',
                  'train.batch_size=2', 'train.gradient_accumulation_steps=1', 'eval.monitor=false', 'eval.images=0', 'device=cpu',
                  'tensorboard=false']
    real = ['--real', str(W/'sd'), '--fake', f"a={W/'sd'}", '--no-progress']
    sample, metrics = ['rl4med-sample', '--no-progress'], ['rl4med-metrics']
    prep = m + ['rl4med.data', '--no-progress']
    clf = m + ['rl4med.classifier', '--no-progress', '--epochs', '1', '--n-train', '8', '--n-val', '8', '--n-test', '8']
    return [
        # 1. code execution
        ('1', 'metrics --lpips-alexnet FILE (pickle)', metrics + real + ['--out', 'm', '--lpips-alexnet', str(F/'evil.pth')], 2, 'pickles code'),
        ('1', 'metrics --inception FILE (pickle)', metrics + real + ['--out', 'm', '--inception', str(F/'evil.pth')], 2, 'pickles code'),
        ('1', 'metrics --evaluator FILE.pth (pickle)', metrics + real + ['--out', 'm', '--evaluator', str(F/'evil.pth')], 2, 'pickles code'),
        ('1', 'train-classifier --pretrained FILE (pickle)', clf + ['--out', 'c', '--pretrained', str(F/'evil.pth')], 2, 'pickles code'),
        ('1', 'sample --adapter LoRA .bin (pickle)', sample + ['--out', 's', '--adapter', str(F/'lora_evil')], 2, 'pickles code'),
        ('1', 'sample --model folder with a pickled text encoder', sample + ['--out', 's', '--model', str(F/'pickled')], 2, 'only as a pickle'),
        ('1', 'train unet_weights=FILE.pt (pickle)', tr + ['--run-name', 'r', '--set', f"model={F/'tiny'}", f"unet_weights={F/'evil.pt'}"], 2,
         'must be a .safetensors file'),
        ('1', 'train reward_model=FILE.pth (pickle)', tr + ['--run-name', 'r', '--set', f"reward_model={F/'evil.pth'}"], 2, 'pickles code'),
        ('1', 'train eval.evaluator=FILE.pth (pickle)', tr + ['--run-name', 'r', '--set', f"eval.evaluator={F/'evil.pth'}"], 2, 'pickles code'),
        ('1', 'diagnose --reward-model FILE.pth (pickle)', m + ['rl4med.diagnose', '--out', 'd', '--reward-model', str(F/'evil.pth')], 2, 'pickles code'),
        # 2. run folders made before the checks
        ('2', 'train model= not a pipeline', tr + ['--run-name', 'r', '--set', f"model={F/'not_a_model'}"], 2, 'not a diffusers pipeline'),
        ('2', 'train reward_model= not a classifier', tr + ['--run-name', 'r', '--set', f"reward_model={F/'not_a_model'}"], 2, 'not a saved classifier'),
        ('2', 'train unet_weights= of another shape', tr + ['--run-name', 'r', '--set', f"model={F/'tiny'}", f"unet_weights={F/'big_unet.safetensors'}"], 2, 'does not fit'),
        ('2', 'train eval.evaluator= not a classifier', tr + ['--run-name', 'r', '--set', f"eval.evaluator={F/'not_a_model'}"], 2, 'not a saved classifier'),
        ('2', 'train eval.evaluator= truncated weights', tr + ['--run-name', 'r', '--set', f"eval.evaluator={F/'clf_cut'}"], 2, 'not a readable'),
        # 3. tracebacks instead of messages
        ('3', 'prepare-data --n -5', prep + ['--out', 'p', '--n', '-5'], 2, 'out of range'),
        ('3', 'prepare-data --n 0', prep + ['--out', 'p', '--n', '0'], 2, 'out of range'),
        ('3', 'prepare-data --size 7', prep + ['--out', 'p', '--size', '7'], 2, 'out of range'),
        ('3', 'train reward_model= config of 5 heads, weights of 6', tr + ['--run-name', 'r', '--set', f"reward_model={F/'clf5'}"], 2, 'does not match its config.json'),
        ('3', 'train reward_model= truncated safetensors', tr + ['--run-name', 'r', '--set', f"reward_model={F/'clf_cut'}"], 2, 'model.safetensors is not a readable'),
        ('3', 'train --set logdir=<under a file>', tr + ['--run-name', 'r', '--set', f"logdir={F/'a_file'}"], 2, 'is a file, not a folder'),
        ('3', 'train --set logdir=<read-only>', tr + ['--run-name', 'r', '--set', 'logdir=/sys/rl4med'], 2, 'not writable'),
        ('3', 'sample --out <under a file>', sample + ['--out', str(F/'a_file'/'s')], 2, 'is a file, not a folder'),
        ('3', 'sample --out <read-only>', sample + ['--out', '/sys/rl4med-s'], 2, 'not writable'),
        ('3', 'metrics --out <under a file>', metrics + real + ['--out', str(F/'a_file'/'m')], 2, 'is a file, not a folder'),
        ('3', 'metrics --out <read-only>', metrics + real + ['--out', '/sys/rl4med-m'], 2, 'not writable'),
        ('3', 'prepare-data --out <under a file>', prep + ['--out', str(F/'a_file'/'p')], 2, 'is a file, not a folder'),
        ('3', 'prepare-data --out <read-only>', prep + ['--out', '/sys/rl4med-p'], 2, 'not writable'),
        ('3', 'train-classifier --out <under a file>', clf + ['--out', str(F/'a_file'/'c')], 2, 'is a file, not a folder'),
        ('3', 'finetune --out <under a file>', m + ['rl4med.finetune', '--init', 'tiny', '--out', str(F/'a_file'/'f')], 2, 'is a file, not a folder'),
        ('3', 'diagnose --out <under a file>', m + ['rl4med.diagnose', '--out', str(F/'a_file'/'d')], 2, 'is a file, not a folder'),
        ('3', 'augment --out <under a file>', m + ['rl4med.augment', '--out', str(F/'a_file'/'a')], 2, 'is a file, not a folder'),
        ('3', 'bench --out <under a file>', m + ['rl4med.bench', '--out', str(F/'a_file'/'b.json')], 2, 'is a file, not a folder'),
        ('3', 'sample --model folder with a pickled text encoder (message)', sample + ['--out', 's', '--model', str(F/'pickled')], 2, 'convert the component'),
        # 4. accepted when it should be refused
        ('4', 'sample --guidance -1', sample + ['--out', 's', '--guidance', '-1'], 2, '--guidance must be'),
        ('4', 'train sample.guidance_scale=-1', tr + ['--run-name', 'r', '--set', 'sample.guidance_scale=-1'], 2, 'guidance_scale must be >= 0'),
        ('4', 'train train.learning_rate=1e400', tr + ['--run-name', 'r', '--set', 'train.learning_rate=1e400'], 2, 'not a finite number'),
        ('4', 'train a diverging run (learning rate 1e12)', tr + tiny_train + ['train.learning_rate=1e12', 'num_epochs=3', '--run-name', 'div'], 2,
         'training diverged', {'div'}),
        ('4', 'prepare-data --source isic --size 7', prep + ['--source', 'isic', '--isic-dir', str(F/'isic'), '--labels', str(F/'split.csv'),
                                                            '--out', 'p', '--size', '7'], 2, 'cannot be used for ISIC'),
        ('4', 'prepare-data ISIC CSV listing an image twice', prep + ['--source', 'isic', '--isic-dir', str(F/'isic'), '--labels',
                                                                     str(F/'split_twice.csv'), '--out', 'p', '--size', '64', '--split', 'all'], 2, 'more than once'),
        # 5. paths that escape
        ('5', 'train --run-name ../escape', tr + ['--run-name', '../escape'], 2, 'not a plain folder name'),
        ('5', 'train --run-name /abs/path', tr + ['--run-name', str(W/'abs')], 2, 'not a plain folder name'),
        ('5', 'train --run-name ../fx/clf6 --resume auto', tr + ['--run-name', '../fx/clf6', '--resume', 'auto'], 2, 'not a plain folder name'),
        # 6. resume that is not what it says
        ('6', 'train --resume auto, no such run', tr + ['--run-name', 'nothing', '--resume', 'auto'], 2, 'holds no run'),
        ('6', 'train --resume auto with another lora_rank', tr + ['--run-name', 'div0', '--resume', 'auto', '--set', 'lora_rank=8'], 2,
         'lora_rank=8 (the checkpoint has 4)', None, 'div0'),
        ('6', 'train --resume auto before the first checkpoint', tr + ['--run-name', 'early', '--resume', 'auto'], 2, 'has no checkpoint', None, 'early'),
        # 8. unhelpful messages
        ('8', 'sample --adapter LoRA of another base model', sample + ['--out', 's', '--adapter', str(F/'wide_lora')], 2, 'does not fit this model'),
        ('8', 'train prompt_sampler=file: with a byte-order mark', tr + tiny_train + ['num_epochs=1', f"prompt_sampler=file:{F/'bom.txt'}",
                                                                                      '--run-name', 'bom'], 0, '', {'bom'}),
        ('8', 'prepare-data ISIC with a truncated JPEG', prep + ['--source', 'isic', '--isic-dir', str(F/'isic_cut'), '--labels', str(F/'split.csv'),
                                                                '--out', 'p', '--size', '64', '--split', 'all'], 2, 'ISIC_0000001'),
    ], tiny_train, tr


def setup(tag, F, tr, tiny_train, cwd):
    "Runs some cases need: a finished 1-epoch run (div0), a run killed before its first checkpoint (early)."
    if tag == 'div0':
        subprocess.run(tr + tiny_train + ['num_epochs=1', '--run-name', 'div0'], cwd=cwd, env=ENV, check=True, capture_output=True)
    if tag == 'early':
        (cwd/'runs'/'early').mkdir(parents=True)
        shutil.copy(cwd/'runs'/'div0'/'config.json', cwd/'runs'/'early'/'config.json')


def main():
    only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else None
    F = fixtures()
    cs, tiny_train, tr = cases(F)
    if only: cs = [c for c in cs if only in c[1]]
    rows = []
    for c in cs:
        klass, name, cmd, want, msg = c[:5]
        allowed, needs = (c[5] if len(c) > 5 else None) or set(), c[6] if len(c) > 6 else None
        cwd = W/'cwd'
        cwd.mkdir(exist_ok=True)
        if needs: setup('div0', F, tr, tiny_train, cwd)
        if needs == 'early': setup('early', F, tr, tiny_train, cwd)
        before = snapshot(cwd)
        t0 = time.time()
        rc, out, err = run(cmd, cwd)
        new = {str(p) for p in snapshot(cwd) - before}
        left = {p for p in new if not (allowed and p == 'runs') and not any(p.startswith(f'runs/{a}') for a in allowed)}
        ok = rc == want and 'Traceback' not in err and (msg in err) and not left and not MARK.exists()
        rows.append({'class': klass, 'input': name, 'exit': rc, 'expected': want, 'traceback': 'Traceback' in err, 'left_behind': sorted(left),
                     'marker': MARK.exists(), 'passed': ok, 'seconds': round(time.time() - t0, 1),
                     'message': (err.strip().splitlines() or [''])[-1][:300]})
        print(f"{'PASS' if ok else 'FAIL'} [{klass}] {name}: exit {rc} {rows[-1]['message'][:150]}", flush=True)
        MARK.unlink(missing_ok=True)
        shutil.rmtree(cwd, ignore_errors=True)
    if not only or only == 'extra': rows += extra_cases(F, tr, tiny_train)
    n_ok = sum(r['passed'] for r in rows)
    print(f"\n{n_ok} passed, {len(rows) - n_ok} failed")
    if len(sys.argv) > 1 and sys.argv[1] != '--only': Path(sys.argv[1]).write_text(json.dumps({'cases': rows, 'passed': n_ok, 'failed': len(rows) - n_ok}, indent=1))
    shutil.rmtree(W, ignore_errors=True)
    return 0 if n_ok == len(rows) else 1


def extra_cases(F, tr, tiny_train):
    "Ctrl-C in train and sample, and two trainers of one run name (class 7)."
    rows = []
    cwd = W/'cwd'; cwd.mkdir(exist_ok=True)
    long = tr + tiny_train + ['num_epochs=500', 'save_freq=1', '--run-name', 'cc']
    ck = cwd/'runs'/'cc'/'checkpoints'
    rc, out, err = run(long, cwd, interrupt_when=lambda: ck.is_dir() and any(ck.glob('epoch_*')))
    ok = rc == 130 and 'keeps its checkpoint' in err and '--resume auto' in err and 'Traceback' not in err and not list(ck.glob('.*'))
    rows.append({'class': '3', 'input': 'Ctrl-C in rl4med-train', 'exit': rc, 'expected': 130, 'passed': ok, 'message': err.strip().splitlines()[-1][:300]})
    s_out = cwd/'smp'
    rc, out, err = run(['rl4med-sample', '--no-progress', '--out', str(s_out), '--n-per-prompt', '4', '--batch-size', '2', '--num-steps', '4',
                        '--reward', 'none'], cwd, interrupt_when=lambda: (s_out/'index.jsonl').is_file())
    ok = rc == 130 and 'kept' in err and 'Traceback' not in err
    rows.append({'class': '3', 'input': 'Ctrl-C in rl4med-sample', 'exit': rc, 'expected': 130, 'passed': ok, 'message': err.strip().splitlines()[-1][:300]})
    first = ctrl_c_popen(tr + tiny_train + ['num_epochs=500', '--run-name', 'twice'], cwd=cwd, env=ENV, stdout=subprocess.PIPE)
    while not (cwd/'runs'/'twice'/'config.json').exists() and first.poll() is None: time.sleep(0.2)
    rc, out, err = run(tr + tiny_train + ['num_epochs=1', '--run-name', 'twice'], cwd)
    press_ctrl_c(first, lambda: True)                # the first run stops as a user would stop it
    ok = rc == 2 and 'in use by another rl4med process' in err and 'Traceback' not in err
    rows.append({'class': '7', 'input': 'two rl4med-train with one --run-name', 'exit': rc, 'expected': 2, 'passed': ok,
                 'message': err.strip().splitlines()[-1][:300]})
    for r in rows: print(f"{'PASS' if r['passed'] else 'FAIL'} [{r['class']}] {r['input']}: exit {r['exit']} {r['message'][:150]}")
    return rows


if __name__ == '__main__': sys.exit(main())
