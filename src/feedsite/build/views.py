"""One view model per page kind: the exact data a template sees.

View models are frozen dataclasses built from the SiteIndex, so two builds can
tell whether a page's inputs changed by comparing them, and skip it if not.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..urls import Urls
from .excerpts import DESCRIPTION_CHARS, excerpt
from .formulas import Formula, MathCache, place
from .markdown import Heading, Rendered
from .taxonomy import SiteIndex, Tag

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class TagLink:
    name: str
    url: str
    count: int
    weight: int


@dataclass(frozen=True)
class Card:
    """An article as listed on index, topic and tag pages."""
    title: str
    url: str
    excerpt: str  # HTML: text and typeset inline formulas
    excerpt_feed: str  # the same with MathML, for the Atom feed
    topic: Link
    tags: tuple[Link, ...]
    minutes: int
    formulas: tuple[Formula, ...]  # those of the excerpt, for the page's math CSS


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str
    topic: Link
    tags: tuple[Link, ...]
    minutes: int
    html: str
    feed_html: str  # the body with MathML instead of CHTML, for the Atom feed
    toc: tuple[Heading, ...]
    has_math: bool
    lost_formulas: int
    cut_formulas: int
    truncated: bool
    sources: tuple[str, ...]
    previous: Link | None
    next: Link | None
    related: tuple[Card, ...]
    description: str
    formulas: tuple[Formula, ...]  # every formula the page shows, for its math CSS


def reading_minutes(body: str) -> int:
    """Chinese is read by characters (about 400 a minute), other text by words."""
    # Counted on the Markdown itself: its markup and escapes hold no Han or word letters.
    cjk = len(_CJK.findall(body))
    words = len(_WORD.findall(_CJK.sub(" ", body)))
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


class ViewBuilder:
    """Builds view models; one per build, holding the index and URL scheme."""

    def __init__(self, index: SiteIndex, urls: Urls, rendered: dict[str, Rendered], math: MathCache):
        self.index, self.urls, self.rendered, self.math = index, urls, rendered, math
        self._tags = {t.name: t for t in index.tags}
        self._cards: dict[str, Card] = {}  # a card shows on many pages; build it once

    def topic_link(self, slug: str) -> Link:
        topic = self.index.topic(slug)
        return Link(topic.name, self.urls.topic(slug))

    def tag_links(self, names) -> tuple[Link, ...]:
        return tuple(Link(n, self.urls.tag(self._tags[n].slug)) for n in names)

    def tag_link(self, tag: Tag) -> TagLink:
        return TagLink(tag.name, self.urls.tag(tag.slug), len(tag.articles), tag.weight)

    def card(self, slug: str) -> Card:
        if slug not in self._cards:
            a = self.index.article(slug)
            cut = excerpt(a, self.rendered[slug].html, self.math)
            self._cards[slug] = Card(a.title, self.urls.article(slug), cut.html(self.math),
                                     cut.html(self.math, feed=True), self.topic_link(a.topic),
                                     self.tag_links(a.tags), reading_minutes(a.body), cut.formulas)
        return self._cards[slug]

    def article(self, slug: str) -> ArticleView:
        a, rendered = self.index.article(slug), self.rendered[slug]
        around = self.index.neighbours_of(slug)
        link = lambda s: Link(self.index.article(s).title, self.urls.article(s)) if s else None  # noqa: E731
        related = tuple(self.card(s) for s in around.related)
        body = tuple(f for f, _ in rendered.formulas)
        return ArticleView(
            title=a.title, url=self.urls.article(slug), topic=self.topic_link(a.topic),
            tags=self.tag_links(a.tags), minutes=self.card(slug).minutes,
            html=place(rendered.html, self.math), feed_html=place(rendered.html, self.math, feed=True),
            toc=tuple(replace(h, html=place(h.html, self.math)) for h in rendered.toc),
            has_math=rendered.has_math, lost_formulas=rendered.lost_count,
            cut_formulas=rendered.cut_count, truncated=a.truncated, sources=a.sources,
            previous=link(around.previous), next=link(around.next), related=related,
            description=excerpt(a, rendered.html, self.math, DESCRIPTION_CHARS).text(self.math),
            formulas=body + tuple(f for card in related for f in card.formulas))
