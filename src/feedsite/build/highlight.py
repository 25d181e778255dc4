"""Code blocks in HTML: Pygments for a language it knows, loaded only when a block must
be highlighted (a memo of blocks highlighted before spares an edit's build the import and
the lexer, 0.1 s of a new process)."""
from __future__ import annotations

import functools


def render_fence(self, tokens, idx, options, env) -> str:
    """Pygments for a known language; markdown-it's escaped <pre><code> otherwise. With
    a memo of blocks highlighted before (env's "highlighted"), a block found there is
    not highlighted again; either way the block goes into env's "used"."""
    info = tokens[idx].info.split()
    memo = env.get("highlighted")
    block = (info[0], tokens[idx].content) if info else None
    if memo is not None and block in memo:
        env["used"].append((block, memo[block]))
        return memo[block]
    lexer = _lexer(info[0]) if info else None
    if lexer is None:
        return self.fence(tokens, idx, options, env)
    from pygments import highlight  # here: an edit whose code is in the memo never loads it

    # Its lines scroll rather than wrap (indentation is meaning): a reader on a keyboard
    # must be able to reach the scrolling block, so it takes the focus, as in MkDocs Material.
    out = highlight(tokens[idx].content, lexer, _formatter()).replace("<pre>", '<pre tabindex="0">', 1)
    if memo is not None:
        env["used"].append((block, out))
    return out


@functools.lru_cache(maxsize=1)
def _formatter():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=False, cssclass="highlight")


@functools.lru_cache(maxsize=256)
def _lexer(name: str):
    """One lexer per language name, reused (a lexer keeps no state between texts):
    looking one up by name took 0.4 ms, a tenth of highlighting a 13-line block."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None
