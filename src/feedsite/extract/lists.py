"""The list rules of `blocks.layout`: which spaces of a flattened excerpt started the
lines of a list. Numbered lines (`1、… 2、…`), labelled lines after a lead-in colon
(`这导致: 内存瓶颈:… I/O开销:…`), clauses ending in `; `, and bold labels that kept a
space before their colon. Each rule marks the pieces an item starts at.
"""
from __future__ import annotations

import re

from .phrases import HAN, SENTENCE_END, is_phrase
from .pieces import HEADING, ITEM, PARA, Pieces

MAX_CLAUSE_CHARS = 160  # one line of a list that the feed joined
MAX_LABEL_CHARS = 12  # a bold label at the start of a line: `直接位置和形状回归`
# `有两种做法:`, `如下:` introduce a list as a sentence does, not as a heading.
_LEAD_IN = re.compile(r"(?:有|是|如下|以下|下面|包括|分为|主要|其中|可以)")
_ITEM_FIRST = frozenset("0123456789(\uff08")
# A list line `内存瓶颈:中间矩阵占用大量显存`: a label of at most 8 characters without
# punctuation, a colon, then its text, all one piece (no space inside).
_LABELLED = re.compile(r"[^\s,，。;；:：()（）、]{1,8}[:\uff1a][^\s:\uff1a]{2,}")
_ITEM_MARKER = re.compile(r"(?:(\d{1,2})、|(\d{1,2})\.(?!\d)|[(\uff08](\d{1,2})[)\uff09])")


def mark_lists(lay: Pieces) -> None:
    """`1、… 2、… 3、…` (or `1.`, `(1)`) at spaces, numbered 1, 2, 3 in order: list items."""
    expected, run = 1, []
    text = lay.text
    for i in range(len(lay)):
        if text[lay.starts[i]] not in _ITEM_FIRST:
            continue
        m = _ITEM_MARKER.match(text, lay.starts[i])
        if not m or not lay.prose[lay.starts[i]]:
            continue
        number = int(next(g for g in m.groups() if g))
        style = m.group()[-1] if m.group(1) or m.group(2) else "()"
        if number == 1:
            if len(run) >= 2:
                _commit_items(lay, run)
            run, expected = [(i, style)], 2
        elif number == expected and run and run[0][1] == style:
            run.append((i, style))
            expected += 1
    if len(run) >= 2:
        _commit_items(lay, run)


def _commit_items(lay: Pieces, run) -> None:
    for i, _ in run:
        lay.mark(i, ITEM)
    first = run[0][0]
    # `… DDPM 关键点: 1. …`: the short phrase that introduces the list is its heading.
    k = 1
    while k < min(4, first) and not HAN.search(lay.piece(first - k - 1)):
        k += 1  # Latin words before the label belong to it
    label = lay.between(first - k, first) if first >= k else ""
    if label.endswith((":", "\uff1a")) and lay.all_prose(first - k, first) and is_phrase(label[:-1]) \
            and not _LEAD_IN.match(label):
        lay.mark(first - k, HEADING, 2)


def mark_labelled_lines(lay: Pieces) -> None:
    """`这导致: 内存瓶颈:中间矩阵占用大量显存 I/O开销:频繁的全局内存访问降低效率 …`: after
    a lead-in that ends with a colon, two or more pieces in a row that are each a short
    label, a colon and its text were the lines of a list. What follows the last one (a
    piece that is not such a line) starts a paragraph again."""
    n, i = len(lay), 1
    while i < n:
        if not lay.piece(i - 1).endswith((":", "\uff1a")):
            i += 1
            continue
        j = i
        while j < n and _LABELLED.fullmatch(lay.piece(j)) and lay.all_prose(j, j + 1):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                lay.mark(k, ITEM)
            if j < n:
                lay.mark(j, PARA)
        i = max(j, i + 1)


def mark_semicolon_items(lay: Pieces) -> None:
    """`两个选择: 想办法…做法; 想办法…做法。`: after a lead-in that ends with a colon, two or
    more clauses that end with a semicolon at a space, the last with a sentence end (or
    the excerpt's end), were the lines of a list."""
    n, i = len(lay), 1
    while i < n:
        if not lay.piece(i - 1).endswith((":", "\uff1a")):
            i += 1
            continue
        starts, j = [i], i
        while j < n and lay.ends[j] - lay.starts[starts[-1]] <= MAX_CLAUSE_CHARS:
            piece = lay.piece(j)
            if SENTENCE_END.search(piece[-8:]) or j == n - 1:
                break
            if piece.endswith((";", "\uff1b")):
                starts.append(j + 1)
            j += 1
        else:
            starts = []  # a clause too long for a line of a list, or no end in sight
        if len(starts) >= 2:
            for k in starts:
                lay.mark(k, ITEM)
            if j + 1 < n:
                lay.mark(j + 1, PARA)
        i = max(j, i) + 1


def mark_spaced_labels(lay: Pieces) -> None:
    """`能够: 密度估计 :给定 x 计算… 采样生成 :从…采样`, `关键理解点: 无需预定义锚框: 在传统…
    直接位置和形状回归: …`: a bold label lost its markup, and a space stands on one side
    of its colon. After a lead-in that ends with a colon, two or more such labels, each
    within a line's length of the one before, start the lines of a list."""
    n, i = len(lay), 1
    while i < n:
        if not lay.piece(i - 1).endswith((":", "\uff1a")) or not _spaced_label(lay, i):
            i += 1
            continue
        starts = [i]
        for j in range(i + 2, n - 1):
            if lay.ends[j] - lay.starts[starts[-1]] > MAX_CLAUSE_CHARS:
                break
            if _spaced_label(lay, j):
                starts.append(j)
        if len(starts) >= 2:
            for k in starts:
                lay.mark(k, ITEM)
        i = starts[-1] + 1


def _spaced_label(lay: Pieces, i: int) -> bool:
    """Piece i is a short phrase, and a colon ends it or starts the piece after it."""
    if i + 1 >= len(lay) or not lay.all_prose(i, i + 1):
        return False
    piece, colons = lay.piece(i), (":", "\uff1a")
    if piece.endswith(colons) and not lay.text.startswith(colons, lay.starts[i + 1]):
        piece = piece[:-1]
    elif not lay.text.startswith(colons, lay.starts[i + 1]):
        return False
    return len(piece) <= MAX_LABEL_CHARS and is_phrase(piece)
