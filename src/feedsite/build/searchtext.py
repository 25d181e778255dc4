"""What search sees of an article, and how text is folded and cut into grams.

Search must find every article that holds the query as a substring of its
case-folded, NFKC-normalised title, headings, body (outside math) or tags. A
dictionary segmenter cannot promise that: it cuts 滑动窗口最大值 into pieces the
query 窗口最大 is not cut into, the mismatch behind Pagefind's misses. Overlapping
grams can: any substring of two or more letters is made of the same bigrams in
the query as in the article, so intersecting the bigrams' article lists yields
every article that holds it (and a few that hold the bigrams apart, which the
browser drops when it checks the article's text).

The browser folds the query with the same rules (search-index.js), taking the
characters whose case folding differs from lower-casing from `fold_table`, so
both sides agree on Unicode data this Python was built with.
"""
from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from ..urls import Urls
from .content import Article
from .markdown import Rendered
from .taxonomy import SiteIndex


# Everything search sees of one article; `body` holds its headings and paragraphs
# one block a line, which is also the text snippets are cut from.
@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    topic: str  # the topic's name, shown with each result
    tags: tuple[str, ...]
    body: str


# Letters with case live in the first two planes; the others hold CJK extensions,
# tags and private use. Scanning 2 planes, not 17, takes 40 ms instead of 300.
CASED_PLANES = 0x20000
_SCAN = 256  # code points looked at together


# A hyphen between two letters or digits: the dumps lost most of theirs (Multitoken,
# Anchorfree, RCNN) while readers type them (multi-token, R-CNN), so search ignores
# it and either spelling finds both. Any other hyphen, and every other mark, stays.
_JOINING_HYPHEN = re.compile(r"(?<=[^\W_])[-\u2010](?=[^\W_])")


def fold(text: str) -> str:
    """The normal form search compares: NFKC, then Unicode case folding, then without
    the hyphens that join two letters or digits."""
    return _JOINING_HYPHEN.sub("", unicodedata.normalize("NFKC", text).casefold())


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Characters (stable under NFKC) whose case folding is not their lower case:
    ß -> ss, ς -> σ, Cherokee. The browser lower-cases the rest itself."""
    table = {}
    # A block whose case folding is its lower case as a whole holds no such character:
    # only a few blocks are looked at one character at a time (33 ms to 11 ms, and
    # every build that writes meta.json makes the table).
    for start in range(0, CASED_PLANES, _SCAN):
        block = "".join(map(chr, range(start, start + _SCAN)))
        if block.casefold() == block.lower():
            continue
        for c in block:
            folded = c.casefold()
            if folded != c.lower() and not 0xD800 <= ord(c) < 0xE000 \
                    and unicodedata.normalize("NFKC", c) == c:
                table[c] = folded
    return table


# Grams run over letters and digits of any script (Python's alphanumerics, the
# browser's \p{L}\p{N}); anything else (spaces, punctuation, marks) ends a run,
# so no gram spans two words or two paragraphs.
_RUN = re.compile(r"[^\W_]+")


def runs(folded: str) -> list[str]:
    """Maximal runs of letters and digits of folded text."""
    return _RUN.findall(folded)


def grams(folded: str) -> list[str]:
    """The overlapping bigrams of every run, in text order, repeats kept."""
    return [run[i:i + 2] for run in runs(folded) for i in range(len(run) - 1)]


# A one-character query has no bigram. In Chinese it is often a whole word (熵, 栈, 堆,
# 锚), so every letter outside ASCII is also listed alone; a single Latin letter or
# digit is not (it would match nearly every article, and nobody searches for "k").
# The browser asks for a character alone on the same rule: code point above 127.
_WIDE = re.compile(r"[^\W_\x00-\x7f]")


def index_keys(folded: str) -> list[str]:
    """What the index lists for folded text: its bigrams, then its non-ASCII letters and
    digits one by one, in text order, repeats kept."""
    return grams(folded) + _WIDE.findall(folded)


# ------------------------------------------------------------------ the text itself

# markdown.py writes math, cut-off math and lost-formula markers as one span each
# with escaped text inside (no nested tags): raw TeX and markers are not prose.
_PROTECTED = re.compile(r'<span class="(?:math math-(?:inline|display)|math-cut|lost-formula)"'
                        r'[^>]*>[^<]*</span>')
# Where a formula stood: a private-use character, neither letter nor digit, so no gram
# spans it and no query matches it, as the space it replaces did; a snippet shows it
# as [公式] (search.js), not as a gap in the sentence ("从  逐步加噪得到 ;").
FORMULA = "\ue000"
_BLOCK = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|pre|blockquote|table|thead|tbody|tr|td|th|div|hr|br)"
                    r"\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def body_text(rendered_html: str) -> str:
    """The prose of rendered HTML, one block a line, each formula and marker one FORMULA."""
    text = _PROTECTED.sub(FORMULA, rendered_html)
    text = _TAG.sub("", _BLOCK.sub("\n", text))
    lines = (_SPACE.sub(" ", line).strip() for line in html.unescape(text).split("\n"))
    return "\n".join(line for line in lines if line)


def search_doc(article: Article, rendered: Rendered, url: str, topic_name: str) -> SearchDoc:
    return SearchDoc(url=url, title=article.title, topic=topic_name, tags=article.tags,
                     body=body_text(rendered.html))


def search_docs(index: SiteIndex, rendered: dict[str, Rendered], urls: Urls) -> list[SearchDoc]:
    """Every article in the site's order (newest first), which breaks ranking ties."""
    return [search_doc(a, rendered[a.slug], urls.article(a.slug), index.topic(a.topic).name)
            for a in index.articles]
