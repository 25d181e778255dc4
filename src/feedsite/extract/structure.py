"""Restore the structure a feed flattened, and take it away again.

`restore(text)` only adds Markdown markup and line breaks to an excerpt:
headings for section words, paragraph breaks, and backslash escapes so that
`*`, `_`, `<script>` or `[x](javascript:…)` in the source reach the reader as
text. `unmark(body)` removes exactly that again, so `unmark(restore(t)) == t`
holds for every excerpt; the tests check it on all real articles.

Math spans are copied byte for byte: only prose between them is rewritten.
"""
from __future__ import annotations

import re

from ..spans import PROSE, split_spans

# Section words a reader sees as headings when they open an excerpt.
LEADING_SECTIONS = ("引言与背景", "引言", "背景介绍", "背景", "概述", "简介", "前言", "摘要", "导读",
                    "综述", "总结")
_LEADING = re.compile(r"(?:💡 )?({})(?= \S)".format("|".join(LEADING_SECTIONS)))
# LeetCode-style sections, recognised only in an excerpt that has `题目`.
_HEADING = re.compile(r"(?<= )(题目|题解|提示[::]|示例 ?\d+[::])(?= \S)")
_PARAGRAPH = re.compile(r"(?<= )(输入[::]|输出[::]|解释[::]|说明[::])")
_LEETCODE = re.compile(r"^\d+\. \S+ 题目 ")

# Backslash escapes: every character that could start Markdown syntax inline.
_ESCAPE = re.compile(r"([\\`*_\]<>#|&~])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# At the start of a block these would open a list, quote or heading.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def is_leetcode(text: str) -> bool:
    return bool(_LEETCODE.match(text))


def _breaks(text: str) -> list[tuple[int, str, bool]]:
    """(position, marker, is_heading) where a break goes before `position`."""
    found = []
    m = _LEADING.match(text)
    if m:
        found.append((m.start(1), "##", True))
    if is_leetcode(text):
        found += [(h.start(), "##" if h.group(1)[0] != "示" else "###", True)
                  for h in _HEADING.finditer(text)]
        found += [(p.start(), "", False) for p in _PARAGRAPH.finditer(text)]
    return sorted(found)


def restore(text: str) -> str:
    """Markdown body for one excerpt: the text plus markup and line breaks only."""
    spans = split_spans(text)
    prose_ranges, pos = [], 0
    for span in spans:
        if span.kind == PROSE:
            prose_ranges.append((pos, pos + len(span.text)))
        pos += len(span.text)

    def in_prose(i: int) -> bool:
        return any(a <= i < b for a, b in prose_ranges)

    # Each break replaces the single space before its section word (or sits at
    # the very start); a heading's following space becomes a break as well.
    cuts: dict[int, str] = {}  # position of replaced space (or -1) -> replacement
    for at, marker, heading in _breaks(text):
        if not in_prose(at):
            continue
        prefix = f"{marker} " if marker else ""
        cuts[at - 1] = "\n\n" + prefix
        if heading:
            end = at + len(re.match(r"\S+(?: \d+[::])?", text[at:]).group())
            if in_prose(end) and text[end] == " ":
                cuts[end] = "\n\n"
    out, pos = [], 0
    for span in spans:
        if span.kind != PROSE:
            out.append(span.text)
        else:
            out.append(_prose(text, pos, pos + len(span.text), cuts))
        pos += len(span.text)
    body = "".join(out)
    return body[2:] if body.startswith("\n\n") else body


def _prose(text: str, start: int, end: int, cuts: dict[int, str]) -> str:
    out, i = [], start
    if -1 in cuts and start == 0:
        out.append(cuts[-1])
    for cut in sorted(c for c in cuts if start <= c < end):
        out.append(_escape(text[i:cut], block_start=i == 0 or (i - 1) in cuts))
        out.append(cuts[cut])
        i = cut + 1
    out.append(_escape(text[i:end], block_start=i == 0 or (i - 1) in cuts))
    return "".join(out)


def _escape(prose: str, block_start: bool) -> str:
    escaped = _ESCAPE.sub(r"\\\1", prose)
    if block_start:
        escaped = _BLOCK_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(1)
                                              else f"\\{m.group(3)}"), escaped, count=1)
    return escaped


def unmark(body: str) -> str:
    """Undo `restore`: drop added headings and breaks, resolve escapes outside math."""
    out = []
    for span in split_spans(body):
        if span.kind != PROSE:
            out.append(span.text)
            continue
        prose = re.sub(r"(^|\n\n)#{2,3} ", r"\1", span.text)
        prose = prose.replace("\n\n", " ")
        out.append(_UNESCAPE.sub(r"\1", prose))
    return "".join(out)
