"""One view model per page kind: the exact data a template sees.

View models are frozen dataclasses built from the SiteIndex, so two builds can
tell whether a page's inputs changed by comparing them, and skip it if not.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from ..urls import Urls
from .content import Article
from .markdown import Heading, Rendered
from .taxonomy import SiteIndex, Tag

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
EXCERPT_CHARS = 110
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
    excerpt: str
    topic: Link
    tags: tuple[Link, ...]
    minutes: int


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str
    topic: Link
    tags: tuple[Link, ...]
    minutes: int
    html: str
    toc: tuple[Heading, ...]
    has_math: bool
    lost_formulas: int
    truncated: bool
    sources: tuple[str, ...]
    previous: Link | None
    next: Link | None
    related: tuple[Card, ...]
    description: str


def reading_minutes(body: str) -> int:
    """Chinese is read by characters (about 400 a minute), other text by words."""
    # Counted on the Markdown itself: its markup and escapes hold no Han or word letters.
    cjk = len(_CJK.findall(body))
    words = len(_WORD.findall(_CJK.sub(" ", body)))
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


_MATH_HTML = re.compile(r'<span class="math[^"]*">.*?</span>', re.S)
_HEADING_HTML = re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def plain_excerpt(article: Article, rendered: Rendered, limit: int = EXCERPT_CHARS) -> str:
    """A summary as a reader sees the text: no markup, no headings, and no raw
    LaTeX (formulas become `…`), taken from the rendered HTML."""
    if article.summary:
        return article.summary
    text = _TAG.sub("", _HEADING_HTML.sub(" ", _MATH_HTML.sub("…", rendered.html)))
    prose = " ".join(html.unescape(text).split())
    # Bodies often open with the words the title was drafted from; say them once.
    prose = prose.removeprefix(article.title).lstrip(" ,,。:")
    return prose if len(prose) <= limit else prose[:limit].rstrip() + "…"


class ViewBuilder:
    """Builds view models; one per build, holding the index and URL scheme."""

    def __init__(self, index: SiteIndex, urls: Urls, rendered: dict[str, Rendered]):
        self.index, self.urls, self.rendered = index, urls, rendered
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
            self._cards[slug] = Card(a.title, self.urls.article(slug),
                                     plain_excerpt(a, self.rendered[slug]),
                                     self.topic_link(a.topic), self.tag_links(a.tags),
                                     reading_minutes(a.body))
        return self._cards[slug]

    def article(self, slug: str) -> ArticleView:
        a, rendered = self.index.article(slug), self.rendered[slug]
        around = self.index.neighbours_of(slug)
        link = lambda s: Link(self.index.article(s).title, self.urls.article(s)) if s else None  # noqa: E731
        return ArticleView(
            title=a.title, url=self.urls.article(slug), topic=self.topic_link(a.topic),
            tags=self.tag_links(a.tags), minutes=self.card(slug).minutes, html=rendered.html,
            toc=rendered.toc, has_math=rendered.has_math, lost_formulas=rendered.lost_count,
            truncated=a.truncated, sources=a.sources, previous=link(around.previous),
            next=link(around.next), related=tuple(self.card(s) for s in around.related),
            description=plain_excerpt(a, rendered, 150))
