"""Topic and tags for an excerpt, from the keyword rules in site.yaml.

Nothing here knows a keyword: every rule lives in the config, so a person tunes
classification by editing site.yaml. Keywords are matched in prose only, never
inside formulas. Latin keywords match whole words, ignoring case, so `ODE`
does not fire inside `decoder`; Chinese keywords match as substrings.
"""
from __future__ import annotations

import re

from .config import SiteConfig
from .spans import prose_only

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
        return re.compile(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(keyword), re.I)
    return re.compile(re.escape(keyword))


class Classifier:
    """Topic and tags for articles under one site.yaml; build once per extraction."""

    def __init__(self, config: SiteConfig):
        self.config = config
        words = [k for t in config.topics for k, _ in t.keywords]
        words += [w for rule in config.tags for w in (rule.name, *rule.aliases)]
        self.counter = KeywordCounter(words)

    def classify(self, title: str, text: str) -> tuple[str, list[str]]:
        """(topic slug, tags) for an excerpt, counting keywords in prose only."""
        in_prose, in_title = self.counter.counts(prose_only(text)), self.counter.counts(title)
        topic = self.choose_topic(in_prose, in_title)
        return topic, self.choose_tags(topic, in_prose, in_title)

    def topic_scores(self, in_prose: dict, in_title: dict) -> dict[str, int]:
        """Weighted keyword hits per topic; the title counts again, as readers weigh it."""
        return {topic.slug: sum(weight * (min(in_prose.get(k, 0), MAX_HITS_PER_KEYWORD)
                                          + 2 * min(in_title.get(k, 0), 1))
                                for k, weight in topic.keywords)
                for topic in self.config.topics}

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
        hits = []
        for order, rule in enumerate(self.config.tags):
            n = sum(in_prose.get(w, 0) + in_title.get(w, 0) for w in {rule.name, *rule.aliases})
            if n:
                hits.append((-n, order, rule.name))
        tags = [name for _, _, name in sorted(hits)[:MAX_TAGS]]
        topic = self.config.topic(topic_slug)
        for fallback in topic.fallback_tags if topic else ():
            if len(tags) >= MIN_TAGS:
                break
            if fallback not in tags:
                tags.append(fallback)
        return tags
