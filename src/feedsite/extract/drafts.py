"""Excerpts into articles: merge repeats, infer title, topic and tags, restore
structure, count lost and cut-off formulas. Pure: the plan of what to write comes out, and
`store.py` applies it.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import partial

from ..config import SiteConfig
from ..parallel import forked_map, worth_forking
from ..progress import Progress
from ..segment import segmenter
from ..spans import formula_fields
from .cache import RARITY_KEY, Memo, digest
from .classify import Classifier
from .dumps import Excerpt
from .fingerprint import fingerprint
from .pieces import HEADING
from .salience import Collection, packed_reading, unpacked_reading
from .structure import blocks_of, restore
from .titles import infer_title

TRUNCATION = "..."
GIVEN = ("opening", "paper")  # title sources the text itself named
ID_PREFIX_CHARS = 64  # an article is known by its opening, which every excerpt of it shares


@dataclass(frozen=True)
class Draft:
    """One distinct article as the dumps show it, before inference."""
    text: str  # the longest excerpt, truncation dots included
    sources: tuple[str, ...]  # every `file:line` it was seen at
    id: str = ""  # how its file is found again; unique among the drafts of a run

    @property
    def core(self) -> str:
        return _core(self.text)

    @property
    def truncated(self) -> bool:
        return self.text.endswith(TRUNCATION)


@dataclass(frozen=True)
class Generated:
    """The machine's draft of an article file: editable fields plus provenance."""
    id: str
    title: str
    topic: str
    tags: tuple[str, ...]
    body: str
    sources: tuple[str, ...]
    truncated: bool
    lost_formulas: int
    first_seen: str  # where problems about it are reported
    title_source: str = "opening"  # how sure the title is: opening, paper, sentence, heading, keywords
    cut_formulas: int = 0  # cut off mid-formula by the feed's truncation

    def editable(self) -> dict:
        return {"title": self.title, "topic": self.topic, "tags": list(self.tags),
                "body": self.body}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.editable())


def _core(text: str) -> str:
    return text.removesuffix(TRUNCATION).rstrip()


def article_id(text: str, prefix_chars: int | None = ID_PREFIX_CHARS) -> str:
    return hashlib.sha1(_core(text)[:prefix_chars].encode("utf-8")).hexdigest()[:12]


def source_key(source: str) -> tuple[str, int]:
    path, _, line = source.rpartition(":")
    return path, int(line)


def merge(excerpts: list[Excerpt]) -> list[Draft]:
    """One Draft per distinct article. An excerpt whose text (minus `...`) begins
    another excerpt is a shorter cut of the same article and merges into it."""
    by_core: dict[str, list[Excerpt]] = {}
    for excerpt in excerpts:
        by_core.setdefault(_core(excerpt.text), []).append(excerpt)
    cores = sorted(by_core)
    # In sorted order every extension of a core follows it directly, so following
    # "the next core extends me" links leads to the longest version.
    target = {}
    for i in range(len(cores) - 1, -1, -1):
        nxt = cores[i + 1] if i + 1 < len(cores) else None
        extends = nxt is not None and nxt.startswith(cores[i]) and cores[i]
        target[cores[i]] = target[nxt] if extends else cores[i]
    groups: dict[str, list[Excerpt]] = {}
    for core in cores:
        groups.setdefault(target[core], []).extend(by_core[core])
    placed = []
    for members in groups.values():
        # The longest text wins; among equals, a complete one beats a cut one.
        best = max(members, key=lambda e: (len(_core(e.text)), not e.text.endswith(TRUNCATION)))
        # (dump, line) sorts as source_key sorts `dump:line`, without building and parsing it.
        places = sorted({(e.source, e.line) for e in members})
        placed.append((places[0], Draft(best.text, tuple(f"{s}:{n}" for s, n in places))))
    placed.sort(key=lambda first_and_draft: first_and_draft[0])
    drafts = [d for _, d in placed]
    # Two different articles may open with the same words; those are known by
    # their whole text instead, so no two drafts ever claim the same file.
    ids = [article_id(d.text) for d in drafts]
    openings = Counter(ids)
    return [Draft(d.text, d.sources, article_id(d.text, None) if openings[i] > 1 else i)
            for d, i in zip(drafts, ids, strict=True)]


class Analysis:
    """What drafting needs to know about the whole run: the site's rules and
    vocabulary, and the collection the salience of terms is measured against.

    With a `memo`, the readings of texts seen before come from the cache and only new
    texts are segmented (`progress` shows that loop)."""

    def __init__(self, config: SiteConfig, drafts: list[Draft], memo: Memo | None = None,
                 progress: Progress | None = None):
        self.classifier = Classifier(config)
        self.vocabulary = frozenset(self.classifier.counter.keywords)
        vocabulary = tuple(sorted(self.vocabulary))
        memo = memo or Memo()
        self.keys = {text: digest(text) for text in dict.fromkeys(d.text for d in drafts)}
        self._derived: dict[str, str] = {}
        rarity = (memo.get("rarity", RARITY_KEY) or {}) if memo.active else {}
        # A cached reading names its terms by their place in the rarity table, which only
        # grows: its terms are then one shared string each, not new ones for every row.
        terms = tuple(rarity)
        found = memo.get_many("readings", self.keys.values())
        known = {text: reading for text, key in self.keys.items() if key in found
                 and (reading := unpacked_reading(found[key], terms)) is not None}
        # The dictionary loads only if some text is new (a tenth of a second).
        self.collection = Collection(lambda: segmenter(vocabulary), list(self.keys), vocabulary,
                                     known, rarity, progress)
        place = None
        for text, key in self.keys.items():
            if text not in known:
                if place is None:  # the table as this run leaves it, new terms included
                    place = {term: k for k, term in enumerate(self.collection.rarity_of)}
                memo.put("readings", key, packed_reading(self.collection.readings[text], place))
        if len(self.collection.rarity_of) > len(rarity):
            memo.put("rarity", RARITY_KEY, self.collection.rarity_of)

    def derived_key(self, text: str) -> str:
        """All that an article's derived fields are made from: its text, and its salience
        in this collection (the site's rules are in the cache's version)."""
        key = self._derived.get(text)
        if key is None:  # the plan asks again, by article: worked out once
            salience = self.collection.salience_of(text)
            key = self._derived[text] = digest(self.keys[text], "\x1f".join(salience.ranked),
                                               "".join("1" if c else "0" for c in salience.close))
        return key


def derive(text: str, analysis: Analysis) -> dict:
    """The fields of an article that its text and the collection decide."""
    terms = analysis.collection.terms(text)
    title = infer_title(text, terms, analysis.vocabulary)
    blocks = blocks_of(text)
    headings = tuple(text[b.start:b.end] for b in blocks if b.kind == HEADING)
    paragraphs = tuple(text[b.start:b.end] for b in blocks if b.kind != HEADING)
    topic, tags = analysis.classifier.classify(title.text, text, headings, tuple(terms.top(2)),
                                               paragraphs, given_title=title.source in GIVEN)
    return dict(title=title.text, topic=topic, tags=tuple(tags), body=restore(text),
                truncated=text.endswith(TRUNCATION), **formula_fields(text),
                title_source=title.source)


def generate(draft: Draft, analysis: Analysis, derived: dict | None = None) -> Generated:
    """The article file's draft; `derived` is what `derive` gave for its text before."""
    fields = derive(draft.text, analysis) if derived is None else derived
    return Generated(id=draft.id, sources=draft.sources, first_seen=draft.sources[0], **fields)


def generate_all(drafts: list[Draft], analysis: Analysis, memo: Memo | None = None,
                 progress: Progress | None = None) -> list[Generated]:
    """Every draft generated; with a `memo`, an article whose text and salience a run
    has seen before is not derived again. The rest are derived across the machine's
    cores when there are many (a cold run): `derive` reads only the analysis, which a
    forked worker starts with."""
    memo = memo or Memo()
    keys = [analysis.derived_key(d.text) for d in drafts] if memo.active else [None] * len(drafts)
    found = memo.get_many("derived", keys) if memo.active else {}
    todo = [d.text for d, key in zip(drafts, keys, strict=True) if key is None or key not in found]
    if worth_forking(len(todo)):
        analysis.collection.segmenter  # noqa: B018  loaded once here, not once in every worker
    fresh = dict(zip(todo, forked_map(partial(derive, analysis=analysis), todo, progress, "articles"),
                     strict=True))
    out = []
    for draft, key in zip(drafts, keys, strict=True):
        derived = found.get(key) if key is not None else None
        if derived is None:
            derived = fresh[draft.text]
            if key is not None:
                memo.put("derived", key, derived)
        out.append(generate(draft, analysis, derived))
    return out


