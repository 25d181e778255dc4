"""Draft titles for untitled excerpts: a phrase that names the subject.

Tried in order, from the surest to the least sure; the first that yields a
phrase naming one of the article's main terms wins, and `title_source` records
which it was:

- `opening`: the excerpt opens with a heading (`旋转式位置编码(ROPE)`, `76. 最小覆盖子串`);
- `paper`: it is about a paper it names (`论文: [2502.09992] Large Language Diffusion Models`);
- `sentence`: a sentence states the subject: what the text sets out to do
  (`本文…梳理重排的一般方法`), a definition (`这里的混合精度训练是指`), a subject
  (`YOLO的核心思想就是`), a purpose (`为了加速 DDPM 的采样过程,DDIM …`), a frame
  (`在电商搜索中,query推荐有…`);
- `heading`: a section heading inside the text that names a main term;
- `keywords`: built from the most salient terms; the review queue lists these.

Every title is a phrase: no clause punctuation inside, brackets balanced, never
cut off, at most MAX_TITLE characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..spans import PROSE, split_spans
from .blocks import SECTION_WORDS
from .leetcode import is_leetcode
from .pieces import HEADING
from .salience import CLOSE, Terms
from .statements import statement_title
from .structure import blocks_of

MAX_TITLE = 32
UNTITLED = "无题"
SOURCES = ("opening", "paper", "sentence", "heading", "keywords")
_EMOJI = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?\s*")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s*")
_CLAUSE = re.compile(r"[,。\uff0c;\uff1b!\uff01、…]|\.\.\.")
_PAPER = re.compile(r"(?:论文|文章|paper)\s*[::\uff1a]?\s*(?:\[\d{4}\.\d{4,5}\]\s*)?"
                    r"(?:《([^《》]{4,80})》|([A-Z][A-Za-z0-9\-]*(?: [A-Za-z0-9\-:]+){1,10}))")
_DEMONSTRATIVE = re.compile(r"^(?:这|那|其|此|该|每|某|一)|(?:这一|那一)$")
_ARXIV = re.compile(r"\[\d{4}\.\d{4,5}\]\s+([A-Z][A-Za-z0-9\-]*(?: [A-Za-z0-9\-:]+){1,10})")


@dataclass(frozen=True)
class Title:
    text: str
    source: str  # one of SOURCES


def is_section_word(title: str) -> bool:
    word = title.strip(" :\uff1a")
    return word in SECTION_WORDS or word in ("题目", "题解", "正文", "目录")


def is_title_form(title: str) -> bool:
    """The form rules: a phrase, not cut off, brackets balanced, short."""
    body = _NUMBERING.sub("", title) if re.match(r"\d+\. ", title) else title
    return (0 < len(title) <= MAX_TITLE and not _CLAUSE.search(body) and not title.endswith((".", "…"))
            and _balanced(title) and title == title.strip() and "  " not in title)


def _balanced(text: str) -> bool:
    pairs = {"(": ")", "\uff08": "\uff09", "[": "]", "《": "》", "「": "」", "“": "”"}
    stack = []
    for c in text:
        if c in pairs:
            stack.append(pairs[c])
        elif c in pairs.values():
            if not stack or stack.pop() != c:
                return False
    return not stack


def infer_title(text: str, terms: Terms, vocabulary: frozenset[str] = frozenset()) -> Title:
    def names_subject(phrase: str, top: int = 8, known: bool = False) -> bool:
        """Does `phrase` name a main term? In a heading, a term of the site's vocabulary also counts."""
        folded = phrase.casefold()
        return any(t.casefold() in folded for t in terms.top(top)) or \
            known and any(v in folded for v in _folded_vocabulary(vocabulary))

    blocks = blocks_of(text)
    opening = _opening_heading(text, blocks)
    if opening and (is_leetcode(text) or names_subject(opening, known=True)) and is_title_form(opening):
        return Title(opening, "opening")
    paper = _paper(text)
    if paper and is_title_form(paper):
        return Title(paper, "paper")
    stated = statement_title(text, terms, names_subject)
    if stated and is_title_form(stated):
        return Title(stated, "sentence")
    for block in blocks[1:] if opening else blocks:
        if block.kind == HEADING:
            heading = text[block.start:block.end].rstrip(":\uff1a ")
            if not is_section_word(heading) and names_subject(heading, 6, known=True) \
                    and is_title_form(heading):
                return Title(_NUMBERING.sub("", heading) or heading, "heading")
    keywords = _from_keywords(terms, vocabulary)
    if keywords:
        return Title(keywords, "keywords")
    return Title(opening or UNTITLED, "keywords")


@lru_cache(maxsize=4)
def _folded_vocabulary(vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(v.casefold() for v in vocabulary if len(v) >= 2)


def _opening_heading(text: str, blocks) -> str | None:
    if not blocks or blocks[0].kind != HEADING:
        return None
    phrase = _EMOJI.sub("", text[blocks[0].start:blocks[0].end]).strip()
    if not is_leetcode(text):
        phrase = _NUMBERING.sub("", phrase)
    return None if is_section_word(phrase) else phrase


def _paper(text: str) -> str | None:
    """The paper an excerpt is about, when it names one as its source: `论文: [2502.09992] …`."""
    head = "".join(s.text for s in split_spans(text[:800]) if s.kind == PROSE)
    m = _PAPER.search(head) or _ARXIV.search(head)
    if not m:
        return None
    title = next(g for g in m.groups() if g).strip()
    return title if len(title) <= MAX_TITLE else None


def _names_a_thing(term: str, terms: Terms, vocabulary: frozenset[str]) -> bool:
    """A term fit for a title: a term the site knows, a name such as `MNIST` or
    `Word2Vec`, or a Chinese word rarer than everyday ones like 即可 or 参数."""
    if term in vocabulary:
        return True
    if term.isascii():
        return bool(re.fullmatch(r"[A-Z0-9]{2,}|.*[a-z][A-Z0-9].*", term))
    return terms.rarity.get(term, 1.0) >= 0.85 and not _DEMONSTRATIVE.search(term)


def _from_keywords(terms: Terms, vocabulary: frozenset[str] = frozenset()) -> str | None:
    """One or two of the most salient terms, each as the text says it (`文本生成`, not `生成`)."""
    ranked = terms.top(CLOSE)  # close_to_first knows these runners-up
    if not ranked:
        return None
    best = ranked[0]
    first = _as_said(best, terms) or best
    second = None
    for term in ranked[1:]:
        if not terms.close_to_first(term) or term.casefold() in first.casefold() \
                or first.casefold() in term.casefold():
            continue
        said = _as_said(term, terms, avoid=first)
        if said or _names_a_thing(term, terms, vocabulary):
            second = said or term
            break
    title = f"{first}与{second}" if second else first
    return title if is_title_form(title) else first if is_title_form(first) else None


def _as_said(term: str, terms: Terms, avoid: str = "") -> str | None:
    """The pair of words the text says `term` in most, if it mostly says it so."""
    said = [p for p in terms.pairs if term in p and (not avoid or avoid not in p) and len(p) <= 16
            and terms.pairs[p] * 2 >= terms.counts[term] and not _DEMONSTRATIVE.search(p)]
    return max(said, key=lambda p: (terms.pairs[p], len(p))) if said else None
