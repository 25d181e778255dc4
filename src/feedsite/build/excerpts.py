"""Card excerpts and page descriptions, taken from an article's rendered body.

An excerpt is text and formulas, as a reader sees the article open: no markup,
no headings, the title's words not said twice. Formulas stay formulas (typeset
on cards, MathML in the feed, their text in a description), display ones set
inline as in a sentence, since a card has no room for a block. A formula is
never cut in half nor left as a bare `…`: one that does not fit ends the
excerpt before it, and so does a formula the feed cut off.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..spans import DISPLAY, INLINE, UNCLOSED, split_spans
from .content import Article
from .formulas import Formula, MathCache, markup
from .markdown import Rendered

EXCERPT_CHARS = 110
DESCRIPTION_CHARS = 150
MORE = "…"
_HEADING = re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.S)
_OPENING_BLOCK = re.compile(r"\s*<p>([^<]*)</p>")
_PIECE = re.compile(r'<span class="math math-(inline|display)">(.*?)</span>'
                    r'|(<span class="math-cut">.*?</span>)|<[^>]+>', re.S)
_STOP = None  # where an excerpt must end
_APART = "。.!！?？:：;；"  # after the title, marks that end it as a sentence or a label of its own


@dataclass(frozen=True)
class Excerpt:
    pieces: tuple[str | Formula, ...]  # text (unescaped) and inline formulas, in order
    more: bool  # the article goes on after it

    @property
    def formulas(self) -> tuple[Formula, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Formula))

    def html(self, cache: MathCache, feed: bool = False) -> str:
        """Typeset for a card, or with MathML for the feed."""
        out = "".join(html.escape(p, quote=False) if isinstance(p, str) else markup(p, cache, feed)
                      for p in self.pieces)
        return out + (MORE if self.more else "")

    def text(self, cache: MathCache) -> str:
        """Plain text (a meta description): each formula as the text of its MathML."""
        out = "".join(p if isinstance(p, str) else _formula_text(p, cache) for p in self.pieces)
        return out + (MORE if self.more else "")


def excerpt(article: Article, body: Rendered, cache: MathCache, limit: int = EXCERPT_CHARS) -> Excerpt:
    """The article's own summary, or the opening of its body within `limit`
    characters (a formula counts as the characters of its text). The body's opening
    is kept only as far as DESCRIPTION_CHARS reach (`opening_pieces`): `limit` is at
    most that."""
    if article.summary:
        return Excerpt(tuple(_summary_pieces(article.summary)), more=False)
    return _cut(body.opening, cache, limit)


def opening_pieces(body_html: str, title: str, limit: int = DESCRIPTION_CHARS) -> tuple:
    """The body's text and formulas as an excerpt of at most `limit` characters (a
    card's, a description's) may see them, tidied, worked out once per body, before
    anything is typeset. `_cut` counts a formula as its typeset text, at least nothing,
    so it ends no later than the first text that takes the text alone past `limit`, or
    a cut-off formula: the pieces end there. A display formula further on is never
    shown inline, and is not typeset so."""
    pieces, used = [], 0
    for piece in _tidy(_body_pieces(_title_block_dropped(_HEADING.sub(" ", body_html), title)), title):
        pieces.append(piece)
        if piece is _STOP:
            break
        if isinstance(piece, str):
            used += len(piece)
            if used > limit:
                break
    return tuple(pieces)


def _summary_pieces(summary: str):
    """A summary typed by a person may hold formulas too; all are shown inline."""
    for span in split_spans(summary):
        if span.kind in (INLINE, DISPLAY):
            yield Formula(Formula.of(span.text).tex, display=False)
        elif span.kind == UNCLOSED:
            return  # half a formula: the summary ends before it
        else:
            yield span.text  # prose, or a lost-formula marker as typed


def _body_pieces(fragment: str) -> list:
    pieces: list = []
    at = 0
    for m in _PIECE.finditer(fragment):
        pieces.append(html.unescape(fragment[at:m.start()]))
        at = m.end()
        if m.group(3):
            pieces.append(_STOP)  # cut-off formula: the excerpt ends there
        elif m.group(1):
            pieces.append(Formula(Formula.of(html.unescape(m.group(2))).tex, display=False))
    pieces.append(html.unescape(fragment[at:]))
    return pieces


def _tidy(pieces: list, title: str) -> list:
    """Join and squeeze the text, drop the opening words that repeat the title."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    out = [re.sub(r"\s+", " ", p) if isinstance(p, str) else p for p in out]
    if out and isinstance(out[0], str):
        out[0] = _after_title(out[0].lstrip(), title)
    while out and out[0] in ("", _STOP):
        out.pop(0)
    return [p for p in out if p != ""]


def _title_block_dropped(fragment: str, title: str) -> str:
    """Without the opening paragraph when it is the title alone (`<p>76. 最小覆盖子串</p>`)."""
    found = _OPENING_BLOCK.match(fragment)
    if found and html.unescape(found.group(1)).strip().rstrip(_APART) == title.rstrip(_APART):
        return fragment[found.end():]
    return fragment


def _after_title(opening: str, title: str) -> str:
    """The opening without the title, when the title stands apart there (a sentence or a
    label of its own: `标题。…`, `标题：…`). When it is the sentence's subject, as in
    `Medusa 是自投机领域较早的一篇工作`, the opening stays whole: cut, it would start
    mid-sentence (`是自投机…`), on a card and in the page's description."""
    rest = opening.removeprefix(title)
    if rest == opening:  # (an empty title too)
        return opening
    if rest.strip() == "" or rest.lstrip()[0] in _APART:
        return rest.lstrip().lstrip("".join(_APART)).lstrip()
    return opening


def _cut(pieces: tuple, cache: MathCache, limit: int) -> Excerpt:
    out: list = []
    used = 0
    more = False
    for piece in pieces:
        if piece is _STOP:
            more = True
            break
        size = len(piece) if isinstance(piece, str) else len(_formula_text(piece, cache))
        if used + size > limit:
            if isinstance(piece, str):
                out.append(piece[: limit - used])
            elif not out:
                continue  # a formula too long for any card: leave it out rather than show nothing
            more = True
            break
        out.append(piece)
        used += size
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return Excerpt(tuple(p for p in out if p != ""), more)


def _formula_text(formula: Formula, cache: MathCache) -> str:
    done = cache.formulas[formula]
    return formula.source if done.error else done.text


def summary_formulas(article: Article) -> list[Formula]:
    """The formulas of the article's summary, as written (shown inline)."""
    return [p for p in _summary_pieces(article.summary) if isinstance(p, Formula)]


def excerpt_formulas(article: Article, opening: tuple) -> list[Formula]:
    """Formulas an excerpt may show that the body does not typeset as such: the
    summary's, or those of the body's opening (`opening_pieces`), set inline."""
    if article.summary:
        return summary_formulas(article)
    return [p for p in opening if isinstance(p, Formula)]
