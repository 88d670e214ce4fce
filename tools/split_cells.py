"""Split export cells over `--max` lines (default 60) at top-level statement boundaries into several export cells.

    python tools/split_cells.py nbs/10_metrics.ipynb [...] [--max 60]

Each new cell starts with the `#| export` directive of the old one and holds whole top-level statements (a function,
a class, an assignment with its comment lines), so the exported module is the same code; a single statement longer
than the limit is reported, to break up by hand."""
import ast, json, secrets, sys
from pathlib import Path


def chunks(src: str, limit: int) -> list[str] | None:
    lines = src.split('\n')
    head = [l for l in lines if l.startswith('#|')]
    body = [l for l in lines if not l.startswith('#|')]
    tree = ast.parse('\n'.join(body))
    starts = []
    for node in tree.body:                         # a statement starts at its first decorator
        s = min([node.lineno] + [d.lineno for d in getattr(node, 'decorator_list', [])]) - 1
        while s > 0 and body[s - 1].lstrip().startswith('#'): s -= 1   # comments above it go with it
        starts.append(s)
    starts = sorted(set(starts))
    if not starts: return None
    pieces = [body[a:b] for a, b in zip([0] + starts[1:], starts[1:] + [len(body)])]
    out, cur = [], []
    for p in pieces:
        if cur and len(head) + len(cur) + len(p) > limit:
            out.append(cur)
            cur = []
        cur = cur + p
    out.append(cur)
    res = []
    for c in out:
        while c and not c[-1].strip(): c = c[:-1]
        while c and not c[0].strip(): c = c[1:]
        if c: res.append('\n'.join(head + c))
    return res if len(res) > 1 else None


def main(args):
    limit = int(args[args.index('--max') + 1]) if '--max' in args else 60
    files = [a for i, a in enumerate(args) if not a.startswith('--') and (i == 0 or args[i - 1] != '--max')]
    for f in files:
        nb = json.loads(Path(f).read_text(encoding='utf-8'))
        new_cells = []
        for c in nb['cells']:
            src = ''.join(c['source'])
            if c['cell_type'] != 'code' or not src.startswith('#| export') or len(src.splitlines()) <= limit:
                new_cells.append(c)
                continue
            parts = chunks(src, limit)
            if parts is None:
                print(f"{f}: a {len(src.splitlines())}-line export cell has no boundary to split at")
                new_cells.append(c)
                continue
            for i, p in enumerate(parts):
                ls = p.split('\n')
                cc = dict(c, source=[x + '\n' for x in ls[:-1]] + [ls[-1]], id=c['id'] if i == 0 else secrets.token_hex(4))
                new_cells.append(cc)
                if len(ls) > limit: print(f"{f}: one statement of {len(ls)} lines: {ls[1][:80]}")
        nb['cells'] = new_cells
        Path(f).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')


if __name__ == '__main__': main(sys.argv[1:])
