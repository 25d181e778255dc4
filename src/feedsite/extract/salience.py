"""Which terms an article is about, measured against the collection.

A term's weight in an article is how often the article says it (in prose, never
inside formulas) times how rare it is across the collection (inverse document
frequency over the articles of this run), times how rare it is in Chinese at
large (jieba's dictionary), so that 我们 or 问题 never lead however often they
occur. The site's own vocabulary (tag names, aliases, topic keywords) counts as
terms too, multi-word Latin ones (`Flow Matching`) included.

The collection is segmented once per run; an article costs one pass over its
own words, so extraction stays linear in the size of the dumps.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ..segment import Segmenter
from ..spans import prose_only

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_STOPWORDS = frozenset("the of and a an in on for to is are be by with as from this that it its or at "
                       "we our can any all not but".split())
RARE_ENOUGH = 12.0  # dictionary rarity at which a Chinese word counts fully (扩散 ≈ 11)


@dataclass(frozen=True)
class Terms:
    """One article's terms: occurrences, and weights against the collection."""
    counts: dict[str, int]
    weights: dict[str, float]
    words: tuple[str | None, ...]  # the content words in order, None between runs of them
    rarity: dict[str, float]  # 0..1: how uncommon each term is in Chinese at large

    @cached_property
    def pairs(self) -> dict[str, int]:
        """Two adjacent terms said together more than once: `混合精度训练`. Only keyword
        titles need them, so they are counted when asked for."""
        words = self.words
        pairs = Counter(a + (" " if a[-1].isascii() and b[0].isascii() else "") + b
                        for a, b in zip(words, words[1:], strict=False) if a and b)
        return {p: n for p, n in pairs.items() if n >= 2}

    def top(self, n: int) -> list[str]:
        return self.ranked[:n]

    @cached_property
    def ranked(self) -> list[str]:
        return sorted(self.weights, key=lambda t: (-self.weights[t], t))

    def weight(self, term: str) -> float:
        return self.weights.get(term, 0.0)


class Collection:
    """Document frequencies over one run's articles, and the segmenter that found them."""

    def __init__(self, segmenter: Segmenter, texts: list[str], vocabulary: tuple[str, ...] = ()):
        self.segmenter = segmenter
        self.phrases = tuple(sorted({v for v in vocabulary if " " in v and v.isascii()}, key=len,
                                    reverse=True))
        self._words = {text: self._terms(text) for text in dict.fromkeys(texts)}
        self.size = len(self._words)
        self.df = Counter(t for words in self._words.values() for t in {w for w in words if w})
        self._rarity: dict[str, float] = {}
        self._idf: dict[str, float] = {}

    def _terms(self, text: str) -> list[str | None]:
        """The content words of the prose, None standing for anything between them."""
        prose = prose_only(text)
        found = []
        for phrase in self.phrases:  # `image pyramid` is one term, counted apart
            if phrase in prose:
                found += [phrase, None] * prose.count(phrase)
                prose = prose.replace(phrase, " , ")
        out: list[str | None] = []
        last = None
        for word in self.segmenter.words(prose):
            # Character tests first: this loop sees every word of the collection.
            first = word[0]
            if len(word) >= 2 and ("\u3400" <= first <= "\u9fff" or (
                    first.isascii() and first.isalpha() and _LATIN.fullmatch(word)
                    and word.lower() not in _STOPWORDS)):
                out.append(word)
                last = word
            elif last is not None:
                out.append(None)
                last = None
        return out + [None] + found

    def rarity(self, term: str) -> float:
        if term not in self._rarity:
            r = self.segmenter.rarity(term) if _HAN.search(term) else RARE_ENOUGH
            self._rarity[term] = min(1.0, r / RARE_ENOUGH)
        return self._rarity[term]

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            value = self._idf[term] = math.log((self.size + 1) / (self.df.get(term, 0) + 0.5))
        return value

    def terms(self, text: str) -> Terms:
        words = self._words.get(text)
        if words is None:
            words = self._terms(text)
        counts = Counter(w for w in words if w)
        weights = {t: n * self.idf(t) * self.rarity(t) for t, n in counts.items()}
        # Every term's rarity is in the collection's table by now: share it, do not copy it.
        return Terms(dict(counts), weights, tuple(words), self._rarity)
