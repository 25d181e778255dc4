"""Render an article body (Markdown with LaTeX math) to HTML.

Markdown parsers mangle LaTeX: `\\(a_1*b\\)` turns into `(a_1<em>…`. So every
span that `split_spans` does not call prose (math, cut-off math, lost-formula
markers) is swapped for an opaque placeholder before parsing and swapped back
after rendering. The formula text then reaches the HTML byte for byte, with only
`&`, `<` and `>` escaped, in a span that `formulas.place` later swaps for what
MathJax made of it.

Placeholders are `S<index>S`, where S is a private-use character that occurs
nowhere in the body (nor in a numeric character reference in it), so nothing in
the output can be mistaken for one. Where a placeholder lands somewhere that
cannot hold markup (code, attributes, image alt text) it is put back as plain
text before rendering; everywhere else it becomes math markup afterwards.
"""
from __future__ import annotations

import functools
import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import mdurl
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..slugs import slugify_title, unique_slug
from ..spans import DISPLAY, INLINE, LOST, PROSE, UNCLOSED, Span, split_spans
from .autolinks import enable_autolinks, trim_autolinks
from .formulas import Formula
from .highlight import render_fence
from .length import Length, reading_length


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # as typed, formulas included
    anchor: str
    html: str = ""  # the text escaped, its formulas in math spans (for the table of contents)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]  # h2/h3 headings in order
    has_math: bool  # at least one inline/display formula
    formula_count: int  # number of inline+display formulas emitted
    lost_count: int  # number of [Math]/[公式] placeholders
    cut_count: int = 0  # formulas the feed cut off (shown as a marker, never typeset)
    formulas: tuple[tuple[Formula, int], ...] = ()  # each formula in the HTML, with its body line (from 0)
    # Each heading's text and slug (before de-duplication), for the next build's
    # `render_markdown(anchors=…)`.
    anchors: tuple[tuple[str, str], ...] = ()
    length: Length | None = None  # of the Markdown it was rendered from (length.py)
    # The body's opening as a card or a description sees it: text, and formulas set
    # inline (excerpts.opening_pieces). Filled in by the build's Markdown workers and
    # kept with the body.
    opening: tuple[str | Formula | None, ...] = ()
    # The body's highlighted code blocks, ((language, code), HTML), when `render_markdown`
    # was given a memo of them (`highlighted`), to be kept there; cleared before caching.
    highlighted: tuple[tuple[tuple[str, str], str], ...] = ()


LOST_LABEL = "[公式缺失]"
# Display math is a <span>, not a <div>: in these notes it sits mid-paragraph,
# and a div inside <p> is invalid HTML. Half a formula cut off by the feed is not
# typeset, nor shown as raw TeX: a marker says what happened.
CUT_MARKER = "公式在摘录中被截断"
_MARKUP = {
    INLINE: '<span class="math math-inline">{}</span>',
    DISPLAY: '<span class="math math-display">{}</span>',
    UNCLOSED: f'<span class="math-cut">{CUT_MARKER}</span>',
    # One wording for every dump: the badge says what the article's note says, and
    # the dump's own marker ([Math], [公式]) stays in the tooltip for editors.
    LOST: '<span class="lost-formula" title="此处的公式在来源中已丢失（来源标记 {}）">'
          + LOST_LABEL + '</span>',
}
_TOC_LEVELS = (2, 3)
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """One parser for the whole build: setting it up costs more than a render."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    enable_autolinks(md)
    md.add_render_rule("fence", render_fence)
    return md


def _sentinel(body: str) -> str:
    """A private-use character that neither the body nor its char refs can produce."""
    used = set(body)
    for m in _CHARREF.finditer(body):
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if code <= 0x10FFFF:
            used.add(chr(code))
    # Private-use planes: the BMP block first, then plane 15 should a body use it all.
    for code in itertools.chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE)):
        if chr(code) not in used:
            return chr(code)
    raise ValueError("body uses every private-use character; cannot protect its math")


_EMOJI = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?\s*")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s*")


def same_title(heading: str, title: str) -> bool:
    """Does a heading say the title again? Emoji, section numbers and a closing `?` or
    `:` aside: `💡 Flowbased Models`, `1.深度学习偏置的作用?` and `76. 最小覆盖子串` do."""
    def plain(text: str) -> str:
        return " ".join(_EMOJI.sub("", text).split()).rstrip("?:\uff1f\uff1a").casefold()
    a, b = plain(heading), plain(title)
    return a == b or _NUMBERING.sub("", a) == _NUMBERING.sub("", b)


def _drop_title_heading(tokens: list[Token], title: str, plain) -> list[Token]:
    """The page shows the title as its h1; a body whose first heading says it again (at
    the top, or after an opening line: "💡 扩散模型…" then "## DDPM 关键点:") says it once."""
    first = next((i for i, t in enumerate(tokens) if t.type == "heading_open"), None)
    if (title and first is not None and first + 1 < len(tokens)
            and same_title(plain(_inline_text(tokens[first + 1].children or [])), title)):
        tokens = tokens[:first] + tokens[first + 3:]
    # Under the page's h1 the body's headings start at h2, so none is skipped.
    levels = [int(t.tag[1]) for t in tokens if t.type in ("heading_open", "heading_close")]
    shift = min(levels, default=2) - 2
    if shift > 0:
        for tok in tokens:
            if tok.type in ("heading_open", "heading_close"):
                tok.tag = f"h{int(tok.tag[1]) - shift}"
    return tokens


_OWN_MARKER = re.compile(r"^(?:\d{1,2}[、.]|[(\uff08]\d{1,2}[)\uff09])")


def _mark_numbered_lists(tokens: list[Token]) -> None:
    """A list whose items carry their own markers (`1、…`, `(2)…`, kept verbatim from the
    source) gets class `numbered`, so the page shows those markers and no bullets."""
    for i, tok in enumerate(tokens):
        if tok.type != "bullet_list_open":
            continue
        depth, firsts = 0, []
        for j in range(i, len(tokens)):
            t = tokens[j]
            depth += t.nesting if t.type in ("bullet_list_open", "bullet_list_close") else 0
            if t.type == "list_item_open" and depth == 1:
                first = next((x for x in tokens[j:] if x.type == "inline"), None)
                firsts.append(first.content if first else "")
            if depth == 0:
                break
        if firsts and all(_OWN_MARKER.match(f.replace("\\", "")) for f in firsts):
            tok.attrSet("class", "numbered")


def render_markdown(body: str, title: str = "", anchors: Mapping[str, str] | None = None,
                    highlighted: Mapping[tuple[str, str], str] | None = None) -> Rendered:
    """`anchors` maps heading texts to their slugs, as earlier renders made them: an
    edit rarely changes its article's headings, and slugging one needs pypinyin,
    whose dictionaries take 0.3 s to load, a third of an edit's build. `highlighted`
    maps (language, code) to the HTML Pygments made of that code block before; the
    body's blocks, found there or highlighted anew, come back in the result's `highlighted`."""
    md = _parser()
    s = _sentinel(body)
    protected: list[Span] = []
    lines: list[int] = []  # body line of each protected span
    parts = []
    line = 0
    for span in split_spans(body):
        if span.kind == PROSE:
            parts.append(span.text)
        else:
            parts.append(f"{s}{len(protected)}{s}")
            protected.append(span)
            lines.append(line)
        line += span.text.count("\n")

    raw = re.compile(f"{re.escape(s)}([0-9]+){re.escape(s)}")
    enc = re.escape(mdurl.encode(s))
    encoded = re.compile(f"{enc}([0-9]+){enc}")

    def plain(text: str) -> str:
        return raw.sub(lambda m: protected[int(m.group(1))].text, text)

    def url(text: str) -> str:
        # markdown-it percent-encodes link targets, placeholders included.
        text = encoded.sub(lambda m: mdurl.encode(protected[int(m.group(1))].text), text)
        text = plain(text)
        return text if md.validateLink(text) else ""

    env: dict = {}
    tokens = md.parse("".join(parts), env)
    if highlighted is not None:
        env.update(highlighted=highlighted, used=[])
    trim_autolinks(md, tokens)  # before restoring: a URL ends where a formula starts
    tokens = _drop_title_heading(tokens, title, plain)
    _mark_numbered_lists(tokens)
    _restore_in_place(tokens, plain, url, in_attr=False)
    toc, slugged = _anchor_headings(tokens, plain, anchors or {})
    rendered = md.renderer.render(tokens, md.options, env)

    counts = dict.fromkeys(_MARKUP, 0)
    formulas = []

    def markup(m: re.Match) -> str:
        index = int(m.group(1))
        span = protected[index]
        counts[span.kind] += 1
        if span.is_math:
            formulas.append((Formula.of(span.text), lines[index]))
        return _MARKUP[span.kind].format(html.escape(span.text, quote=False))

    out = raw.sub(markup, rendered)
    return Rendered(html=out, toc=toc, has_math=bool(formulas), formula_count=len(formulas),
                    lost_count=counts[LOST], cut_count=counts[UNCLOSED], formulas=tuple(formulas),
                    anchors=slugged, length=reading_length(body), highlighted=tuple(env.get("used", ())))


def inline_markup(text: str) -> str:
    """Plain text (a heading, a summary) as HTML: escaped, its formulas in math spans."""
    return "".join(html.escape(span.text, quote=False) if span.kind == PROSE
                   else _MARKUP[span.kind].format(html.escape(span.text, quote=False))
                   for span in split_spans(text))


def _restore_in_place(tokens: list[Token], plain, url, in_attr: bool) -> None:
    """Put back plain source text wherever markup cannot go.

    Text tokens are left alone (they become math markup after rendering) unless
    they sit in an image, whose children are flattened into the alt attribute.
    Code content comes back as the literal source: a formula in backticks is
    code, shown as typed, not typeset.
    """
    for tok in tokens:
        if tok.content and (tok.type != "text" or in_attr):
            tok.content = plain(tok.content)
        if tok.info:
            tok.info = plain(tok.info)
        if tok.attrs:
            tok.attrs = {k: (url(v) if k in ("href", "src") else plain(v))
                         if isinstance(v, str) else v for k, v in tok.attrs.items()}
        if tok.children:
            _restore_in_place(tok.children, plain, url, in_attr or tok.type == "image")


def _inline_text(children: list[Token]) -> str:
    parts = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image" and tok.children:
            parts.append(_inline_text(tok.children))
    return "".join(parts)


def _anchor_headings(tokens: list[Token], plain, known: Mapping[str, str]
                     ) -> tuple[tuple[Heading, ...], tuple[tuple[str, str], ...]]:
    """Give every heading a unique ASCII id (pinyin for Chinese); list h2/h3. Also
    each heading's text and slug, taken from `known` when it is there."""
    taken: set[str] = set()
    toc, slugged = [], []
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open":
            continue
        text = plain(_inline_text(tokens[i + 1].children or []))
        base = known.get(text) or slugify_title(text)
        slugged.append((text, base))
        anchor = unique_slug(base, taken)
        taken.add(anchor)
        tok.attrSet("id", anchor)
        level = int(tok.tag[1])
        if level in _TOC_LEVELS:
            # `示例 1:` introduces what follows it; in the contents the colon points at nothing.
            label = text.rstrip(":\uff1a ") or text
            toc.append(Heading(level=level, text=label, anchor=anchor, html=inline_markup(label)))
    return tuple(toc), tuple(slugged)
