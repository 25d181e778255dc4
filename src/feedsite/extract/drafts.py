"""Excerpts into articles: merge repeats, infer title, topic and tags, restore
structure, count lost and cut-off formulas. Pure: the plan of what to write comes out, and
`store.py` applies it.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace

from ..config import SiteConfig
from ..segment import segmenter
from ..spans import formula_fields
from .classify import Classifier
from .dumps import Excerpt
from .fingerprint import fingerprint
from .pieces import HEADING
from .salience import Collection
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
    drafts = []
    for members in groups.values():
        # The longest text wins; among equals, a complete one beats a cut one.
        best = max(members, key=lambda e: (len(_core(e.text)), not e.text.endswith(TRUNCATION)))
        sources = tuple(sorted({e.where for e in members}, key=source_key))
        drafts.append(Draft(best.text, sources))
    drafts.sort(key=lambda d: source_key(d.sources[0]))
    # Two different articles may open with the same words; those are known by
    # their whole text instead, so no two drafts ever claim the same file.
    openings = Counter(article_id(d.text) for d in drafts)
    return [replace(d, id=article_id(d.text, None if openings[article_id(d.text)] > 1 else ID_PREFIX_CHARS))
            for d in drafts]


class Analysis:
    """What drafting needs to know about the whole run: the site's rules and
    vocabulary, and the collection the salience of terms is measured against."""

    def __init__(self, config: SiteConfig, drafts: list[Draft]):
        self.classifier = Classifier(config)
        self.vocabulary = frozenset(self.classifier.counter.keywords)
        words = segmenter(tuple(sorted(self.vocabulary)))
        self.collection = Collection(words, [d.text for d in drafts], tuple(sorted(self.vocabulary)))


def generate(draft: Draft, analysis: Analysis) -> Generated:
    terms = analysis.collection.terms(draft.text)
    title = infer_title(draft.text, terms, analysis.vocabulary)
    blocks = blocks_of(draft.text)
    headings = tuple(draft.text[b.start:b.end] for b in blocks if b.kind == HEADING)
    paragraphs = tuple(draft.text[b.start:b.end] for b in blocks if b.kind != HEADING)
    topic, tags = analysis.classifier.classify(title.text, draft.text, headings, tuple(terms.top(2)),
                                               paragraphs, given_title=title.source in GIVEN)
    return Generated(
        id=draft.id, title=title.text, topic=topic, tags=tuple(tags),
        body=restore(draft.text), sources=draft.sources, truncated=draft.truncated,
        **formula_fields(draft.text), first_seen=draft.sources[0], title_source=title.source,
    )
