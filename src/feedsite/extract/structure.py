"""Restore the structure a feed flattened, and take it away again.

`restore(text)` only adds Markdown markup and line breaks to an excerpt: the
blocks `blocks.layout` finds (paragraphs, headings, list items, code blocks for
LeetCode examples) and backslash escapes so that `*`, `_`, `<script>` or
`[x](javascript:…)` in the source reach the reader as text. `unmark(body)`
removes exactly that again, so `unmark(restore(t)) == t` holds for every
excerpt; the tests check it on all real articles and on generated text.

Each block boundary replaces one space of the source: `\\n\\n` between blocks,
`\\n` between items of one list and between lines of a code block. Math spans
are copied byte for byte: only prose between them is escaped.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..spans import PROSE, split_spans
from .blocks import SECTION_WORDS, layout
from .leetcode import is_leetcode
from .phrases import is_phrase
from .pieces import CODE, HEADING, ITEM, Block, prose_mask

# Kept for titles.py: section words are never a title.
LEADING_SECTIONS = SECTION_WORDS
FENCE = "```"

# Backslash escapes: every character that could start Markdown syntax inline.
_ESCAPE = re.compile(r"([\\`*_\]<>#|&~])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# At the start of a block these would open a list, quote or heading.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")
_PREFIX = re.compile(r"^(?:#{2,4} |- )")
# A list line that opens with a short label and its colon (`内存瓶颈:中间矩阵…`,
# `密度估计 :给定…`) had it in bold before the feed dropped the markup.
_LABEL = re.compile(r"([^\s,，。;；:：()（）、\\`*_\[\]<>#|&~]{1,12})(?= ?[:\uff1a])")
_BOLD_LABEL = re.compile(r"^- \*\*(.+?)\*\*")  # a source `*` is always escaped: `**` is ours
_CODE_BLOCK = re.compile(r"(?:^|(?<=\n\n))```\n(.*?)\n```(?=\n\n|$)", re.S)

__all__ = ["LEADING_SECTIONS", "is_leetcode", "restore", "unmark", "blocks_of"]


@lru_cache(maxsize=64)
def blocks_of(text: str) -> tuple[Block, ...]:
    """The blocks of an excerpt; titles, tags and the body all ask, so it is worked out once."""
    return tuple(layout(text))


def restore(text: str) -> str:
    """Markdown body for one excerpt: the text plus markup and line breaks only."""
    blocks = blocks_of(text)
    prose = bytes(prose_mask(text)[0])  # 1 for prose: runs are found in C
    out = []
    for k, block in enumerate(blocks):
        if k:
            together = block.kind == ITEM and blocks[k - 1].kind == ITEM
            out.append("\n" if together else "\n\n")
        out.append(_render(text, block, prose))
    return "".join(out)


def _render(text: str, block: Block, prose: bytes) -> str:
    source = text[block.start:block.end]
    if block.kind == CODE:
        lines = "".join("\n" if block.start + i in block.lines else c for i, c in enumerate(source))
        return f"{FENCE}\n{lines}\n{FENCE}"
    body = _escape_block(text, block.start, block.end, prose)
    if block.kind == HEADING:
        return "#" * block.level + " " + body
    if block.kind == ITEM:
        label = _LABEL.match(text, block.start, block.end)
        # Only where the label is copied as it is: nothing escaped at the line's start.
        if label and all(prose[block.start:label.end() + 2]) and is_phrase(label.group(1)) \
                and body.startswith(label.group(1)):
            return f"- **{label.group(1)}**{body[len(label.group(1)):]}"
        return "- " + body
    return body


def _escape_block(text: str, start: int, end: int, prose: bytes) -> str:
    """Escape the prose of text[start:end], leaving math alone; the block start is
    escaped so it cannot open a list, quote or heading."""
    out, i = [], start
    while i < end:
        j = prose.find(b"\0" if prose[i] else b"\1", i, end)  # where this run of prose or math ends
        j = end if j < 0 else j
        chunk = text[i:j]
        if prose[i]:
            chunk = _ESCAPE.sub(r"\\\1", chunk)
            if i == start:
                chunk = _BLOCK_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(1)
                                                    else f"\\{m.group(3)}"), chunk, count=1)
        out.append(chunk)
        i = j
    return "".join(out)


def unmark(body: str) -> str:
    """Undo `restore`: drop added markup and breaks, resolve escapes outside math."""
    parts, pos = [], 0
    for m in _CODE_BLOCK.finditer(body):
        parts += _unmark_blocks(body[pos:m.start()])
        parts.append(m.group(1).replace("\n", " "))
        pos = m.end()
    parts += _unmark_blocks(body[pos:])
    return " ".join(parts)


def _unmark_blocks(chunk: str) -> list[str]:
    out = []
    for block in re.split(r"\n\n?", chunk.strip("\n")) if chunk.strip("\n") else []:
        out.append(_unescape(_PREFIX.sub("", _BOLD_LABEL.sub(r"- \1", block, count=1), count=1)))
    return out


def _unescape(block: str) -> str:
    return "".join(_UNESCAPE.sub(r"\1", s.text) if s.kind == PROSE else s.text
                   for s in split_spans(block))
