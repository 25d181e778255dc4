"""The layout of a LeetCode-style problem: `76. 最小覆盖子串 题目 … 示例 1: 输入:… 输出:… 提示: … 题解 …`.

Its section words become headings. Each example becomes one code block with a
line per `输入:`, `输出:` and `解释:`, as the problem pages show them; a window
table (`滑动窗口的位置 最大值 --------------- ----- [1 3 -1] -3 5 …`) gets a line
for its header, its rule and each row. An example holding math stays prose, so
its formulas are typeset.
"""
from __future__ import annotations

import re

from .pieces import CODE, HEADING, ITEM, PARA, Pieces

_LEETCODE = re.compile(r"^\d+\. \S+(?: \S+)* 题目 ")
# 提示 (the constraints) belongs to the statement, as its examples do.
_SECTION = {"题目": 2, "题解": 2, "提示:": 3, "提示\uff1a": 3}
_EXAMPLE = re.compile(r"示例$")
_EXAMPLE_NUMBER = re.compile(r"\d+[:\uff1a]$")
_LINE_START = re.compile(r"(输入|输出|解释|说明)[:\uff1a]")
_RULE = re.compile(r"-{3,}$")
_COMPARISON = frozenset(("==", "!=", "<=", ">=", "<", ">", "\u2264", "\u2265", "\u2260"))
_EXPONENT = re.compile(r"\d{1,2}")  # `10 5`: the feed lost the superscript of 10^5
_GOES_ON = ("且", "并", "而", "和", "或", "其中", "但")  # words that continue a constraint


def is_leetcode(text: str) -> bool:
    return bool(_LEETCODE.match(text)) and len(text.split(" 题目 ", 1)[0]) <= 40


def mark_leetcode(lay: Pieces) -> set[int]:
    """Mark the problem's headings and examples; return the pieces the general rules must leave alone."""
    n = len(lay)
    owned: set[int] = set()
    title_end = next((i for i in range(n) if lay.piece(i) == "题目"), None)
    if title_end is None:
        return owned
    lay.mark(0, HEADING, 2)
    owned.update(range(title_end))
    headings = []  # (first piece, piece after the heading, level)
    for i in range(title_end, n):
        if not lay.prose[lay.starts[i]]:
            continue
        word = lay.piece(i)
        if word in _SECTION and i + 1 < n:
            headings.append((i, i + 1, _SECTION[word]))
        elif _EXAMPLE.fullmatch(word) and i + 2 < n and _EXAMPLE_NUMBER.fullmatch(lay.piece(i + 1)):
            headings.append((i, i + 2, 3))
        elif re.fullmatch(r"示例\d+[:\uff1a]", word) and i + 1 < n:
            headings.append((i, i + 1, 3))
    for k, (first, after, level) in enumerate(headings):
        lay.mark(first, HEADING, level)
        lay.mark(after, PARA)
        owned.update(range(first, after + 1))
        end = headings[k + 1][0] if k + 1 < len(headings) else n
        if lay.piece(first).startswith("示例"):
            owned.update(_mark_example(lay, after, end))
        elif lay.piece(first).startswith("提示"):
            _mark_constraints(lay, after, end)
    return owned


def _mark_constraints(lay: Pieces, first: int, end: int) -> None:
    """`m == s.length n == t.length 1 <= m, n <= 10 5 s 和 t 由英文字母组成`: the problem's
    constraints, one list item each. A constraint is a chain of comparisons; the text
    between two chains (`s 和 t 由英文字母组成`) is one of its own."""
    if first >= end or not lay.all_prose(first, end):
        return
    runs, i = [], first  # (first piece, is a chain of comparisons)
    while i < end:
        j = _chain_end(lay, i, end)
        chain = j > i
        while not chain and j < end and _chain_end(lay, j, end) == j:
            j += 1  # words, up to the next chain
        runs.append((i, chain))
        i = j
    if not runs[0][1]:
        return  # words first (`你可以假设 1 <= n`): a sentence, not a list
    # Words that go on (`且 n 为偶数`) stay in the item before.
    items = [i for i, chain in runs if chain or not lay.piece(i).startswith(_GOES_ON)]
    if len(items) >= 2:
        for i in items:
            lay.mark(i, ITEM)


def _chain_end(lay: Pieces, i: int, end: int) -> int:
    """The piece after the comparisons that start at piece i (`1 <= m, n <= 10 5`), or i."""
    j = _operand_end(lay, i, end)
    if j >= end or lay.piece(j) not in _COMPARISON:
        return i
    while j + 1 < end and lay.piece(j) in _COMPARISON:
        j = _operand_end(lay, j + 1, end)
    return j


def _operand_end(lay: Pieces, i: int, end: int) -> int:
    """The piece after one side of a comparison: `m, n` runs on after a comma, and a
    number's lost exponent (`10 5`) stays with it unless a comparison follows it."""
    j = i + 1
    while j < end and lay.piece(j - 1).endswith((",", "\uff0c")):
        j += 1
    if lay.piece(j - 1).isdigit() and j < end and _EXPONENT.fullmatch(lay.piece(j)) \
            and not (j + 1 < end and lay.piece(j + 1) in _COMPARISON):
        j += 1
    return j


def _mark_example(lay: Pieces, first: int, end: int) -> range:
    """Pieces first..end-1 hold one example: a code block when it holds no math."""
    if first >= end:
        return range(0)
    if not lay.all_prose(first, end) or "`" in lay.between(first, end):
        for i in range(first, end):
            if _LINE_START.match(lay.piece(i)):
                lay.mark(i, PARA)
        return range(first, end)
    lines = [lay.spaces[i - 1] for i in range(first + 1, end) if _LINE_START.match(lay.piece(i))]
    lines += _table_lines(lay, first, end)
    lay.mark(first, CODE, 0, tuple(sorted(set(lines))))
    return range(first, end)


def _table_lines(lay: Pieces, first: int, end: int) -> list[int]:
    """Line breaks of a window table: before its header, around its rule, between rows."""
    rules = [i for i in range(first, end) if _RULE.fullmatch(lay.piece(i))]
    if not rules or rules != list(range(rules[0], rules[-1] + 1)):
        return []
    columns = len(rules)
    header = rules[0] - columns
    if header <= first - 1 or any(_RULE.match(lay.piece(i)) for i in range(header, rules[0])):
        return []
    body = list(range(rules[-1] + 1, end))
    rows = sum(1 for i in body if lay.piece(i).startswith("["))
    if not rows or len(body) % rows:
        return []
    width = len(body) // rows
    cuts = [header, rules[0], rules[-1] + 1] + [body[k] for k in range(width, len(body), width)]
    return [lay.spaces[i - 1] for i in cuts if i > first]
