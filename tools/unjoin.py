"""Split `;`-joined statements in notebook code cells into one statement per line, proven safe by the AST.

    python tools/unjoin.py nbs/03_data.ipynb [...]     # rewrites the notebooks in place, prints what it changed
    python tools/unjoin.py --check nbs/*.ipynb          # counts the joined lines only

`a = 1; b = 2` becomes two lines; `if x: a(); b()` becomes a block. A cell is rewritten only when its new source parses
to the same AST as the old one (line numbers aside), so the change cannot alter what the code does; a cell with IPython
syntax (`%magic`, `!cmd`) or any line the rules below do not cover is left as it is and reported."""
import ast, io, json, re, sys, tokenize
from pathlib import Path

HEADERS = ('if ', 'elif ', 'else:', 'for ', 'while ', 'with ', 'def ', 'try:', 'except', 'finally:', 'class ', 'async ')


def _top_level(line: str, kind: str) -> list[int]:
    "Offsets of `kind` (';' or ':') at bracket depth 0 outside strings in one physical line (lambda colons excluded)."
    out, depth, lambdas = [], 0, 0
    try: toks = list(tokenize.generate_tokens(io.StringIO(line + '\n').readline))
    except (tokenize.TokenError, IndentationError, SyntaxError): return []
    for t in toks:
        if t.type == tokenize.OP and t.string in '([{': depth += 1
        elif t.type == tokenize.OP and t.string in ')]}': depth -= 1
        elif t.type == tokenize.NAME and t.string == 'lambda' and depth == 0: lambdas += 1
        elif t.type == tokenize.OP and t.string == kind and depth == 0:
            if kind == ':' and lambdas: lambdas -= 1
            else: out.append(t.start[1])
    return out


def split_line(line: str) -> list[str] | None:
    "The statements of a joined physical line as lines, or None when it is not one we split."
    semis = _top_level(line, ';')
    if not semis: return None
    ind = line[:len(line) - len(line.lstrip())]
    body, head = line.strip(), ''
    if body.startswith(HEADERS):
        cols = _top_level(line, ':')
        if not cols or cols[0] > semis[0]: return None
        head, rest = line[:cols[0] + 1].rstrip(), line[cols[0] + 1:]
        semis = [s - cols[0] - 1 for s in semis]
        if not rest.strip(): return None
        parts, prev = [], 0
        for s in semis: parts.append(rest[prev:s]); prev = s + 1
        parts.append(rest[prev:])
        stmts = [p.strip() for p in parts if p.strip()]
        inner = ind + '    '
        nested = [split_line(inner + s) or [inner + s] for s in stmts]
        return [head] + [l for n in nested for l in n]
    parts, prev = [], 0
    for s in semis: parts.append(line[prev:s]); prev = s + 1
    parts.append(line[prev:])
    return [ind + p.strip() for p in parts if p.strip()]


def read_nb(f) -> dict: return json.loads(Path(f).read_text(encoding='utf-8'))

def write_nb(f, nb: dict): Path(f).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')

def set_source(cell: dict, text: str):
    "Store `text` as the cell's source lines, the way Jupyter writes them."
    ls = text.split('\n')
    cell['source'] = [l + '\n' for l in ls[:-1]] + ([ls[-1]] if ls[-1] else [])


def _same(a: str, b: str) -> bool:
    try: return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError: return False


def unjoin_source(src: str) -> tuple[str, int, int]:
    "New source, lines split, lines left joined."
    if re.search(r'^\s*[%!]', src, re.M): return src, 0, sum(bool(_top_level(l, ';')) for l in src.splitlines())
    out, done, left = [], 0, 0
    for l in src.split('\n'):
        new = split_line(l)
        if new is None: out.append(l); continue
        out.extend(new); done += 1
    res = '\n'.join(out)
    if not _same(src, res): return src, 0, sum(bool(_top_level(l, ';')) for l in src.splitlines())
    left = sum(bool(_top_level(l, ';')) for l in res.splitlines())
    return res, done, left


def main(args):
    check = '--check' in args
    files = [a for a in args if a != '--check']
    tot_done = tot_left = tot_lines = 0
    for f in files:
        nb = read_nb(f)
        changed = False
        for c in nb['cells']:
            if c['cell_type'] != 'code': continue
            src = ''.join(c['source'])
            tot_lines += sum(1 for l in src.splitlines() if l.strip() and not l.strip().startswith('#'))
            new, done, left = unjoin_source(src)
            tot_left += sum(bool(_top_level(l, ';')) for l in src.splitlines()) if check else left
            if done and not check:
                set_source(c, new)
                changed, tot_done = True, tot_done + done
        if changed: write_nb(f, nb)
    print(f"{tot_done} joined lines split; {tot_left} left joined in {tot_lines} code lines "
          f"({1000 * tot_left / max(tot_lines, 1):.1f} per 1000)")


if __name__ == '__main__': main(sys.argv[1:])
