"""Draft titles for untitled excerpts. A person may fix any of them by hand.

Readers name an excerpt by its opening: a heading-like first phrase
(`旋转式位置编码(ROPE)`, `76. 最小覆盖子串`, `Diffusion Models from SDE`) when it
has one, else its first clause. Section words (引言, 概述 …) are never a title.
"""
from __future__ import annotations

import re

from ..spans import DISPLAY, INLINE, UNCLOSED, split_spans
from .structure import LEADING_SECTIONS, is_leetcode

MAX_TITLE = 40
UNTITLED = "无题"
MIN_CLAUSE = 8  # a clause shorter than this (`一般来说`) says too little on its own
_CLAUSE_END = re.compile(r"[,。,;;!!::\n]|\.\s|…|\.\.\.")
_EMOJI = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?\s*")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.\s*")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-']*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SECTION_WORDS = set(LEADING_SECTIONS) | {"题目", "题解", "方法", "介绍", "正文", "目录"}


def is_section_word(title: str) -> bool:
    return title.strip(" :::") in _SECTION_WORDS


def infer_title(text: str) -> str:
    text = _opening(text)
    if is_leetcode(text):
        return _fit(text.split(" 题目 ", 1)[0])
    text = _drop_leading_sections(text)
    numbered = _NUMBERING.match(text)
    if numbered:
        text = text[numbered.end():]
    title = _heading_phrase(text) or _first_clause(text)
    title = _fit(title)
    if not title or is_section_word(title):
        title = _fit(text)
    return title if title and not is_section_word(title) else UNTITLED


def _opening(text: str) -> str:
    """The excerpt's prose up to its first formula, emoji and truncation dots removed."""
    spans = split_spans(text)
    head = []
    for span in spans:
        if span.kind in (INLINE, DISPLAY, UNCLOSED):
            if not "".join(head).strip():
                continue  # a formula before any words cannot name the excerpt
            head.append(span.text if span.kind == INLINE and len(span.text) < 12 else "")
            if span.kind != INLINE:
                break
        else:
            head.append(span.text)
    opening = "".join(head).strip()
    opening = _EMOJI.sub("", opening)
    return opening.removesuffix("...").strip()


def _drop_leading_sections(text: str) -> str:
    while True:
        word = text.split(" ", 1)
        if len(word) == 2 and is_section_word(word[0]):
            text = word[1].lstrip()
        else:
            return text


def _heading_phrase(text: str) -> str | None:
    """A first phrase that reads as a heading: it stands before a space, holds no
    clause punctuation, and what follows it starts a sentence of its own."""
    latin = re.match(rf"(?:{_LATIN_WORD.pattern})(?:[ \-](?:{_LATIN_WORD.pattern}))+(?= +[^\sA-Za-z])", text)
    if latin:
        return _drop_repeated_tail(latin.group())
    parts = text.split(" ", 2)
    if len(parts) < 2:
        return None
    phrase, following = parts[0], parts[1]
    if _CLAUSE_END.search(phrase.rstrip("??")) or len(phrase) < 2:
        return None
    if is_section_word(following) or re.fullmatch(r"\d+(?:\.\d+)+", following):
        return phrase  # `RNN 概述 …`, `搜索引擎概述 1.1 …`
    if not (_CJK.search(phrase) or phrase.endswith(("?", "?"))):
        return None  # one Latin word, as in `DDPM 有一个…`, opens a sentence
    if len(following) < 3 or not _CJK.search(following[:3] + following[-3:]):
        return None  # `包含 n 维数据`: the spaces belong to the sentence
    return phrase if len(phrase) >= 4 else None


def _drop_repeated_tail(words: str) -> str:
    """`Flowbased Models Normalizing Flow Normalizing Flow` -> `Flowbased Models`:
    a phrase repeated at the end is a sub-heading followed by its own first word."""
    parts = words.split(" ")
    for k in range(len(parts) // 2, 0, -1):
        if parts[-k:] == parts[-2 * k:-k] and len(parts) > 2 * k:
            return " ".join(parts[:-2 * k])
    return words


def _first_clause(text: str) -> str:
    clause_end = 0
    for m in _CLAUSE_END.finditer(text):
        clause_end = m.start()
        if len(text[:clause_end].strip()) >= MIN_CLAUSE:
            break
    else:
        clause_end = len(text)
    return text[:clause_end].strip() if clause_end else text


def _fit(title: str) -> str:
    """At most MAX_TITLE characters, cut at a word boundary and marked with `…`."""
    title = " ".join(title.split())
    if len(title) <= MAX_TITLE:
        return title
    cut = title[: MAX_TITLE - 1]
    if re.match(r"[A-Za-z0-9]", title[MAX_TITLE - 1]) and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,,、-—") + "…"
