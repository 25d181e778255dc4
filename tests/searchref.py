"""What search must find, computed from the content files alone.

The issue's definition, independent of the index: an article holds a query when
the case-folded, NFKC-normalised query is a substring of the article's title,
one of its tags, or its body outside math (headings included). Bodies are read
from the Markdown source with feedsite.spans, the scanner that decides what is
math; nothing here touches the search code.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from feedsite import frontmatter
from feedsite.spans import PROSE, split_spans

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_LATIN = re.compile(r"[a-z][a-z0-9]+")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class RefArticle:
    slug: str
    title: str
    topic: str
    tags: tuple[str, ...]
    prose: str  # the body outside math, spans joined by a space

    def field(self, query: str) -> str | None:
        """Where the article holds `query`: "title", "tag", "body" or None."""
        q = norm(query)
        if q in norm(self.title):
            return "title"
        if any(q in norm(t) for t in self.tags):
            return "tag"
        if q in norm(self.prose):
            return "body"
        return None

    def body_count(self, query: str) -> int:
        return norm(self.prose).count(norm(query))


def reference_articles(content: Path) -> list[RefArticle]:
    out = []
    for path in sorted(content.glob("*.md")):
        fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
        prose = " ".join(s.text for s in split_spans(parts.body) if s.kind == PROSE)
        out.append(RefArticle(fields.get("slug") or path.stem, fields["title"], fields["topic"],
                              tuple(fields.get("tags") or ()), prose))
    return out


def holders(articles: list[RefArticle], query: str) -> set[str]:
    """Slugs of every article that holds `query`."""
    return {a.slug for a in articles if a.field(query)}


def sample_words(articles: list[RefArticle], n: int = 30, seed: int = 10) -> list[str]:
    """`n` distinct words drawn from article bodies: a random article, then a random
    Chinese stretch of 2 to 5 characters or a Latin word from its prose. Chinese is
    cut at random places, so sub-words of compounds come up as often as words."""
    rng = random.Random(seed)
    words: list[str] = []
    while len(words) < n:
        prose = norm(rng.choice(articles).prose)
        han, latin = _HAN.findall(prose), _LATIN.findall(prose)
        if latin and (rng.random() < 0.3 or not han):
            word = rng.choice(latin)
        elif han:
            run = rng.choice(han)
            size = rng.randint(2, min(5, len(run)))
            start = rng.randrange(len(run) - size + 1)
            word = run[start:start + size]
        else:
            continue
        if word not in words:
            words.append(word)
    return words
