"""Topic and tags for an excerpt, from the keyword rules in site.yaml.

Nothing here knows a keyword: every rule lives in the config, so a person tunes
classification by editing site.yaml. Keywords are matched in prose only, never
inside formulas. Latin keywords match whole words, ignoring case, so `ODE`
does not fire inside `decoder`; Chinese keywords match as substrings.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .config import SiteConfig
from .spans import prose_only

MAX_TAGS = 6
MIN_TAGS = 2
# A word repeated many times is one signal, not many.
MAX_HITS_PER_KEYWORD = 3


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern:
    if keyword.isascii():
        return re.compile(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(keyword), re.I)
    return re.compile(re.escape(keyword))


def count(keyword: str, prose: str) -> int:
    return len(_pattern(keyword).findall(prose))


def topic_scores(config: SiteConfig, title: str, prose: str) -> dict[str, int]:
    """Weighted keyword hits per topic; the title counts again, as readers weigh it."""
    scores = {}
    for topic in config.topics:
        scores[topic.slug] = sum(
            weight * (min(count(k, prose), MAX_HITS_PER_KEYWORD) + 2 * min(count(k, title), 1))
            for k, weight in topic.keywords)
    return scores


def choose_topic(config: SiteConfig, title: str, text: str) -> str:
    scores = topic_scores(config, title, prose_only(text))
    best = max(scores.values(), default=0)
    if best <= 0:
        return config.default_topic
    # Ties go to the topic listed first in site.yaml, so the result is stable.
    return next(slug for slug, score in scores.items() if score == best)


def choose_tags(config: SiteConfig, topic_slug: str, title: str, text: str) -> list[str]:
    """2–6 canonical tag names, most-mentioned first, topped up from the topic's
    fallback tags when the text names fewer than two."""
    prose = prose_only(text) + " " + title
    hits = []
    for order, rule in enumerate(config.tags):
        n = sum(count(word, prose) for word in (rule.name, *rule.aliases))
        if n:
            hits.append((-n, order, rule.name))
    tags = [name for _, _, name in sorted(hits)[:MAX_TAGS]]
    topic = config.topic(topic_slug)
    for fallback in topic.fallback_tags if topic else ():
        if len(tags) >= MIN_TAGS:
            break
        if fallback not in tags:
            tags.append(fallback)
    return tags
