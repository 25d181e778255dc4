"""Formula sources read back out of rendered HTML: the one place tests do that.

Today a formula reaches the page as `<span class="math math-inline">\\(…\\)</span>` holding
its TeX (escaped), for MathJax to typeset in the browser. Once math is typeset at build
time it becomes CHTML (`mjx-container`, `display="true"` for display math) whose embedded
MathML carries the source as `<annotation encoding="application/x-tex">`. This reads
either: where an annotation is present it is the source, else the element's text. Tests
that check "the formula reaches the HTML intact" go through `formula_sources`, so the
switch to build-time typesetting changes this file only.
"""
from __future__ import annotations

from html.parser import HTMLParser

_DELIMITERS = {"inline": ("\\(", "\\)"), "display": ("\\[", "\\]")}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source"}


def tex(kind: str, source: str) -> str:
    """The TeX of a formula without its delimiters: `\\(a\\)` -> `a`."""
    opener, closer = _DELIMITERS[kind]
    if source.startswith(opener) and source.endswith(closer) and len(source) >= 4:
        return source[2:-2]
    return source


class _Formulas(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.depth = 0  # open elements inside the current formula; 0: outside any
        self.kind = ""
        self.text: list[str] = []
        self.annotation: list[str] | None = None
        self.in_annotation = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            if tag not in _VOID:
                self.depth += 1
            if tag == "annotation" and attrs.get("encoding") == "application/x-tex":
                self.annotation, self.in_annotation = [], True
            return
        classes = (attrs.get("class") or "").split()
        if tag == "mjx-container":
            self.kind = "display" if attrs.get("display") == "true" else "inline"
        elif "math" in classes and {"math-inline", "math-display"} & set(classes):
            self.kind = "display" if "math-display" in classes else "inline"
        else:
            return
        self.depth, self.text, self.annotation = 1, [], None

    def handle_endtag(self, tag):
        if not self.depth or tag in _VOID:
            return
        if tag == "annotation":
            self.in_annotation = False
        self.depth -= 1
        if self.depth == 0:
            source = "".join(self.annotation if self.annotation is not None else self.text)
            self.found.append((self.kind, tex(self.kind, source)))

    def handle_data(self, data):
        if self.depth:
            (self.annotation if self.in_annotation else self.text).append(data)


def formula_sources(html: str) -> list[tuple[str, str]]:
    """(kind, TeX without delimiters) of every formula in `html`, in page order."""
    parser = _Formulas()
    parser.feed(html)
    parser.close()
    return parser.found


def expected_sources(spans) -> list[tuple[str, str]]:
    """What `formula_sources` must give for the math spans of a body (from split_spans)."""
    return [(s.kind, tex(s.kind, s.text)) for s in spans if s.is_math]
