#!/usr/bin/env python
"""Real-browser test of the viz widgets (`rl4med.viz`): JupyterLab on localhost, driven in headless Chromium.

    python tests/browser_test.py                 # exit 0: passed, 1: failed, 77: skipped (the reason is printed)
    python tests/browser_test.py --out DIR       # where the screenshots go (default tests/out/)

It starts JupyterLab on a free localhost port (no token, its own temporary config, data, runtime, settings and
workspace folders, no news or update checks), writes a small notebook with the prompt builder and the trajectory
scrubber of `nbs/12_viz.ipynb` into its own folder, opens it in Debian's Chromium (`/usr/bin/chromium`, driven by the
Playwright Python package; no browser is downloaded and no host other than 127.0.0.1 is resolved), runs all cells and
checks that the widgets render and respond: ticking the *ink* box changes the prompt text and the images, moving the
step slider changes the trajectory image. Screenshots: `browser_viz.png` (the JupyterLab window) and
`prompt_builder.png` (the widget) in the output folder, `browser_viz_failure.png` when a check fails.

Skipped (exit 77) when `/usr/bin/chromium` (or `$RL4MED_CHROMIUM`), jupyterlab or playwright is missing: `apt-get install chromium` and
`pip install -e ".[dev]"` provide them. JupyterLab, its kernel and Chromium are ended on exit, also on failure.
"""
from __future__ import annotations

import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get('RL4MED_CHROMIUM', '/usr/bin/chromium')   # Debian's package; the variable only for other layouts
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']
SKIP, FAIL = 77, 1

# the cells the browser runs: the "In JupyterLab" section of nbs/12_viz.ipynb, with fewer images and steps
CELLS = ["from rl4med.viz import load_models, PromptBuilder, TrajectoryScrubber\nmodels = load_models()",
         "PromptBuilder(models, sample_ids=(0, 1, 2), num_steps=10)",
         "TrajectoryScrubber(models, prompt_idx=5, num_steps=6)"]


class Failed(Exception):
    "A check failed; the message says which and what was seen."


def missing_requirements() -> str | None:
    "Why the test cannot run here, or None."
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    for mod, pkg in (('jupyterlab', 'jupyterlab'), ('playwright.sync_api', 'playwright'), ('ipywidgets', 'ipywidgets')):
        try: __import__(mod)
        except ImportError: return f"python package {pkg} not installed: pip install -e \".[dev]\""
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def write_notebook(path: Path):
    cells = [{'cell_type': 'code', 'execution_count': None, 'id': f'cell{i}', 'metadata': {}, 'outputs': [], 'source': src}
             for i, src in enumerate(CELLS)]
    nb = {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}},
          'nbformat': 4, 'nbformat_minor': 5}
    path.write_text(json.dumps(nb, indent=1), encoding='utf-8')


def _descendants(pid: int) -> list[int]:
    "Process ids below `pid` (Linux /proc; empty elsewhere)."
    kids: dict[int, list[int]] = {}
    for p in Path('/proc').glob('[0-9]*'):
        try: ppid = int((p/'stat').read_text().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError): continue
        kids.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []): out.append(c); todo.append(c)
    return out


def _kill(pids, sig):
    for p in pids:
        try: os.kill(p, sig)
        except (ProcessLookupError, PermissionError): pass


class Lab:
    "A JupyterLab server on 127.0.0.1 with everything in its own temporary folder."
    def __init__(self, tmp: Path, timeout: float):
        self.tmp, self.port = tmp, free_port()
        self.root = tmp/'notebooks'; self.root.mkdir()
        cfg = tmp/'config'; (cfg/'labconfig').mkdir(parents=True)
        settings = tmp/'settings'
        # no news, no update checks (both would reach the network); every cell rendered (no virtual scrolling)
        (cfg/'labconfig'/'page_config.json').write_text(json.dumps({'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}))
        (cfg/'jupyter_server_config.json').write_text(json.dumps({
            'ServerApp': {'ip': '127.0.0.1', 'port': self.port, 'port_retries': 0, 'open_browser': False, 'root_dir': str(self.root),
                          'disable_check_xsrf': True, 'password': '', 'allow_root': True, 'terminals_enabled': False},
            'IdentityProvider': {'token': ''},
            'LabApp': {'news_url': None, 'check_for_updates_class': 'jupyterlab.NeverCheckForUpdate', 'extension_manager': 'readonly',
                       'workspaces_dir': str(tmp/'workspaces'), 'user_settings_dir': str(settings)}}))
        nbset = settings/'@jupyterlab'/'notebook-extension'; nbset.mkdir(parents=True)
        (nbset/'tracker.jupyterlab-settings').write_text(json.dumps({'windowingMode': 'none', 'autoStartDefaultKernel': True}))
        env = {**os.environ, 'JUPYTER_CONFIG_DIR': str(cfg), 'JUPYTER_RUNTIME_DIR': str(tmp/'runtime'), 'JUPYTER_DATA_DIR': str(tmp/'data'),
               'IPYTHONDIR': str(tmp/'ipython'), 'MPLBACKEND': 'Agg', 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1'),
               'HF_HUB_OFFLINE': '1', 'TQDM_DISABLE': '1', 'JUPYTER_PLATFORM_DIRS': '1'}
        env.pop('IN_TEST', None)
        self.log_path = tmp/'jupyterlab.log'
        self.log = open(self.log_path, 'w')
        self.proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser'], cwd=self.root, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f'http://127.0.0.1:{self.port}'
        deadline = time.time() + timeout
        while True:
            if self.proc.poll() is not None: raise Failed(f"JupyterLab exited with code {self.proc.returncode} before serving:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + '/api/status', timeout=5) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.time() > deadline: raise Failed(f"JupyterLab did not answer on {self.url} within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.5)

    def log_tail(self, n: int = 30) -> str:
        try: self.log.flush(); return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-n:])
        except OSError: return '(no log)'

    def stop(self):
        "Shut the server and its kernels down; whatever is left of them is killed by process id."
        if self.proc.poll() is None:
            tree = _descendants(self.proc.pid)
            try: urllib.request.urlopen(urllib.request.Request(self.url + '/api/shutdown', method='POST'), timeout=5).close()
            except OSError: pass
            try: self.proc.wait(10)
            except subprocess.TimeoutExpired:
                _kill([self.proc.pid], signal.SIGTERM)
                try: self.proc.wait(5)
                except subprocess.TimeoutExpired: _kill([self.proc.pid], signal.SIGKILL); self.proc.wait(5)
            _kill([p for p in tree if Path(f'/proc/{p}').exists()], signal.SIGKILL)
        self.log.close()


def _js_wait(page, expr: str, arg, timeout_s: float, what: str):
    "Wait until the JavaScript function `expr(arg)` is truthy, else fail saying `what`."
    try: page.wait_for_function(expr, arg=arg, timeout=timeout_s * 1000)
    except Exception as e:
        if type(e).__name__ != 'TimeoutError': raise
        raise Failed(f"timed out after {timeout_s:.0f} s waiting for {what}") from None


IMG_READY = "(sel) => { const i = document.querySelector(sel); return i && i.src && i.complete && i.naturalWidth > 0 }"
IMG_CHANGED = "([sel, old]) => { const i = document.querySelector(sel); return i && i.src && i.src !== old && i.complete && i.naturalWidth > 0 }"


def _errors_in_outputs(page) -> str:
    "Tracebacks the notebook's cells printed (to explain a widget that never appears)."
    try: txt = page.eval_on_selector_all('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', 'els => els.map(e => e.innerText).join("\\n")')
    except Exception: return ''
    return txt[-3000:]


def _accept_kernel_dialog(page, wait_s: float):
    "Accept JupyterLab's 'Select Kernel' dialog (the notebook's own python3 kernel is preselected) if it shows up."
    try: page.wait_for_selector('.jp-Dialog .jp-mod-accept', state='visible', timeout=wait_s * 1000)
    except Exception: return
    page.locator('.jp-Dialog .jp-mod-accept').click()
    page.wait_for_selector('.jp-Dialog', state='detached', timeout=10_000)


def _wait_visible(page, selector: str, timeout_s: float) -> bool:
    "Wait for `selector` to be visible, accepting a kernel dialog that shows up meanwhile; False on timeout."
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            page.wait_for_selector(selector, state='visible', timeout=2000); return True
        except Exception as e:
            if type(e).__name__ != 'TimeoutError': raise
        if page.locator('.jp-Dialog .jp-mod-accept').count(): _accept_kernel_dialog(page, 1)
        if 'Traceback' in _errors_in_outputs(page): return False     # a cell failed: no point waiting
    return False


def run_checks(page, lab: Lab, out: Path, timeout: float) -> list[str]:
    "Open the notebook, run it, drive the widgets; returns what was checked."
    done = []
    page.goto(f"{lab.url}/lab/tree/viz_demo.ipynb", wait_until='domcontentloaded', timeout=timeout * 1000)
    try: page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=timeout * 1000)
    except Exception: raise Failed(f"JupyterLab did not show the notebook within {timeout:.0f} s") from None
    _accept_kernel_dialog(page, 5)
    _js_wait(page, "() => { const k = document.querySelector('.jp-Notebook-ExecutionIndicator'); return k && k.getAttribute('data-status') === 'idle' }",
             None, timeout, 'the kernel to start (execution indicator idle)')
    done.append('JupyterLab opened the notebook and its kernel started')
    page.locator('.lm-MenuBar-itemLabel', has_text=re.compile(r'^Run$')).click()
    page.locator('.lm-Menu-itemLabel', has_text=re.compile(r'^Run All Cells$')).click()
    _accept_kernel_dialog(page, 5)
    if not _wait_visible(page, '.rl4med-prompt-builder', timeout):
        raise Failed(f"the prompt builder did not render (waited up to {timeout:.0f} s); the notebook printed:\n{_errors_in_outputs(page)}")
    _js_wait(page, IMG_READY, '.rl4med-compare', timeout, 'the prompt builder\'s first images')
    prompt0 = page.inner_text('.rl4med-prompt').strip()
    if 'no visible artifacts' not in prompt0: raise Failed(f"the first prompt should have no artifacts, it reads {prompt0!r}")
    src0 = page.get_attribute('.rl4med-compare', 'src')
    pix0 = page.locator('.rl4med-compare').screenshot()
    done.append(f"prompt builder rendered: {prompt0!r} with base and RL images")

    box = page.locator('.rl4med-artifact-ink input[type="checkbox"]')
    box.click()
    if not box.is_checked(): raise Failed("clicking the ink checkbox did not tick it")
    _js_wait(page, "(sel) => { const e = document.querySelector(sel); return e && e.innerText.includes('showing ink') }", '.rl4med-prompt',
             30, "the prompt text to change to '... showing ink' after ticking ink")
    prompt1 = page.inner_text('.rl4med-prompt').strip()
    _js_wait(page, IMG_CHANGED, ['.rl4med-compare', src0], timeout, 'new images after ticking ink (the image src never changed)')
    pix1 = page.locator('.rl4med-compare').screenshot()
    if pix1 == pix0: raise Failed("the images' pixels did not change after ticking ink")
    done.append(f"ticking ink changed the prompt to {prompt1!r} and regenerated the images")

    page.locator('.rl4med-prompt-builder').scroll_into_view_if_needed()
    page.screenshot(path=str(out/'browser_viz.png'))
    page.locator('.rl4med-prompt-builder').screenshot(path=str(out/'prompt_builder.png'))

    if not _wait_visible(page, '.rl4med-trajectory-scrubber', timeout):
        raise Failed(f"the trajectory scrubber did not render (waited up to {timeout:.0f} s); the notebook printed:\n{_errors_in_outputs(page)}")
    _js_wait(page, IMG_READY, '.rl4med-trajectory', timeout, "the trajectory scrubber's first image")
    t0 = page.get_attribute('.rl4med-trajectory', 'src')
    handle = page.locator('.rl4med-step .noUi-handle')
    handle.focus()
    for _ in range(3): page.keyboard.press('ArrowRight')
    _js_wait(page, IMG_CHANGED, ['.rl4med-trajectory', t0], 60, 'a new trajectory frame after moving the step slider')
    done.append('moving the step slider changed the trajectory frame')
    return done


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=str(ROOT/'tests'/'out'), help='folder for the screenshots')
    ap.add_argument('--timeout', type=float, default=240, help='seconds allowed for each wait (server start, kernel, first images)')
    args = ap.parse_args(argv)
    why = missing_requirements()
    if why: print(f"SKIPPED: {why}", flush=True); return SKIP
    from playwright.sync_api import sync_playwright

    def _stop(signum, frame): raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGTERM, signal.SIGHUP): signal.signal(s, _stop)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    for f in ('browser_viz.png', 'prompt_builder.png', 'browser_viz_failure.png'): (out/f).unlink(missing_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix='rl4med-browser-'))
    t_start = time.time()
    lab = pw = ctx = page = None
    status = FAIL
    try:
        lab = Lab(tmp, args.timeout)
        write_notebook(lab.root/'viz_demo.ipynb')
        pw = sync_playwright().start()
        ctx = pw.chromium.launch_persistent_context(str(tmp/'chromium-profile'), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                                    viewport={'width': 1400, 'height': 1300}, timeout=60_000)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.set_default_timeout(60_000)
        for line in run_checks(page, lab, out, args.timeout): print(f"  ok: {line}", flush=True)
        print(f"screenshots: {out/'browser_viz.png'} and {out/'prompt_builder.png'}")
        print(f"PASSED: browser test in {time.time() - t_start:.1f} s", flush=True)
        status = 0
    except Failed as e:
        print(f"FAILED: {e}", flush=True)
    except KeyboardInterrupt as e:
        print(f"FAILED: interrupted ({e})", flush=True)
    except Exception as e:                                  # a Playwright error or a bug here: say what and where
        import traceback
        print(f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}\n{traceback.format_exc(limit=4)}", flush=True)
    finally:
        if status != 0:
            if page is not None:
                try: page.screenshot(path=str(out/'browser_viz_failure.png')); print(f"failure screenshot: {out/'browser_viz_failure.png'}")
                except Exception: pass
            if lab is not None: print(f"JupyterLab log (tail):\n{lab.log_tail()}")
        for closer in (lambda: ctx and ctx.close(), lambda: pw and pw.stop()):
            try: closer()
            except Exception: pass
        if lab is not None: lab.stop()
        _kill(_descendants(os.getpid()), signal.SIGKILL)         # anything of ours still alive (a stuck browser)
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == '__main__':
    sys.exit(main())
