"""Wrap code lines over 140 characters in notebook code cells, one statement at a time, proven safe by the AST.

    python tools/wrap_long.py nbs/10_metrics.ipynb [...]     # rewrites in place; prints the lines it could not wrap

A long line that is a whole statement is reformatted alone by `ruff format` (the rest of the cell keeps its look);
the cell is kept only if it parses to the same AST as before. Lines inside a longer statement are reported, to wrap
by hand."""
import ast, re, subprocess, sys, textwrap

from unjoin import _same, read_nb, set_source, write_nb   # tools/: run as python tools/wrap_long.py

LIMIT = 140


def _fmt(stmt: str, width: int) -> str | None:
    r = subprocess.run(['ruff', 'format', '--line-length', str(width), '--config', 'format.quote-style="preserve"', '-'], input=stmt,
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def _statement_spans(src: str, long_rows: list[int]) -> list[tuple[int, int]]:
    "For each long row (0-based), the rows of the innermost simple statement holding it (compound headers are skipped)."
    spans = set()
    tree = ast.parse(src)
    for row in long_rows:
        best = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt) or not (node.lineno - 1 <= row <= node.end_lineno - 1): continue
            body = getattr(node, 'body', None)
            if isinstance(body, list) and body: continue          # compound: its own simple statements are walked too
            if best is None or node.lineno >= best.lineno: best = node
        if best is not None and best.end_lineno > best.lineno: spans.add((best.lineno - 1, best.end_lineno - 1))
    return sorted(spans, reverse=True)


def wrap_statements(src: str) -> str:
    "Reformat whole multi-line statements that hold a long line; each kept only if the cell's AST is unchanged."
    try: ast.parse(src)
    except SyntaxError: return src
    lines = src.split('\n')
    for a, b in _statement_spans(src, [i for i, l in enumerate(lines) if len(l) > LIMIT]):
        ind = lines[a][:len(lines[a]) - len(lines[a].lstrip())]
        body = textwrap.dedent('\n'.join(lines[a:b + 1]))
        for width in (120, 110, 100):
            out = _fmt(body + '\n', width - len(ind))
            if out and all(len(ind) + len(x) <= LIMIT for x in out.rstrip('\n').split('\n')): break
        else: continue
        trial = lines[:a] + [ind + x if x.strip() else x for x in out.rstrip('\n').split('\n')] + lines[b + 1:]
        if _same(src, '\n'.join(trial)): lines = trial
    return '\n'.join(lines)


_PARAM = re.compile(r'^(\s+)(\w+: .*?,)\s+(# .*)$')
_DOC = re.compile(r'^(\s+)"([^"\\{}]*)"$')

def _split_text(text: str, room: int) -> list[str]:
    "`text` cut at spaces into pieces of at most `room` characters (each but the last keeps its trailing space)."
    out, cur = [], ''
    for w in text.split(' '):
        if cur and len(cur) + len(w) + 1 > room:
            out.append(cur + ' ')
            cur = w
        else: cur = f'{cur} {w}' if cur else w
    return out + [cur]

def wrap_comments_and_docstrings(src: str) -> str:
    "A long `param: type = default,  # help` line gets its comment on the line above (fastcore reads it there too); a long"
    " plain docstring becomes adjacent pieces in parentheses (the same string)."
    out = []
    for l in src.split('\n'):
        m, d = _PARAM.match(l), _DOC.match(l)
        if len(l) > LIMIT and m: out += [m.group(1) + m.group(3), m.group(1) + m.group(2)]
        elif len(l) > LIMIT and d:
            ind, parts = d.group(1), _split_text(d.group(2), LIMIT - len(d.group(1)) - 4)
            out += [ind + '(' + '"' + parts[0] + '"'] + [ind + ' "' + p + '"' for p in parts[1:-1]] + [ind + ' "' + parts[-1] + '")']
        else: out.append(l)
    new = '\n'.join(out)
    return new if _same(src, new) else src

def _split_string_token(line: str) -> list[str] | None:
    "A long line with a string literal that crosses the limit, its literal cut at a space into two adjacent pieces."
    import io, tokenize
    try: toks = list(tokenize.generate_tokens(io.StringIO(line.strip() + '\n').readline))
    except (tokenize.TokenError, IndentationError, SyntaxError): return None
    off = len(line) - len(line.lstrip())
    for t in toks:
        if t.type != tokenize.STRING: continue
        a, b = off + t.start[1], off + t.end[1]
        if b <= LIMIT: continue
        m = re.match(r'([fFrRuU]*)(["\'])(.*)\2$', t.string, re.S)
        if not m or t.string.endswith(m.group(2) * 3): return None
        pre, q, text = m.groups()
        depth, cut = 0, None
        for i, ch in enumerate(text):
            depth += ch == '{'
            depth -= ch == '}'
            if ch == ' ' and depth == 0 and a + len(pre) + 1 + i + 2 <= LIMIT - 2 and i > 10: cut = i + 1
        if cut is None: return None
        return [line[:a] + pre + q + text[:cut] + q, ' ' * a + pre + q + text[cut:] + q + line[b:]]
    return None


def wrap_strings(src: str) -> str:
    "Cut long string literals inside brackets into adjacent pieces (the same value), one line at a time, AST-checked."
    lines = src.split('\n')
    for i in range(len(lines) - 1, -1, -1):
        while len(lines[i]) > LIMIT:
            new = _split_string_token(lines[i])
            if new is None: break
            trial = lines[:i] + new + lines[i + 1:]
            if not _same('\n'.join(lines), '\n'.join(trial)): break
            lines = trial
            i += 1
            if i >= len(lines): break
    return '\n'.join(lines)


def wrap_source(src: str) -> tuple[str, list[str]]:
    if re.search(r'^\s*[%!]', src, re.M): return src, [l for l in src.split('\n') if len(l) > LIMIT]
    src = wrap_strings(wrap_comments_and_docstrings(wrap_statements(src)))
    lines, left = src.split('\n'), []
    for i, l in enumerate(lines):
        if len(l) <= LIMIT: continue
        ind = l[:len(l) - len(l.lstrip())]
        body = l.strip()
        try: ast.parse(body)
        except SyntaxError:
            left.append(l)
            continue
        new = None
        for width in (120, 110, 100):
            out = _fmt(body + '\n', width - len(ind))
            if out and all(len(ind) + len(x) <= LIMIT for x in out.rstrip('\n').split('\n')):
                new = [ind + x if x.strip() else x for x in out.rstrip('\n').split('\n')]
                break
        if new is None or not _same(body, '\n'.join(x[len(ind):] for x in new)):
            left.append(l)
            continue
        lines[i] = '\n'.join(new)
    res = '\n'.join(lines)
    if not _same(src, res): return src, [l for l in src.split('\n') if len(l) > LIMIT]
    return res, left


def main(files):
    for f in files:
        nb = read_nb(f)
        changed = False
        for c in nb['cells']:
            if c['cell_type'] != 'code': continue
            src = ''.join(c['source'])
            new, left = wrap_source(src)
            for l in left: print(f"{f}: not wrapped: {l.strip()[:100]}")
            if new != src:
                set_source(c, new)
                changed = True
        if changed: write_nb(f, nb)


if __name__ == '__main__': main(sys.argv[1:])
