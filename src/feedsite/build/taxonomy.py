"""Topics, tags, tag-cloud weights, related articles and prev/next.

Everything refers to articles by slug, so the whole index is plain frozen data
that can be hashed, cached and compared between builds.
"""
from __future__ import annotations

import hashlib
import heapq
import math
import pickle
from collections import Counter
from dataclasses import dataclass, field

from ..config import SiteConfig
from ..slugs import slugify_title, unique_slug
from .content import Article

CLOUD_STEPS = 5
RELATED_COUNT = 5
RELATED_WINDOW = 40  # per shared tag, articles either side in time


@dataclass(frozen=True)
class TopicIndex:
    slug: str
    name: str
    description: str
    articles: tuple[str, ...]  # slugs, latest first


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    articles: tuple[str, ...]  # slugs, latest first
    weight: int  # 1..CLOUD_STEPS, log-scaled article count


@dataclass(frozen=True)
class Neighbours:
    previous: str | None
    next: str | None
    related: tuple[str, ...]


@dataclass(frozen=True)
class SiteIndex:
    articles: tuple[Article, ...]  # latest first
    topics: tuple[TopicIndex, ...]  # in site.yaml order
    tags: tuple[Tag, ...]  # by pinyin
    # By slug: (previous, next, related) as plain tuples, which the cache loads in half the
    # time instances take (every edit's build loads all 10,000); neighbours_of makes one.
    neighbours: tuple[tuple[str, tuple], ...]
    # Lookup tables derived from the fields above; not part of equality.
    _articles: dict = field(default_factory=dict, compare=False, repr=False)
    _topics: dict = field(default_factory=dict, compare=False, repr=False)
    _tags: dict = field(default_factory=dict, compare=False, repr=False)
    _neighbours: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._articles.update((a.slug, a) for a in self.articles)
        self._topics.update((t.slug, t) for t in self.topics)
        self._tags.update((t.name, t) for t in self.tags)
        self._neighbours.update(self.neighbours)

    def article(self, slug: str) -> Article:
        return self._articles[slug]

    def topic(self, slug: str) -> TopicIndex:
        return self._topics[slug]

    def tag(self, name: str) -> Tag:
        return self._tags[name]

    def neighbours_of(self, slug: str) -> Neighbours:
        return Neighbours(*self._neighbours[slug])


def recency(article: Article) -> tuple:
    """Newest first: an explicit date wins; otherwise the newest dump that carried
    the article (dumps are named in order), then its place in that dump."""
    newest = max(article.sources, key=_source_order, default="")
    return (article.date, *_source_order(newest))


def _source_order(source: str) -> tuple[str, int]:
    path, _, line = source.rpartition(":")
    return path, -int(line) if line.isdigit() else 0


def pinyin_key(name: str) -> tuple[str, str]:
    # Imported here: pypinyin's dictionaries take 0.3 s to load, and a build whose tags
    # did not change takes their order from the memo (index_site) instead.
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name)).lower(), name


def cloud_weight(count: int, least: int, most: int) -> int:
    """Font step on a log scale, so one huge tag does not flatten the rest."""
    if most <= least:
        return (CLOUD_STEPS + 1) // 2
    share = (math.log(count) - math.log(least)) / (math.log(most) - math.log(least))
    return 1 + round(share * (CLOUD_STEPS - 1))


def index_site(config: SiteConfig, articles: list[Article], memo: dict | None = None) -> SiteIndex:
    """`memo` (a build's state) keeps the neighbours and the tags' pinyin order between
    builds: they depend only on each article's slug, topic and tags in the site's order,
    and working them out is half of a no-change build's time at 10,000 articles."""
    memo = {} if memo is None else memo
    # An article's place in time, by its file's digest (which covers its date and
    # sources): parsing every article's sources again was a tenth of a preview rebuild.
    known = memo.get("recency", {})
    order = {a.digest: known.get(a.digest) or recency(a) for a in articles if a.digest}
    memo["recency"] = order
    ordered = tuple(sorted(articles, key=lambda a: (order.get(a.digest) or recency(a), a.slug),
                           reverse=True))
    members: dict[str, list[str]] = {t.slug: [] for t in config.topics}
    for a in ordered:
        members.setdefault(a.topic, []).append(a.slug)
    topics = tuple(TopicIndex(t.slug, t.name, t.description, tuple(members[t.slug]))
                   for t in config.topics)
    key = hashlib.sha256(pickle.dumps((RELATED_WINDOW, RELATED_COUNT, tuple(
        (a.slug, a.topic, a.tags) for a in ordered)))).hexdigest()
    if memo.get("key") != key or "tag_order" not in memo:
        names = {name for a in ordered for name in a.tags}
        memo.update(key=key, neighbours=_neighbours(ordered, topics),
                    tag_order=tuple(sorted(names, key=pinyin_key)))
    return SiteIndex(ordered, topics, _tags(config, ordered, memo["tag_order"]), memo["neighbours"])


def _tags(config: SiteConfig, ordered: tuple[Article, ...], order: tuple[str, ...]) -> tuple[Tag, ...]:
    members: dict[str, list[str]] = {}
    for article in ordered:
        for name in article.tags:
            members.setdefault(name, []).append(article.slug)
    known = {t.name: t.slug for t in config.tags}
    taken: set[str] = set()
    tags = []
    counts = [len(v) for v in members.values()] or [1]
    for name in order:  # every tag some article has, by pinyin
        slug = unique_slug(known.get(name) or slugify_title(name), taken)
        taken.add(slug)
        tags.append(Tag(name, slug, tuple(members[name]),
                        cloud_weight(len(members[name]), min(counts), max(counts))))
    return tuple(tags)


def _neighbours(ordered, topics) -> tuple[tuple[str, tuple], ...]:
    position = {t.slug: {slug: i for i, slug in enumerate(t.articles)} for t in topics}
    by_topic = {t.slug: t.articles for t in topics}
    rank = {a.slug: i for i, a in enumerate(ordered)}
    topic_of = {a.slug: a.topic for a in ordered}
    tagged: dict[str, list[str]] = {}
    for article in ordered:
        for tag in article.tags:
            tagged.setdefault(tag, []).append(article.slug)
    tag_position = {tag: {slug: i for i, slug in enumerate(members)} for tag, members in tagged.items()}
    out = []
    for article in ordered:
        siblings = by_topic[article.topic]
        i = position[article.topic][article.slug]
        shared: Counter = Counter()
        for tag in article.tags:
            # Candidates are the articles nearest in time within each shared tag:
            # scanning every member of a big tag would make this quadratic.
            members, at = tagged[tag], tag_position[tag][article.slug]
            shared.update(m for m in members[max(0, at - RELATED_WINDOW):at + RELATED_WINDOW + 1]
                          if m != article.slug)
        # Related: most shared tags first, then same topic, then the newest.
        # Sorted as plain tuples (no key function): this runs for every article on
        # every build, a tenth of a no-change build's time at 10,000 articles.
        best = heapq.nsmallest(RELATED_COUNT, [(-n, topic_of[o] != article.topic, rank[o])
                                               for o, n in shared.items()])
        related = tuple(ordered[r].slug for _, _, r in best)
        out.append((article.slug, (
            siblings[i + 1] if i + 1 < len(siblings) else None,  # previous: older
            siblings[i - 1] if i > 0 else None,  # next: newer
            related)))
    return tuple(out)
