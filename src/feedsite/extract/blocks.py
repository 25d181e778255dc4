"""Where a flattened excerpt's blocks begin: the layout half of `structure.py`.

The feed joined every line of a note with a single space. Some of those spaces
still show what they were: a space after `。` ends a paragraph, a short phrase
with no punctuation standing between two such boundaries was a heading, and
`1、… 2、…` were lines of a list. Each rule here names spaces (outside math)
that become block boundaries, and what kind of block starts after them. Spaces
between Latin words are never boundaries. Nothing here changes a character.
"""
from __future__ import annotations

import re

from .leetcode import is_leetcode, mark_leetcode
from .lists import mark_labelled_lines, mark_lists, mark_semicolon_items, mark_spaced_labels
from .phrases import BAD_END, FOLLOWER_BAD, HAN, LATIN_PREDICATE, PREDICATE, SENTENCE_END, is_han, is_phrase
from .pieces import HEADING, ITEM, PARA, Block, Pieces

MAX_LEVEL = 4
MIN_LINE_CHARS = 20  # a sentence this long can have been a line of its own

# Section words that are headings wherever they stand alone between spaces.
SECTION_WORDS = ("引言与背景", "引言", "背景介绍", "背景", "概述", "简介", "前言", "摘要", "导读", "综述",
                 "总结", "小结", "结论", "方法", "基本概念", "基本思路")
_URL = re.compile(r"https?://\S+$")
_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,2})\.?")  # a section number standing alone
# What follows a term and its gloss when the term is the sentence's subject.
_SUBJECT_THEN = re.compile(PREDICATE.pattern + r"|^(?:将|把|被|通过|使用|采用|提出|利用)")
# A clause opened by one of these needs the main clause that follows it: its line goes
# on, unless the clause is a line's worth itself (`如果传递距离过长还会有梯度消失…`).
_OPEN_CLAUSE = re.compile(r"(?:如果|假如|假设|若(?!干)|当(?!然|前|时)|虽然|尽管|因为|由于|只要|只有|除非)"
                          rf"[^,，;；:：]{{0,{MIN_LINE_CHARS - 3}}}$")
# `过` after a space is the particle of a verb before it (`看 过`), but not in these words.
_FOLLOWER_WORD = re.compile(r"过去|过程")
# A line does not end on a preposition: what it governs comes after the space.
_PREPOSITION_END = re.compile(r"(?:通过|经过|利用|采用|按照|根据|基于|对于|关于|作为|比如|例如|包括)$")
_EMOJI = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?$")
_PUNCT_START = re.compile(r"[,。\uff0c;\uff1b:\uff1a!\uff01?\uff1f、)\uff09]")
_NUMBER_ATTACHED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,2})\.(?=[\u3400-\u9fff])")  # `1.深度学习…`
_NUMBER_THEN_HAN = re.compile(r"\d+ ?[\u3400-\u9fff]")
_LATIN_THEN_HAN = re.compile(r"[A-Za-z][A-Za-z0-9/\-]*[\u3400-\u9fff]")


def layout(text: str) -> list[Block]:
    """The blocks of an excerpt, in order; between two blocks lies exactly one space of `text`."""
    if not text:
        return []
    lay = Pieces(text)
    leetcode = is_leetcode(text)
    owned = mark_leetcode(lay) if leetcode else set()
    n = len(lay)
    boundary = [False] * n  # a new block may start at piece i
    boundary[0] = True
    for i in range(1, n):
        end = lay.ends[i - 1]
        before = text[max(0, end - 8):end]  # the end of the piece: enough to see a sentence end
        if i in owned:
            continue
        if SENTENCE_END.search(before) or (text.find("://", lay.starts[i - 1], end) >= 0
                                            and _URL.search(lay.piece(i - 1))):
            lay.mark(i, PARA)
            boundary[i] = True
        elif lay.ends[i - 1] in lay.display_ends or before.endswith((":", "\uff1a")):
            boundary[i] = True  # a heading or list may start here; plain text runs on
    if not leetcode:  # a problem statement's spaces are too loose for these rules
        mark_lists(lay)
        mark_labelled_lines(lay)
        mark_semicolon_items(lay)
        mark_spaced_labels(lay)
        _mark_run_on_lines(lay, boundary)
        _mark_headings(lay, boundary)
    return lay.blocks()


def _mark_run_on_lines(lay: Pieces, boundary: list[bool]) -> None:
    """`…回顾一下RNN的结构 对RNN有一定了解的话,…`: Chinese puts no space between words, so
    a space between two Han characters (or after a closing bracket) was a line break the
    feed joined, when the text before it, back to the block's start or the last such
    space, is long enough to have been a line and ends on a word, and the text after
    opens a sentence. Spaces around a term set apart (`学习到一种 通用的特征表达 用于…`)
    are none: the text between them is too short for a line."""
    text, since = lay.text, 0
    for i in range(1, len(lay)):
        end, start = lay.ends[i - 1], lay.starts[i]
        if i - 1 in lay.marks:
            since = lay.starts[i - 1]
        if i in lay.marks or not lay.prose[end - 1]:
            continue
        before = text[end - 1]
        if not (is_han(before) or before in ")\uff09") or not is_han(text[start]):
            continue
        line, rest = text[since:end], text[start:start + 12]
        since = start  # the next line, if there is one, is measured from here
        if len(line) < MIN_LINE_CHARS or before in BAD_END or _OPEN_CLAUSE.search(line) or \
                _PREPOSITION_END.search(line) or PREDICATE.match(rest) or \
                (rest[0] in FOLLOWER_BAD and not _FOLLOWER_WORD.match(rest)):
            continue
        if before in ")\uff09" and not _gloss_or_remark(line, rest):
            continue
        lay.mark(i, PARA)
        boundary[i] = True


def _gloss_or_remark(line: str, rest: str) -> bool:
    """A line may end on a bracket that holds a remark (`(有关 Normalizing Flow 的详细理论)`)
    or glosses a term (`GRU (Gated Recurrent Unit)`), unless the bracket is a function's
    argument (`h(t−1) 共同决定`) or the glossed term is the subject of what follows
    (`连续扩散模型 (Continuous Diffusion Models) 将…`)."""
    opening = max(line.rfind("("), line.rfind("\uff08"))
    if opening < 0 or (opening > 0 and line[opening - 1].isascii() and line[opening - 1].isalnum()):
        return False
    return bool(HAN.search(line, opening)) or not _SUBJECT_THEN.match(rest)


def _mark_headings(lay: Pieces, boundary: list[bool]) -> None:
    n = len(lay)
    level, in_run = 2, False
    i = 0
    while i < n:
        if i in lay.marks and lay.marks[i].kind == HEADING:  # a list's label, marked already
            i = min((k for k in lay.marks if k > i), default=n)
            in_run = False
            continue
        found = None
        if boundary[i] and (i not in lay.marks or lay.marks[i].kind != ITEM):
            found = _heading_at(lay, i)
        if found is None and lay.ends[i] - lay.starts[i] <= 5 and lay.piece(i) in SECTION_WORDS \
                and i + 1 < n and lay.prose[lay.starts[i]] \
                and not _PUNCT_START.match(lay.text, lay.starts[i + 1]):
            found = (i + 1, 0)  # a section word is a heading wherever it stands alone
        if found is None and i > 0 and not boundary[i] and is_han(lay.text[lay.ends[i - 1] - 1]) \
                and is_han(lay.text[lay.starts[i]]):
            # `…框架 通用扩散模型框架推导 加噪公式 Flow Matching的一步加噪公式 \[…`: without a
            # sentence end before them, two short phrases in a row still read as headings.
            first = _heading_at(lay, i)
            if first is not None and first[0] < n and _heading_at(lay, first[0]) is not None:
                found = first
        if found is None:
            in_run = False
            i += 1
            continue
        end, depth = found
        if depth:
            level = min(depth + 1, MAX_LEVEL)
        elif in_run and i > 0:
            level = min(level + 1, MAX_LEVEL)
        lay.mark(i, HEADING, level if i > 0 else 2)
        if i == 0:
            level = 2  # the opening phrase is the title: what follows starts again at level 2
        if end < n:
            lay.mark(end, PARA)
            boundary[end] = True
        in_run = i > 0
        i = end


def _heading_at(lay: Pieces, i: int, nested: bool = False) -> tuple[int, int] | None:
    """(index of the piece after the heading, section depth or 0) when pieces i.. open with a heading."""
    n = len(lay)
    first = i
    if i == 0 and _EMOJI.match(lay.piece(0)) and n > 1:
        first = 1  # `💡 Flowbased Models …`: the emoji leads the heading
    depth, body = 0, first
    number = _NUMBER.fullmatch(lay.piece(first)) if first < n else None
    if number and first + 1 < n:
        depth, body = number.group(1).count(".") + 1, first + 1
    elif first < n and (m := _NUMBER_ATTACHED.match(lay.text, lay.starts[first], lay.ends[first])):
        depth = m.group(1).count(".") + 1  # `1.深度学习偏置的作用?`
    for end in range(body + 1, min(body + 5, n + 1)):
        if lay.ends[end - 1] - lay.starts[body] > 48:
            return None  # past any phrase's length: most pieces are whole sentences
        if not lay.all_prose(first, end):
            return None
        phrase = lay.text[lay.starts[body]:lay.ends[end - 1]]
        if depth and body == first:
            phrase = re.sub(r"^\d{1,2}(?:\.\d{1,2}){0,2}\.", "", phrase)
        if not is_phrase(phrase):
            continue
        if end == n:
            return None  # a heading needs text after it
        latin = not HAN.search(phrase)
        if _opens_sentence(lay, end, latin) or _repeats(lay, body, end) or _repeated_after(lay, end) \
                or (not nested and not latin and _heading_at(lay, end, nested=True) is not None):
            return end, depth
        if not latin and end - body == 1:
            return None  # a CJK phrase is one piece: the next one is part of the sentence
    return None


def _repeated_after(lay: Pieces, i: int) -> bool:
    """Pieces from i open with a phrase said twice: a heading of its own comes next."""
    return any(_repeats(lay, i, i + k) for k in range(1, 5))


def _opens_sentence(lay: Pieces, i: int, latin: bool) -> bool:
    """Does piece i start a new sentence or section (so the phrase before it stood alone)?"""
    start = lay.starts[i]
    if not lay.prose[start]:
        return lay.text.startswith("\\[", start)  # a label before display math: `…加噪公式 \[…\]`
    rest = lay.text[start:start + 12]
    if lay.piece(i) in SECTION_WORDS or _NUMBER.fullmatch(lay.piece(i)):
        return True
    if is_han(rest[0]):
        if rest[0] in FOLLOWER_BAD:
            return False
        return not (LATIN_PREDICATE if latin else PREDICATE).match(rest)
    if _NUMBER_THEN_HAN.match(rest):
        return True
    # A Latin word that runs straight into Chinese: `Word2Vec是…`, `I/O开销…`.
    return not latin and bool(_LATIN_THEN_HAN.match(rest))


def _repeats(lay: Pieces, i: int, j: int) -> bool:
    """`Normalizing Flow Normalizing Flow 是…`: a heading, then its own words open the text."""
    k = j - i
    if j + k > len(lay):
        return False
    return all(lay.piece(i + x) == lay.piece(j + x) for x in range(k))
