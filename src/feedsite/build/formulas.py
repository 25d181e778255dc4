"""Typeset formulas as data, and putting them into pages. Pure: no engine here.

`render_markdown` leaves every formula as `<span class="math math-inline">\\(…\\)</span>`
(or `math-display`), its TeX escaped. `place` swaps each for what MathJax made
of it: CHTML for pages, MathML for the feed, or the source in an error style
when the TeX is broken. `stylesheet` gives a page the CSS of exactly the
formulas it shows, so a page carries no CSS for glyphs it does not use, and
names only the fonts those glyphs need.
"""
from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields

FONTS_MARK = "%%FONTS%%"  # the engine's font URL, replaced by the site's
_MATH_SPAN = re.compile(r'<span class="math math-(inline|display)">(.*?)</span>', re.S)
_VARIANT = re.compile(r"\b(?:MJX-TEX|TEX-[A-Z0-9]+)\b")
_FAMILY = re.compile(r"\bMJX(?:ZERO|TEX(?:-[A-Z0-9]+)?)\b")  # MathJax's font family names
_COUNTER = re.compile(r" /\* \d+ \*/")  # "@font-face /* 3 */": MathJax's way to keep keys apart
_HACK = re.compile(r"/\* [A-Za-z]+ \*/ ")  # "/* IE */ overflow: hidden"


@dataclass(frozen=True, order=True)
class Formula:
    tex: str  # without its \( \) or \[ \] delimiters
    display: bool

    @classmethod
    def of(cls, source: str) -> Formula:
        """From the source text of a span, delimiters included: `\\(x\\)`, `\\[x\\]`."""
        return cls(source[2:-2], source.startswith("\\["))

    @property
    def source(self) -> str:
        return f"\\[{self.tex}\\]" if self.display else f"\\({self.tex}\\)"


@dataclass(frozen=True)
class Typeset:
    html: str  # <mjx-container> with its assistive MathML
    mathml: str  # <math> alone, for the feed
    text: str  # the MathML's text, for plain-text summaries
    wrappers: tuple[str, ...]  # CSS rules of the MathJax wrappers it uses
    font: tuple[str, ...]  # CSS rules of the glyphs and delimiters it uses
    error: str = ""  # the TeX error, if MathJax could not typeset it
    # What a page's stylesheet needs to know of the HTML, found once when the formula is
    # typeset rather than on every page that shows it (scanning every page's formulas
    # was a third of a cold build's page rendering): its font-variant classes, and
    # whether it stretches a delimiter. Kept with it in the cache.
    variants: frozenset[str] = field(init=False, compare=False, repr=False)
    stretchy: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "variants", frozenset(_VARIANT.findall(self.html)))
        object.__setattr__(self, "stretchy", "<mjx-stretchy" in self.html)


@dataclass
class MathCache:
    """Typeset formulas by TeX and display mode, for one engine version (MathJax's
    version and the engine script), and the CSS every formula needs. Plain data,
    so the preview keeps it between rebuilds and it round-trips through JSON."""
    version: str = ""
    base: tuple[str, ...] = ()  # common CHTML rules
    font_base: tuple[str, ...] = ()  # variant classes and @font-face, before any glyph's rules
    formulas: dict[Formula, Typeset] = field(default_factory=dict)
    # The TeX error ("" for none) of each formula typeset by this process, so warnings
    # need not read every formula back from a store that let them go (state.Backed).
    errors: dict[Formula, str] = field(default_factory=dict, compare=False, repr=False)
    reused: int = field(default=0, compare=False, repr=False)  # the last build's cache hits

    def error_of(self, formula: Formula) -> str:
        found = self.errors.get(formula)
        return self.formulas[formula].error if found is None else found

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "base": self.base, "font_base": self.font_base,
                           "formulas": [[asdict(f), {k.name: getattr(t, k.name) for k in fields(t) if k.init}]
                                        for f, t in sorted(self.formulas.items())]},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> MathCache:
        data = json.loads(text)
        return cls(data["version"], tuple(data["base"]), tuple(data["font_base"]),
                   {Formula(**f): Typeset(**{k: tuple(v) if isinstance(v, list) else v for k, v in t.items()})
                    for f, t in data["formulas"]})


def formulas_in(fragment: str) -> list[Formula]:
    """The formulas of rendered HTML, in order."""
    return [Formula.of(html.unescape(m.group(2))) for m in _MATH_SPAN.finditer(fragment)]


def error_markup(formula: Formula, message: str) -> str:
    """Broken TeX is shown as typed, marked, never left blank."""
    return (f'<span class="math-error" title="{html.escape("TeX 错误：" + message)}">'
            f'<span class="math-error-label">TeX 错误</span>'
            f'<code>{html.escape(formula.source, quote=False)}</code></span>')


def markup(formula: Formula, cache: MathCache, feed: bool = False) -> str:
    """One formula as a page shows it (CHTML) or as the feed carries it (MathML)."""
    done = cache.formulas[formula]
    if done.error:
        return error_markup(formula, done.error)
    if feed:
        return done.mathml
    kind = "display" if formula.display else "inline"
    return f'<span class="math math-{kind}">{done.html}</span>'


def place(fragment: str, cache: MathCache, feed: bool = False) -> str:
    """Rendered HTML with every formula span replaced by its typeset markup."""
    return _MATH_SPAN.sub(lambda m: markup(Formula.of(html.unescape(m.group(2))), cache, feed), fragment)


def stylesheet(formulas: Iterable[Formula], cache: MathCache, font_url: str) -> str:
    """The CSS for exactly these formulas, in MathJax's own order (common rules,
    wrappers, fonts, glyphs), with fonts loaded from `font_url`. Empty when none
    of them typeset."""
    done = [cache.formulas[f] for f in dict.fromkeys(formulas)]
    done = [t for t in done if not t.error]
    if not done:
        return ""
    wrappers = dict.fromkeys(r for t in done for r in t.wrappers)
    glyphs = dict.fromkeys(r for t in done for r in t.font)
    classes = set().union(*(t.variants for t in done))
    stretchy = any(t.stretchy for t in done)
    fonts, faces = [], []
    for rule in cache.font_base:
        (faces if rule.startswith("@font-face") else fonts).append(rule)
    fonts = [r for r in fonts if _font_rule_needed(r, classes, stretchy)]
    families = {name for rule in [*fonts, *glyphs] for name in _families(rule)}
    faces = [r for r in faces if set(_families(r)) <= families]
    rules = [*cache.base, *wrappers, *fonts, *faces, *glyphs]
    css = "\n".join(_minify(r) for r in rules).replace(FONTS_MARK, font_url.rstrip("/"))
    return css.replace("</", "<\\/")  # it goes inside <style>


def _font_rule_needed(rule: str, classes: set[str], stretchy: bool) -> bool:
    selector = rule.split("{", 1)[0].strip()
    if selector.startswith(".") and _VARIANT.fullmatch(selector[1:]):
        return selector[1:] in classes  # a variant class no glyph of the page uses
    if selector.startswith("mjx-stretchy"):
        return stretchy
    return True


# A site's formulas share a few thousand distinct CSS rules, and every page's stylesheet
# goes through them: each rule is read and minified once per process.
@functools.lru_cache(maxsize=16384)
def _families(rule: str) -> tuple[str, ...]:
    return tuple(_FAMILY.findall(rule))


@functools.lru_cache(maxsize=16384)
def _minify(rule: str) -> str:
    """MathJax writes `selector {\\n  a: b;\\n}`; drop just that layout (string
    values such as `content: " "` hold no newline, so they are untouched)."""
    rule = _HACK.sub("", _COUNTER.sub("", rule))
    return rule.replace(" {\n  ", "{").replace(";\n  ", ";").replace(";\n}", "}").replace(" {\n}", "{}")
