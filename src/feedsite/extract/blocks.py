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
from functools import lru_cache

from .leetcode import is_leetcode, mark_leetcode
from .pieces import HEADING, ITEM, PARA, Block, Pieces

MAX_LEVEL = 4
MAX_PHRASE_CHARS = 24
MAX_CLAUSE_CHARS = 160  # one line of a list that the feed joined
MIN_LINE_CHARS = 20  # a sentence this long can have been a line of its own

# Section words that are headings wherever they stand alone between spaces.
SECTION_WORDS = ("引言与背景", "引言", "背景介绍", "背景", "概述", "简介", "前言", "摘要", "导读", "综述",
                 "总结", "小结", "结论", "方法", "基本概念", "基本思路")
_SENTENCE_END = re.compile(r"(?:[。!?\uff01\uff1f]|(?<=[^\d\s.])\.)[”’」』)】\"']*$")
_URL = re.compile(r"https?://\S+$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-/+']*|\([A-Za-z][A-Za-z0-9 \-/+']*\)")
# Full-width forms are written as escapes: the dumps use ASCII `,:;!?()` but others may not.
_CLAUSE_PUNCT = re.compile(r"[,。\uff0c;\uff1b!\uff01、:\uff1a…\"“”「」《》]|\.\.\.|\.(?!\d)")
_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,2})\.?")  # a section number standing alone
# A heading is a noun phrase: it neither starts nor ends on a function word.
_BAD_START = set("的了着过们和与及或并而但等也都就还又则即且来去所因被把将给让使于之其")
_BAD_END = set("的了着为是在和与及或对把被将从向给让使等之其于以而但并且则即也都就还又个种些")
_PRONOUNS = re.compile(r"我们|你们|他们|笔者|我|你")
# What a sentence opens with when its subject stood before the space: a copula,
# after any adverbs (`Medusa 是…`, `重参数(…) 实际上是…`).
_PREDICATE = re.compile(r"^(?:(?:实际上|其实|本质上|也|就|都|还|则|便|又|通常|一般|主要)\s*)*"
                        r"(?:是|有|没有|不是|为|即|指|叫|称为|又称|也叫|可以|能够|会)")
# After a lone Latin word, more openings mean it was the subject (`DDPM 有…`, `Medusa 在…`).
_LATIN_PREDICATE = re.compile(r"^(?:是|有|没|不|在|将|把|被|的|也|就|都|还|会|可|能|则|并|和|与|等|对|从|用|"
                              r"通过|使用|采用|提出|利用)")
# What follows a term and its gloss when the term is the sentence's subject.
_SUBJECT_THEN = re.compile(_PREDICATE.pattern + r"|^(?:将|把|被|通过|使用|采用|提出|利用)")
# `有两种做法:`, `如下:` introduce a list as a sentence does, not as a heading.
_LEAD_IN = re.compile(r"(?:有|是|如下|以下|下面|包括|分为|主要|其中|可以)")
_FOLLOWER_BAD = set("的了着过们等之和与及或")
# A clause opened by one of these needs the main clause that follows it: its line goes on.
_OPEN_CLAUSE = re.compile(r"(?:如果|假如|假设|若|当|虽然|尽管|因为|由于|只要|只有|除非)[^,，;；:：]*$")
# A line does not end on a preposition: what it governs comes after the space.
_PREPOSITION_END = re.compile(r"(?:通过|经过|利用|采用|按照|根据|基于|对于|关于|作为|比如|例如|包括)$")
_EMOJI = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?$")
_PUNCT_START = re.compile(r"[,。\uff0c;\uff1b:\uff1a!\uff01?\uff1f、)\uff09]")
_NUMBER_ATTACHED = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,2})\.(?=[\u3400-\u9fff])")  # `1.深度学习…`
_PHRASE_START = re.compile(r"[\w\u3400-\u9fff(\uff08\U0001F300-\U0001FAFF\u2600-\u27BF]")
_LATIN_PHRASE = re.compile(r"[A-Za-z0-9 \-/+'()]+")
_NUMBER_THEN_HAN = re.compile(r"\d+ ?[\u3400-\u9fff]")
_LATIN_THEN_HAN = re.compile(r"[A-Za-z][A-Za-z0-9/\-]*[\u3400-\u9fff]")
_ITEM_FIRST = frozenset("0123456789(\uff08")
# A list line `内存瓶颈:中间矩阵占用大量显存`: a label of at most 8 characters without
# punctuation, a colon, then its text, all one piece (no space inside).
_LABELLED = re.compile(r"[^\s,，。;；:：()（）、]{1,8}[:\uff1a][^\s:\uff1a]{2,}")
_ITEM_MARKER = re.compile(r"(?:(\d{1,2})、|(\d{1,2})\.(?!\d)|[(\uff08](\d{1,2})[)\uff09])")


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
        if _SENTENCE_END.search(before) or (text.find("://", lay.starts[i - 1], end) >= 0
                                            and _URL.search(lay.piece(i - 1))):
            lay.mark(i, PARA)
            boundary[i] = True
        elif lay.ends[i - 1] in lay.display_ends or before.endswith((":", "\uff1a")):
            boundary[i] = True  # a heading or list may start here; plain text runs on
    if not leetcode:  # a problem statement's spaces are too loose for these rules
        _mark_lists(lay)
        _mark_labelled_lines(lay)
        _mark_semicolon_items(lay)
        _mark_spaced_labels(lay)
        _mark_run_on_lines(lay, boundary)
        _mark_headings(lay, boundary)
    return lay.blocks()


def _mark_lists(lay: Pieces) -> None:
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


def _mark_labelled_lines(lay: Pieces) -> None:
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


def _mark_semicolon_items(lay: Pieces) -> None:
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
            if _SENTENCE_END.search(piece[-8:]) or j == n - 1:
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


def _mark_spaced_labels(lay: Pieces) -> None:
    """`能够: 密度估计 :给定 x 计算… 采样生成 :从…采样`: a bold label lost its markup and
    kept a space before its colon. After a lead-in that ends with a colon, two or more
    such labels, each within a line's length of the one before, start the lines of a list."""
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
    return i + 1 < len(lay) and lay.text.startswith((":", "\uff1a"), lay.starts[i + 1]) \
        and len(lay.piece(i)) <= 8 and lay.all_prose(i, i + 1) and _is_phrase(lay.piece(i))


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
        if not (_is_han(before) or before in ")\uff09") or not _is_han(text[start]):
            continue
        line, rest = text[since:end], text[start:start + 12]
        since = start  # the next line, if there is one, is measured from here
        if len(line) < MIN_LINE_CHARS or before in _BAD_END or _OPEN_CLAUSE.search(line) or \
                _PREPOSITION_END.search(line) or rest[0] in _FOLLOWER_BAD or _PREDICATE.match(rest):
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
    return bool(_HAN.search(line, opening)) or not _SUBJECT_THEN.match(rest)


def _commit_items(lay: Pieces, run) -> None:
    for i, _ in run:
        lay.mark(i, ITEM)
    first = run[0][0]
    # `… DDPM 关键点: 1. …`: the short phrase that introduces the list is its heading.
    k = 1
    while k < min(4, first) and not _HAN.search(lay.piece(first - k - 1)):
        k += 1  # Latin words before the label belong to it
    label = lay.between(first - k, first) if first >= k else ""
    if label.endswith((":", "\uff1a")) and lay.all_prose(first - k, first) and _is_phrase(label[:-1]) \
            and not _LEAD_IN.match(label):
        lay.mark(first - k, HEADING, 2)


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
        if found is None and i > 0 and not boundary[i] and _is_han(lay.text[lay.ends[i - 1] - 1]) \
                and _is_han(lay.text[lay.starts[i]]):
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
        if not _is_phrase(phrase):
            continue
        if end == n:
            return None  # a heading needs text after it
        latin = not _HAN.search(phrase)
        if _opens_sentence(lay, end, latin) or _repeats(lay, body, end) or _repeated_after(lay, end) \
                or (not nested and not latin and _heading_at(lay, end, nested=True) is not None):
            return end, depth
        if not latin and end - body == 1:
            return None  # a CJK phrase is one piece: the next one is part of the sentence
    return None


def _repeated_after(lay: Pieces, i: int) -> bool:
    """Pieces from i open with a phrase said twice: a heading of its own comes next."""
    return any(_repeats(lay, i, i + k) for k in range(1, 5))


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


@lru_cache(maxsize=4096)  # a window of pieces is tried as a heading from several places
def _is_phrase(phrase: str) -> bool:
    """A short unpunctuated noun phrase: 2–16 CJK characters or up to 4 Latin words."""
    if len(phrase) > 48:
        return False
    if _CLAUSE_PUNCT.search(phrase.rstrip("?\uff1f")) or _PRONOUNS.search(phrase):
        return False
    if not _PHRASE_START.match(phrase):
        return False  # `- x`, `# x`, `*x*` are the text's own marks, not a heading
    if phrase.count("(") + phrase.count("\uff08") != phrase.count(")") + phrase.count("\uff09"):
        return False
    han = len(_HAN.findall(phrase))
    latin = _LATIN_WORD.findall(_HAN.sub(" ", phrase))
    if han == 0:
        return 1 <= len(latin) <= 4 and _LATIN_PHRASE.fullmatch(phrase) is not None \
            and phrase[0].isupper()
    if not 2 <= han <= 16 or len(phrase) > MAX_PHRASE_CHARS or len(latin) > 3:
        return False
    core = phrase.rstrip("?\uff1f")
    if any(word and word[-1] in _BAD_END for word in core.split(" ")[:-1]):
        return False  # `曾经优秀的 ReLUs 怎么了`: a phrase does not break after a function word
    return core[0] not in _BAD_START and core[-1] not in _BAD_END


def _opens_sentence(lay: Pieces, i: int, latin: bool) -> bool:
    """Does piece i start a new sentence or section (so the phrase before it stood alone)?"""
    start = lay.starts[i]
    if not lay.prose[start]:
        return lay.text.startswith("\\[", start)  # a label before display math: `…加噪公式 \[…\]`
    rest = lay.text[start:start + 12]
    if lay.piece(i) in SECTION_WORDS or _NUMBER.fullmatch(lay.piece(i)):
        return True
    if _is_han(rest[0]):
        if rest[0] in _FOLLOWER_BAD:
            return False
        return not (_LATIN_PREDICATE if latin else _PREDICATE).match(rest)
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


