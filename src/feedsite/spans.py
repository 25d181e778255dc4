"""Split text into prose, math and lost-formula spans.

The extractor and the builder share this one scanner so they always agree on
where math begins and ends: whatever the extractor leaves untouched as math is
exactly what the builder hands to MathJax.

Rules, read left to right:
- outside math, `\\\\` is an escaped backslash (a pair, never an opener);
- `\\(` opens inline math closed by `\\)`; `\\[` opens display math closed by `\\]`;
- inside math, a backslash always takes the next character with it, so `\\\\]`
  is a LaTeX line break followed by `]`, not a closer;
- an opener that is never closed (the feed cut the excerpt off) makes the rest
  of the text an `unclosed` span: kept verbatim, never typeset;
- `[Math]` and `[公式]` outside math mark formulas lost upstream;
- `$` is never a delimiter, so `$5 到 $10` stays prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PROSE, INLINE, DISPLAY, UNCLOSED, LOST = "prose", "inline", "display", "unclosed", "lost"
LOST_MARKERS = ("[Math]", "[公式]")
_CLOSER = {"(": "\\)", "[": "\\]"}
_KIND = {"(": INLINE, "[": DISPLAY}
_SPECIAL = re.compile(r"\\|\[Math\]|\[公式\]")


@dataclass(frozen=True)
class Span:
    kind: str
    text: str  # the exact source characters, delimiters included

    @property
    def is_math(self) -> bool:
        return self.kind in (INLINE, DISPLAY)


def _math_end(text: str, start: int, closer: str) -> int:
    """Index just past `closer`, scanning from `start`; -1 when never closed."""
    i, n = start, len(text)
    while i < n:
        j = text.find("\\", i)
        if j < 0 or j + 1 >= n:
            return -1
        if text.startswith(closer, j):
            return j + 2
        i = j + 2  # a backslash always takes the next character inside math
    return -1


def split_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    prose_start = i = 0
    n = len(text)

    def flush(end: int) -> None:
        if end > prose_start:
            spans.append(Span(PROSE, text[prose_start:end]))

    while True:
        m = _SPECIAL.search(text, i)
        if m is None:
            break
        j = m.start()
        if m.group() != "\\":
            flush(j)
            spans.append(Span(LOST, m.group()))
            prose_start = i = m.end()
            continue
        nxt = text[j + 1] if j + 1 < n else ""
        if nxt in _CLOSER:
            flush(j)
            end = _math_end(text, j + 2, _CLOSER[nxt])
            if end < 0:
                spans.append(Span(UNCLOSED, text[j:]))
                return spans
            spans.append(Span(_KIND[nxt], text[j:end]))
            prose_start = i = end
        else:
            i = j + 2  # `\\` or `\x`: an escape pair that opens nothing
    flush(n)
    return spans


@lru_cache(maxsize=64)
def prose_only(text: str) -> str:
    """The text with math and lost markers blanked out, for keyword matching."""
    return " ".join(s.text for s in split_spans(text) if s.kind == PROSE)


@dataclass(frozen=True)
class FormulaCounts:
    typeset: int  # inline and display formulas, the ones MathJax typesets
    lost: int  # `[Math]` / `[公式]` markers: formulas lost upstream
    cut: int  # formulas the feed cut off mid-way (an unclosed opener)


def formula_counts(text: str) -> FormulaCounts:
    """The one count of a text's formulas, by kind; the extractor's front matter
    (`formula_fields`) and the builder's notes both come from it."""
    kinds = [s.kind for s in split_spans(text)]
    return FormulaCounts(typeset=kinds.count(INLINE) + kinds.count(DISPLAY),
                         lost=kinds.count(LOST), cut=kinds.count(UNCLOSED))


def formula_fields(text: str) -> dict[str, int]:
    """Front matter keys counting the formulas a reader will not see typeset."""
    counts = formula_counts(text)
    return {"lost_formulas": counts.lost, "cut_formulas": counts.cut}


def count_formulas(text: str) -> int:
    return formula_counts(text).typeset


def count_lost(text: str) -> int:
    return formula_counts(text).lost
