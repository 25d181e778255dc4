"""Topic and tags for an excerpt, from the keyword rules in site.yaml.

Nothing here knows a keyword: every rule lives in the config, so a person tunes
classification by editing site.yaml. Keywords are matched in prose only, never
inside formulas. Latin keywords match whole words, ignoring case, so `ODE`
does not fire inside `decoder`; Chinese keywords match as substrings.

A tag needs salience, not just a count. It is salient when the title or a
heading names it, or when it is said at least twice, not far less often than
the article's main tag, and at least once in a sentence that also names a main
term; or when the text defines it, giving it with another of its names in brackets
(`滑动窗口 (Sliding Window)`); or when it is the most-said tag, said five times or
more, whatever the headings name. Mentions in contrast (`不同于RNN、CNN等模型`) do not count. A tag whose
rule names topics (`topics: [algorithms]` for 滑动窗口) is that topic's sense
of the word only.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..config import SiteConfig
from ..spans import prose_only

MAX_TAGS = 6
MIN_TAGS = 2
# A mention this many times rarer than the main tag's is a passing one.
FAR_LESS = 4
# The most-said tag, said this often, is what the article is about even when a heading
# names another: LeetCode 11's headings (题目, 题解) name LeetCode, and its 7 指针 are
# its method, 双指针.
MOST_SAID = 5
_CONTRAST = re.compile(r"(?:不同于|区别于|不像|而不是|而非)[^,。;:!?\uff0c]*|与[^,。;:!?\uff0c]{1,20}不同")
_SENTENCE = re.compile(r"[^。!?;\uff01\uff1f\uff1b]+")
# A word repeated many times is one signal, not many.
MAX_HITS_PER_KEYWORD = 3


class KeywordCounter:
    """Counts every keyword of a vocabulary in a text.

    Most keywords are absent from any one article, and a plain substring test
    rules a keyword out ten times faster than a regex scan; only the keywords
    that pass it are counted with their exact pattern.
    """

    def __init__(self, keywords):
        self.keywords = tuple(sorted({k for k in keywords if k}))
        self._entries = [(k, k.casefold(), _pattern(k)) for k in self.keywords]
        # Keywords by their first (folded) character: a keyword whose first character
        # the text lacks cannot be in it, and most are ruled out so, without a search.
        self._by_first: dict[str, list[int]] = {}
        for i, (_, folded, _) in enumerate(self._entries):
            self._by_first.setdefault(folded[0], []).append(i)
        self._firsts = frozenset(self._by_first)

    def counts(self, text: str) -> dict[str, int]:
        folded = text.casefold()
        present = sorted(i for first in self._firsts.intersection(folded) for i in self._by_first[first]
                         if self._entries[i][1] in folded)
        found = {}
        for i in present:  # in keyword order, as every caller has always seen them
            keyword, _, pattern = self._entries[i]
            n = len(pattern.findall(text))
            if n:
                found[keyword] = n
        return found


@lru_cache(maxsize=4096)
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

    def classify(self, title: str, text: str, headings: tuple[str, ...] = (),
                 main_terms: tuple[str, ...] = (), paragraphs: tuple[str, ...] | None = None,
                 given_title: bool = True) -> tuple[str, list[str]]:
        """(topic slug, tags) for an excerpt, counting keywords in prose only. `main_terms`
        are the article's most salient words, for when its title names no tag; sentences
        are read within `paragraphs` (the text less its headings) when given. A title
        the text gave (`given_title`) weighs for the topic; one drawn from its sentences
        would only count them twice."""
        # Mentions in contrast (`不同于RNN、CNN等模型`) count neither for the topic nor for tags.
        plain = _CONTRAST.sub(" , ", prose_only(text))
        in_prose, in_title = self.counter.counts(plain), self.counter.counts(title if given_title else "")
        named = self.counter.counts(" , ".join((title, *headings)))
        topic = self.choose_topic(in_prose, in_title)
        # Blocks are cut at spaces in prose, so joined with a full stop their formulas stay whole.
        read = "。".join(paragraphs) if paragraphs is not None else None
        sentences = _SENTENCE.findall(_CONTRAST.sub(" , ", prose_only(read)) if read is not None else plain)
        return topic, self.choose_tags(topic, in_prose, named, sentences, main_terms)

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

    def choose_tags(self, topic_slug: str, in_prose: dict, named: dict, sentences: list[str] = (),
                    main_terms: tuple[str, ...] = ()) -> list[str]:
        """Up to 6 canonical tag names, salient ones first. Fewer than two are topped up
        from the topic's fallback tags the article says, then with the first, the topic's
        broadest (生成模型): 扩散模型 is no tag of an article that never names diffusion."""
        mentions: dict[int, int] = {}
        for word in in_prose.keys() | named.keys():
            for order in self.tag_of.get(word, ()):
                rule = self.config.tags[order]
                if rule.topics and topic_slug not in rule.topics:
                    continue  # another sense of the word
                mentions[order] = mentions.get(order, 0) + in_prose.get(word, 0) + named.get(word, 0)
        headline = {o for o in mentions if any(w in named for w in self._words(o))}
        most = max(mentions.values(), default=0)
        top = {o for o, n in mentions.items() if n == most}
        # What the article is about: the tags its title and headings name, else its
        # most-said tags and most salient words.
        main = [w for o in headline for w in self._words(o)] or \
            [*(w for o in top for w in self._words(o)), *main_terms]
        folded = [(s, s.casefold()) for s in sentences]

        def salient(order: int) -> bool:
            if order in headline or self._glossed(order, folded):
                return True
            if mentions[order] * FAR_LESS < most:
                return False  # a passing mention
            if order in top and (not headline or mentions[order] >= MOST_SAID):
                return True
            own = set(self._words(order))
            others = [w for w in main if w not in own]
            return any(self._said(order, s, f) and any(_says(w, s, f) for w in others) for s, f in folded)

        ranked = sorted((o for o in mentions if salient(o)),
                        key=lambda o: (o not in headline, -mentions[o], o))
        tags = [self.config.tags[order].name for order in ranked[:MAX_TAGS]]
        topic = self.config.topic(topic_slug)
        said = {self.config.tags[o].name for o in mentions}
        fallbacks = topic.fallback_tags if topic else ()
        for fallback in [*(f for f in fallbacks if f in said), *fallbacks[:1]]:
            if len(tags) >= MIN_TAGS:
                break
            if fallback not in tags:
                tags.append(fallback)
        return tags

    def _words(self, order: int) -> tuple[str, ...]:
        rule = self.config.tags[order]
        return (rule.name, *rule.aliases)

    def _glossed(self, order: int, folded: list[tuple[str, str]]) -> bool:
        """The text defines the term: it gives it with another of its names in brackets,
        `滑动窗口 (Sliding Window)`, as writers do for what the article is about. `folded`
        holds (sentence, its casefold); as in `_says`, a substring test comes first, so
        most pairs of names are never compiled into a pattern."""
        words = self._words(order)
        return any(_folded(a) in f and _folded(b) in f and _gloss(a, b).search(s)
                   for a in words for b in words if a != b for s, f in folded)

    def _said(self, order: int, sentence: str, folded: str) -> bool:
        return any(_says(w, sentence, folded) for w in self._words(order))


def _says(word: str, sentence: str, folded: str) -> bool:
    """`word` said in `sentence` (whose casefold is `folded`): a substring test first, the
    exact pattern only when it passes."""
    return _folded(word) in folded and bool(_pattern(word).search(sentence))


@lru_cache(maxsize=4096)
def _gloss(word: str, other: str) -> re.Pattern:
    return re.compile(rf"{re.escape(word)}\s*[(\uff08]\s*{re.escape(other)}\s*[)\uff09,\uff0c]", re.I)


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return word.casefold()
