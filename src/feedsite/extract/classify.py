"""Topic and tags for an excerpt, from the keyword rules in site.yaml.

Nothing here knows a keyword: every rule lives in the config, so a person tunes
classification by editing site.yaml. Keywords are matched in prose only, never
inside formulas. Latin keywords match whole words, ignoring case, so `ODE`
does not fire inside `decoder`; Chinese keywords match as substrings.
"""
from __future__ import annotations

import re

from ..config import SiteConfig
from ..spans import prose_only

MAX_TAGS = 6
MIN_TAGS = 2
# A word repeated many times is one signal, not many.
MAX_HITS_PER_KEYWORD = 3


class KeywordCounter:
    """Counts every keyword of a vocabulary in a text.

    Most keywords are absent from any one article, and a plain substring test
    rules a keyword out ten times faster than a regex scan; only the keywords
    that pass it are counted with their exact pattern.
    """

    def __init__(self, keywords):
        self._entries = [(k, k.casefold(), _pattern(k)) for k in sorted({k for k in keywords if k})]

    def counts(self, text: str) -> dict[str, int]:
        folded = text.casefold()
        found = {}
        for keyword, folded_keyword, pattern in self._entries:
            if folded_keyword in folded:
                n = len(pattern.findall(text))
                if n:
                    found[keyword] = n
        return found


def _pattern(keyword: str) -> re.Pattern:
    if keyword.isascii():
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(keyword)}(?![A-Za-z0-9])", re.I)
    return re.compile(re.escape(keyword))


class Classifier:
    """Topic and tags for articles under one site.yaml; build once per extraction.

    The rules are inverted once (keyword -> topics and tags it feeds), so an
    article costs work for the few keywords it contains, not for every rule.
    """

    def __init__(self, config: SiteConfig):
        self.config = config
        self.weights: dict[str, list[tuple[str, int]]] = {}  # keyword -> [(topic, weight)]
        for topic in config.topics:
            for keyword, weight in topic.keywords:
                self.weights.setdefault(keyword, []).append((topic.slug, weight))
        self.tag_of: dict[str, list[int]] = {}  # word -> indexes of the tags it names
        for order, rule in enumerate(config.tags):
            for word in dict.fromkeys((rule.name, *rule.aliases)):
                self.tag_of.setdefault(word, []).append(order)
        self.counter = KeywordCounter([*self.weights, *self.tag_of])

    def classify(self, title: str, text: str) -> tuple[str, list[str]]:
        """(topic slug, tags) for an excerpt, counting keywords in prose only."""
        in_prose, in_title = self.counter.counts(prose_only(text)), self.counter.counts(title)
        topic = self.choose_topic(in_prose, in_title)
        return topic, self.choose_tags(topic, in_prose, in_title)

    def topic_scores(self, in_prose: dict, in_title: dict) -> dict[str, int]:
        """Weighted keyword hits per topic; the title counts again, as readers weigh it."""
        scores = {topic.slug: 0 for topic in self.config.topics}
        for keyword in in_prose.keys() | in_title.keys():
            hits = min(in_prose.get(keyword, 0), MAX_HITS_PER_KEYWORD) + 2 * min(in_title.get(keyword, 0), 1)
            for slug, weight in self.weights.get(keyword, ()):
                scores[slug] += weight * hits
        return scores

    def choose_topic(self, in_prose: dict, in_title: dict) -> str:
        scores = self.topic_scores(in_prose, in_title)
        best = max(scores.values(), default=0)
        if best <= 0:
            return self.config.default_topic
        # Ties go to the topic listed first in site.yaml, so the result is stable.
        return next(slug for slug, score in scores.items() if score == best)

    def choose_tags(self, topic_slug: str, in_prose: dict, in_title: dict) -> list[str]:
        """2–6 canonical tag names, most-mentioned first, topped up from the topic's
        fallback tags when the text names fewer than two."""
        mentions: dict[int, int] = {}
        for word in in_prose.keys() | in_title.keys():
            for order in self.tag_of.get(word, ()):
                mentions[order] = mentions.get(order, 0) + in_prose.get(word, 0) + in_title.get(word, 0)
        ranked = sorted(mentions, key=lambda order: (-mentions[order], order))
        tags = [self.config.tags[order].name for order in ranked[:MAX_TAGS]]
        topic = self.config.topic(topic_slug)
        for fallback in topic.fallback_tags if topic else ():
            if len(tags) >= MIN_TAGS:
                break
            if fallback not in tags:
                tags.append(fallback)
        return tags
