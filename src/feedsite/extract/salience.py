"""Which terms an article is about, measured against the collection.

A term's weight in an article is how often the article says it (in prose, never
inside formulas) times how rare it is across the collection (inverse document
frequency over the articles of this run), times how rare it is in Chinese at
large (jieba's dictionary), so that 我们 or 问题 never lead however often they
occur. The site's own vocabulary (tag names, aliases, topic keywords) counts as
terms too, multi-word Latin ones (`Flow Matching`) included.

What an article says (its `Reading`) depends on its text and the site's
vocabulary alone. The collection enters only through `Salience`: the order of
the article's most salient terms and which runners-up come close to the first.
Titles and tags read nothing else of the weights, so two runs that agree on an
article's text and salience give it the same title and tags, whatever else the
collection holds; the extraction cache (`cache.py`) keys its results on that.

The collection is segmented once per run; an article costs one pass over its
own words, so extraction stays linear in the size of the dumps.
"""
from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from operator import mul

from ..parallel import forked_map, worth_forking
from ..progress import Progress
from ..segment import Segmenter
from ..spans import prose_only

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_STOPWORDS = frozenset("the of and a an in on for to is are be by with as from this that it its or at "
                       "we our can any all not but".split())
RARE_ENOUGH = 12.0  # dictionary rarity at which a Chinese word counts fully (扩散 ≈ 11)
# The most salient terms anything reads: titles look at the first 8, tags at 2.
TOP = 8
# A keyword title weighs each runner-up among the first CLOSE terms against the first.
CLOSE = 6


@dataclass(frozen=True)
class Reading:
    """One article's content words: what it says, before any weighing."""
    terms: tuple[str, ...]  # each distinct term once, in order of first mention
    counts: tuple[int, ...]  # how often each is said
    words: tuple[str | None, ...] | None  # in order, None between runs; None when not kept


def packed_reading(reading: Reading, place: Mapping[str, int]) -> tuple[bytes, bytes]:
    """A reading as the cache keeps it: each term as its place in the run's rarity table
    (`place`), and the counts, as two arrays of numbers."""
    return (array("I", map(place.__getitem__, reading.terms)).tobytes(),
            array("I", reading.counts).tobytes())


def unpacked_reading(packed, terms: tuple[str, ...]) -> Reading | None:
    """A cached reading given back with the rarity table's `terms`; None when the row does
    not fit the table (then the text is read again)."""
    try:
        places, counts = array("I"), array("I")
        places.frombytes(packed[0])
        counts.frombytes(packed[1])
        if len(places) != len(counts):
            return None
        return Reading(tuple(map(terms.__getitem__, places)), tuple(counts), None)
    except (IndexError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Salience:
    """All that the collection decides about one article: its most salient terms, best
    first, and for each runner-up among the first CLOSE whether it weighs at least half
    as much as the first."""
    ranked: tuple[str, ...]
    close: tuple[bool, ...]


@dataclass(frozen=True)
class Terms:
    """One article's terms: what it says, and how salient each is against the collection."""
    counts: dict[str, int]
    words: tuple[str | None, ...]
    rarity: dict[str, float]
    salience: Salience

    @cached_property
    def pairs(self) -> dict[str, int]:
        """Two adjacent terms said together more than once: `混合精度训练`. Only keyword
        titles need them, so they are counted when asked for."""
        words = self.words
        pairs = Counter(a + (" " if a[-1].isascii() and b[0].isascii() else "") + b
                        for a, b in zip(words, words[1:], strict=False) if a and b)
        return {p: n for p, n in pairs.items() if n >= 2}

    def top(self, n: int) -> list[str]:
        if n > TOP:
            raise ValueError(f"only the top {TOP} terms are ranked")
        return list(self.salience.ranked[:n])

    def close_to_first(self, term: str) -> bool:
        """Does `term`, a runner-up among the first CLOSE, weigh at least half the first's weight?"""
        return self.salience.close[self.salience.ranked.index(term) - 1]


class Collection:
    """Document frequencies over one run's articles, and the segmenter that found them.

    `segmenter` may be a function that makes one: the dictionary then loads only when
    a text must be cut, not for what a run already knows: `readings` (by text) and
    `rarity` (by term), both found under the same vocabulary.
    """

    def __init__(self, segmenter: Segmenter | Callable[[], Segmenter], texts: list[str],
                 vocabulary: tuple[str, ...] = (), readings: Mapping[str, Reading] | None = None,
                 rarity: Mapping[str, float] | None = None, progress: Progress | None = None):
        self._segmenter = segmenter
        self.phrases = tuple(sorted({v for v in vocabulary if " " in v and v.isascii()}, key=len,
                                    reverse=True))
        # One table for the run: a reading's terms are always in it once it is read.
        self.rarity_of: dict[str, float] = dict(rarity or {})
        known = readings or {}
        texts = list(dict.fromkeys(texts))
        new = [t for t in texts if t not in known]
        fresh = dict(zip(new, self._read_all(new, progress or Progress()), strict=True))
        self.readings = {text: known.get(text) or fresh[text] for text in texts}
        self.size = len(self.readings)
        self.df: Counter[str] = Counter(chain.from_iterable(r.terms for r in self.readings.values()))
        total = self.size + 1
        self._idf = {t: math.log(total / (n + 0.5)) for t, n in self.df.items()}
        self._salience: dict[str, Salience] = {}

    @property
    def segmenter(self) -> Segmenter:
        if not isinstance(self._segmenter, Segmenter):
            self._segmenter = self._segmenter()
        return self._segmenter

    def read(self, text: str) -> Reading:
        return self._read(text)[0]

    def _read(self, text: str) -> tuple[Reading, dict[str, float]]:
        """The reading, and the rarity of the terms it was the first to meet."""
        words = self._terms(text)
        counts = Counter(w for w in words if w)
        met = {term: self.rarity(term) for term in counts if term not in self.rarity_of}
        return Reading(tuple(counts), tuple(counts.values()), tuple(words)), met

    def _read_all(self, texts: list[str], progress: Progress) -> list[Reading]:
        """Reading is a cold run's longest loop but for deriving: across the cores when
        the texts are many. A worker sends each reading back with its words as numbers
        (every word is one of its terms), so the parent unpacks one array, not a tuple
        of hundreds of strings per article, and the rarity of the terms it met."""
        if not worth_forking(len(texts)):
            return [self.read(text) for text in progress.each("segmenting", texts)]
        self.segmenter  # noqa: B018  loaded once here, not once in every worker
        readings = []
        for terms, counts, numbers, met in forked_map(self._shipped, texts, progress, "segmenting"):
            self.rarity_of.update(met)
            lookup = (None, *terms)
            readings.append(Reading(terms, counts, tuple(map(lookup.__getitem__, array("I", numbers)))))
        return readings

    def _shipped(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...], bytes, dict[str, float]]:
        reading, met = self._read(text)
        number = {term: k for k, term in enumerate(reading.terms, 1)}
        return (reading.terms, reading.counts,
                array("I", [number[w] if w else 0 for w in reading.words]).tobytes(), met)

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
        if term not in self.rarity_of:
            r = self.segmenter.rarity(term) if _HAN.search(term) else RARE_ENOUGH
            self.rarity_of[term] = min(1.0, r / RARE_ENOUGH)
        return self.rarity_of[term]

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:  # a text outside the collection
            value = self._idf[term] = math.log((self.size + 1) / (self.df.get(term, 0) + 0.5))
        return value

    def salience(self, reading: Reading) -> Salience:
        """The weights are count x idf x rarity, worked out in C (map over the columns):
        this runs for every article of every run, cached or not."""
        terms = reading.terms
        try:
            idf = list(map(self._idf.__getitem__, terms))
        except KeyError:
            idf = list(map(self.idf, terms))
        weights = list(map(mul, map(mul, reading.counts, idf), map(self.rarity_of.__getitem__, terms)))
        # Ties in weight go to the term that sorts first, so the order never depends on the run.
        # Only the terms that weigh at least the TOP-th most are sorted so: numbers sort
        # faster than pairs of a number and a word.
        least = sorted(weights, reverse=True)[TOP - 1] if len(weights) > TOP else -math.inf
        ranked = sorted([(-w, t) for w, t in zip(weights, terms, strict=True) if w >= least])[:TOP]
        first = -ranked[0][0] if ranked else 0.0
        return Salience(tuple(t for _, t in ranked),
                        tuple(-w * 2 >= first for w, _ in ranked[1:CLOSE]))

    def salience_of(self, text: str) -> Salience:
        """The salience of a text of the collection, worked out once: a cached run asks
        for every article's to key its derived fields, and deriving asks again."""
        found = self._salience.get(text)
        if found is None:
            found = self._salience[text] = self.salience(self.readings[text])
        return found

    def terms(self, text: str) -> Terms:
        reading = self.readings.get(text)
        if reading is None or reading.words is None:
            reading = self.read(text)
            salience = self.salience(reading)
        else:
            salience = self.salience_of(text)
        assert reading.words is not None
        return Terms(dict(zip(reading.terms, reading.counts, strict=True)), reading.words,
                     self.rarity_of, salience)
