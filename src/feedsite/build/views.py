"""One view model per page kind: the exact data a template sees.

View models are frozen dataclasses built from the SiteIndex, so two builds can
tell whether a page's inputs changed by comparing them, and skip it if not.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from posixpath import basename

from ..urls import Urls
from .excerpts import DESCRIPTION_CHARS, excerpt
from .formulas import Formula, MathCache, place
from .length import Length
from .markdown import Heading, Rendered
from .taxonomy import SiteIndex, Tag


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Pager:
    """Where one page of a long list stands: its number, the count, and its neighbours."""
    url: str
    number: int
    count: int
    previous: str  # URL of the page before, or ""
    next: str  # URL of the page after, or ""


@dataclass(frozen=True)
class TagLink:
    name: str
    url: str
    count: int
    weight: int


@dataclass(frozen=True)
class Source:
    """Where the text was seen: in plain words for readers, raw for editors."""
    label: str  # 第 000 号转储，第 4 行
    raw: str  # feeds/000_9609b70de3c4ed0b.txt:4


@dataclass(frozen=True)
class Card:
    """An article as listed on index, topic and tag pages."""
    title: str
    url: str
    excerpt: str  # HTML: text and typeset inline formulas
    excerpt_feed: str  # the same with MathML, for the Atom feed
    topic: Link
    tags: tuple[Link, ...]
    length: Length
    date: str  # ISO date, or "" when the article has none
    formulas: tuple[Formula, ...]  # those of the excerpt, for the page's math CSS


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str
    topic: Link
    tags: tuple[Link, ...]
    length: Length
    date: str
    html: str
    feed_html: str  # the body with MathML instead of CHTML, for the Atom feed
    toc: tuple[Heading, ...]
    has_math: bool
    lost_formulas: int
    cut_formulas: int
    truncated: bool
    sources: tuple[Source, ...]
    previous: Link | None
    next: Link | None
    related: tuple[Card, ...]
    description: str
    formulas: tuple[Formula, ...]  # every formula the page shows, for its math CSS


def describe_source(raw: str) -> Source:
    """`feeds/000_9609b70de3c4ed0b.txt:4` -> 第 000 号转储，第 4 行.

    Dumps are named `<number>_<capture id>.txt`; the number is the order in which
    they were taken, which is also the order the site lists articles in."""
    path, _, line = raw.rpartition(":")
    if not line.isdigit():
        path, line = raw, ""
    name = basename(path)
    number = name.split("_", 1)[0]
    dump = f"第 {number} 号转储" if number.isdigit() and "_" in name else f"转储 {name}"
    return Source(f"{dump}，第 {line} 行" if line else dump, raw)


def tag_description(name: str, titles: list[str], limit: int = 150) -> str:
    """A tag page's own meta description: what it lists, by title."""
    text = f"标签「{name}」下的 {len(titles)} 篇笔记：" + "、".join(titles) + "。"
    return text if len(text) <= limit else text[: limit - 1].rstrip("、") + "…"


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

    def pager(self, first_url: str, number: int, count: int) -> Pager:
        at = lambda n: self.urls.page(first_url, n) if 1 <= n <= count else ""  # noqa: E731
        return Pager(at(number), number, count, at(number - 1), at(number + 1))

    def tag_link(self, tag: Tag) -> TagLink:
        return TagLink(tag.name, self.urls.tag(tag.slug), len(tag.articles), tag.weight)

    def card(self, slug: str) -> Card:
        if slug not in self._cards:
            a = self.index.article(slug)
            cut = excerpt(a, self.rendered[slug], self.math)
            self._cards[slug] = Card(a.title, self.urls.article(slug), cut.html(self.math),
                                     cut.html(self.math, feed=True), self.topic_link(a.topic),
                                     self.tag_links(a.tags), self.rendered[slug].length, a.date,
                                     cut.formulas)
        return self._cards[slug]

    def article(self, slug: str) -> ArticleView:
        a, rendered = self.index.article(slug), self.rendered[slug]
        around = self.index.neighbours_of(slug)
        link = lambda s: Link(self.index.article(s).title, self.urls.article(s)) if s else None  # noqa: E731
        related = tuple(self.card(s) for s in around.related)
        body = tuple(f for f, _ in rendered.formulas)
        return ArticleView(
            title=a.title, url=self.urls.article(slug), topic=self.topic_link(a.topic),
            tags=self.tag_links(a.tags), length=self.card(slug).length, date=a.date,
            html=place(rendered.html, self.math), feed_html=place(rendered.html, self.math, feed=True),
            toc=tuple(replace(h, html=place(h.html, self.math)) for h in rendered.toc),
            has_math=rendered.has_math, lost_formulas=rendered.lost_count,
            cut_formulas=rendered.cut_count, truncated=a.truncated,
            sources=tuple(map(describe_source, a.sources)),
            previous=link(around.previous), next=link(around.next), related=related,
            description=excerpt(a, rendered, self.math, DESCRIPTION_CHARS).text(self.math),
            formulas=body + tuple(f for card in related for f in card.formulas))
