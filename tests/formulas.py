"""Formula sources read back out of HTML: the one place tests do that.

A formula reaches HTML in one of three forms:
- as `render_markdown` leaves it: `<span class="math math-inline">\\(…\\)</span>`, its TeX escaped;
- typeset at build time (`formulas.place`): the same span around MathJax's `<mjx-container>`;
- as TeX MathJax rejected: `<span class="math-error" …><code>\\(…\\)</code></span>`, shown as typed.

CHTML keeps no TeX; its MathML is for screen readers. So for the typeset form this reads an
`<annotation encoding="application/x-tex">` if the engine ever embeds one, and otherwise
looks the markup up in `typeset` (MathJax's markup -> (kind, TeX), from the build's cache).
Tests that check "the formula reaches the HTML intact" go through `formula_sources`.
"""
from __future__ import annotations

import html
import re

_DELIMITERS = {"inline": ("\\(", "\\)"), "display": ("\\[", "\\]")}
_FORMULA = re.compile(
    r'<span class="math math-(inline|display)">(?:(<mjx-container\b.*?</mjx-container>)|([^<]*))</span>'
    r'|<span class="math-error"[^>]*>.*?<code>([^<]*)</code></span>', re.S)
_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">([^<]*)</annotation>')


def tex(kind: str, source: str) -> str:
    """The TeX of a formula without its delimiters: `\\(a\\)` -> `a`."""
    opener, closer = _DELIMITERS[kind]
    if source.startswith(opener) and source.endswith(closer) and len(source) >= 4:
        return source[2:-2]
    return source


def _of_source(source: str) -> tuple[str, str]:
    kind = "display" if source.startswith("\\[") else "inline"
    return kind, tex(kind, source)


def formula_sources(page: str, typeset: dict[str, tuple[str, str]] | None = None
                    ) -> list[tuple[str, str]]:
    """(kind, TeX without delimiters) of every formula in `page`, in order. A typeset
    formula with no TeX annotation and no entry in `typeset` is (kind, "?")."""
    found = []
    for m in _FORMULA.finditer(page):
        kind, chtml, plain, broken = m.groups()
        if broken is not None:
            found.append(_of_source(html.unescape(broken)))
        elif plain is not None:
            found.append((kind, tex(kind, html.unescape(plain))))
        elif (note := _ANNOTATION.search(chtml)) is not None:
            found.append((kind, html.unescape(note.group(1))))
        else:
            found.append((typeset or {}).get(chtml, (kind, "?")))
    return found


def expected_sources(spans) -> list[tuple[str, str]]:
    """What `formula_sources` must give for the math spans of a body (from split_spans)."""
    return [(s.kind, tex(s.kind, s.text)) for s in spans if s.is_math]
