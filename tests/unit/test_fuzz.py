"""Property tests for the four readers of a person's input: the dump parser, the
front-matter loader, the config loader and the Markdown-with-math renderer.

Each either succeeds or reports the project's own error (SourceError, FrontMatterError,
BuildFailed) with the file and a line inside it, never any other exception; and every
math span of the input reaches the output intact. Example counts come from the Hypothesis
profile: `make test` runs the default one, `make test-long` the `long` one.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS_CONFIG
from formulas import expected_sources, formula_sources, tex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit

from feedsite import frontmatter
from feedsite.build import excerpts as cards
from feedsite.build.bodies import render_article
from feedsite.build.content import parse_article
from feedsite.build.formulas import Formula, MathCache, Typeset, place
from feedsite.build.markdown import render_markdown
from feedsite.build.pipeline import site_formulas
from feedsite.build.typeset import Engine
from feedsite.config import SiteConfig, load_config
from feedsite.errors import BuildFailed, SourceError
from feedsite.extract.dumps import parse_dump
from feedsite.spans import split_spans

CONFIG = load_config(CORPUS_CONFIG)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def lines_in(text: str | bytes) -> int:
    """How many lines a reader may point at: every kind of line break counts."""
    sep = b"\n" if isinstance(text, bytes) else "\n"
    return text.count(sep) + text.count(b"\r" if isinstance(text, bytes) else "\r") + 1


def assert_located(problems, path: str, n: int) -> None:
    for p in problems:
        assert isinstance(p, SourceError), p
        assert p.path == path and 1 <= p.line <= n, (str(p), n)


# A formula: TeX pieces that are hard for Markdown (`_ * \\ {} | < & ^`) between delimiters.
TEX = st.lists(st.sampled_from(["a_1", "*", "b_*", "\\\\", "\\{", "\\}", "{x}", "|", "<", ">", "&",
                                "^2", "\\alpha", "\\text{_*_}", " ", "]", ")", "[", "(", "中", "`",
                                "\\|", "\\_", "#", "x", "$"]),
               min_size=1, max_size=8).map("".join)
FORMULA = st.tuples(st.sampled_from(["inline", "display"]), TEX)
# Prose with Markdown syntax, but nothing that turns its surroundings into code or a link
# target (backticks, indented lines, `](`), where a formula is shown as typed instead.
PROSE = st.sampled_from(["中文", "扩散模型", " ", "\n", "\n\n", "# ", "## ", "- ", "1. ", "> ", "*", "**",
                         "_", "~~", "$5 到 $10", "&amp;", "<b>", "[x]", "!", "|", " | ",
                         "| a | b |\n| - | - |\n| ", "\\\\", "\\*", "---\n", "[Math]", "[公式]",
                         "&#57344;", "\ue000", "题目", "示例 1:"])


def body_of(parts) -> tuple[str, list[tuple[str, str]]]:
    text, formulas = [], []
    for part in parts:
        if isinstance(part, tuple):
            kind, source = part
            opener, closer = ("\\(", "\\)") if kind == "inline" else ("\\[", "\\]")
            text.append(f"{opener}{source}{closer}")
            formulas.append((kind, source))
        else:
            text.append(part)
    return "".join(text), formulas


BODY = st.lists(st.one_of(PROSE, FORMULA, st.text(max_size=6).filter(
    lambda t: not any(c in t for c in "\\`\t(") and "    " not in t)), max_size=24).map(body_of)


# Syntax that moves text out of the reach of math: code (backticks, tilde fences, indented
# lines), link targets and definitions. A formula there is shown as typed, not typeset.
_CODE_OR_LINK = ("`", "~~~", "\t", "](", "]:", "][", "    ")


def _cells(line: str) -> int:
    cells = escapedSplit(line.strip())
    return len(cells) - (cells[:1] == [""]) - (cells[-1:] == [""] and len(cells) > 1)


def drops_cells(body: str) -> bool:
    """A table row with more cells than its header: GFM drops the excess cells, and any
    formula in them, by design. Not a loss these tests can blame on the renderer."""
    lines = body.split("\n")
    for token in MarkdownIt("commonmark").enable("table").parse(body):
        if token.type == "table_open" and token.map:
            first, end = token.map
            header = _cells(lines[first])
            if any(_cells(line) > header for line in lines[first + 2:end]):
                return True
    return False


@given(BODY)
def test_renderer_every_formula_reaches_the_html_intact(generated):
    body, formulas = generated
    assume(not drops_cells(body))
    prose = "".join(s.text for s in split_spans(body) if not s.is_math)
    assume(not any(p in prose for p in _CODE_OR_LINK))
    assert [(k, tex(k, s)) for k, s in [(s.kind, s.text) for s in split_spans(body) if s.is_math]] \
        == formulas, "the scanner sees exactly the formulas written"
    out = render_markdown(body)
    assert formula_sources(out.html) == formulas
    assert out.formula_count == len(formulas)


@pytest.fixture(scope="module")
def engine():
    """One MathJax process for every example, as a build has one."""
    with Engine() as running:
        yield running


@given(BODY)
def test_pages_carry_each_formula_as_mathjax_typeset_its_source(engine, generated):
    """Past the renderer: each formula is swapped for MathJax's CHTML of exactly that TeX
    (or shown as typed, where MathJax rejects it), in order."""
    body, formulas = generated
    prose = "".join(s.text for s in split_spans(body) if not s.is_math)
    assume(not any(p in prose for p in _CODE_OR_LINK) and not drops_cells(body))
    out = render_markdown(body)
    wanted = list(dict.fromkeys(f for f, _ in out.formulas))
    cache = MathCache(formulas=dict(zip(wanted, engine.typeset_many(wanted), strict=True)))
    typeset = {cache.formulas[f].html: ("display" if f.display else "inline", f.tex)
               for f in wanted if not cache.formulas[f].error}
    assume(len(typeset) == sum(not cache.formulas[f].error for f in wanted))  # no two look alike
    assert formula_sources(place(out.html, cache), typeset) == formulas


@given(st.text(max_size=200))
def test_renderer_never_fails_on_any_text(body):
    spans = split_spans(body)
    out = render_markdown(body)
    assert len(formula_sources(out.html)) == out.formula_count <= len(expected_sources(spans))


# Dumps: header, excerpt lines with math, pagination, control characters, broken UTF-8,
# every kind of line ending.
DUMP_PIECES = st.sampled_from([b"INCOMING TRANSMISSION", b"LATEST UPDATES", b"", b"1 2", b"3",
                               "扩散模型通过加噪学习".encode(), b"\\(a_1*b\\)", b"\\[x^2\\]", b"\\(cut",
                               "[公式]".encode(), b"[Math]", b"...", b"\x01", b"\x7f", b"\x00",
                               b"\xff\xfe", b"\xe4\xb8", b"\xef\xbb\xbf", b" ", b"\t", b"\x0c"])
DUMP_LINE = st.lists(st.one_of(DUMP_PIECES, st.text(max_size=10).map(str.encode)), max_size=6).map(b"".join)
DUMP = st.one_of(
    st.tuples(st.lists(DUMP_LINE, max_size=12), st.sampled_from([b"\n", b"\r\n", b"\r"]),
              st.booleans()).map(lambda t: (b"INCOMING TRANSMISSION\n\nLATEST UPDATES\n" if t[2] else b"")
                                 + t[1].join(t[0])),
    st.binary(max_size=300))


def dump_line(data: bytes, number: int) -> str:
    """Line `number` as the parser must read it: BOM dropped, CR and CRLF read as LF."""
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return _CONTROL.sub("", data.split(b"\n")[number - 1].decode("utf-8")).strip()


@given(DUMP)
def test_dump_parser_reports_with_file_and_line_and_keeps_each_excerpt_whole(data):
    excerpts, problems = parse_dump("feeds/x.txt", data)
    assert_located(problems, "feeds/x.txt", lines_in(data))
    for excerpt in excerpts:
        assert excerpt.source == "feeds/x.txt"
        # The excerpt is its line, byte for byte but for the control characters removed,
        # so each of its math spans is the one in the dump.
        assert excerpt.text == dump_line(data, excerpt.line) != ""


# Front matter: the schema's keys and some others, with YAML that is hard to read right:
# impossible dates, bad explicit tags, recursive aliases, unclosed flows, odd scalars.
KEYS = st.sampled_from(["title", "slug", "topic", "tags", "date", "summary", "sources", "truncated",
                        "lost_formulas", "id", "fingerprint", "extra", "1", "? x", "- a", "", " title"])
VALUES = st.sampled_from(["11. 盛最多水的容器", "algorithms", "nowhere", "[LeetCode, 数组]", "[]", "",
                          "2024-05-01", "2024-02-30", "2024-13-01", "!!int x", "!!float y",
                          "!!timestamp 2024-99-99", "!!binary x", "!!python/object:os.system x",
                          "&a [*a]", "*a", "[", "{", "'unclosed", '"\\x"', "|", ">", "\n- a\n- b",
                          "\n  - a", "null", "~", "true", "yes", "0o17", "1e400", "-.inf", "12:30:00",
                          "\\(a_1*b\\)", "<b>x</b>", "{a: 1}", "[[]]", "\t", "#", "- x", "\ufeff", "\x85"])
YAML_LINE = st.one_of(st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"),
                      st.text(max_size=12))
MD_BODY = BODY.map(lambda b: b[0])
FILE = st.one_of(
    st.tuples(st.lists(YAML_LINE, max_size=10), MD_BODY, st.booleans(), st.sampled_from(["\n", "\r\n"]))
      .map(lambda t: t[3].join(["---", *t[0], *(["---"] if t[2] else [])]) + t[3] + t[1]),
    st.text(max_size=200))


@given(FILE)
def test_front_matter_loader_fails_only_with_its_own_error_and_line(text):
    try:
        fields, parts = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        assert 1 <= exc.line <= lines_in(text), (exc.line, exc.message)
        return
    assert isinstance(fields, dict)
    assert text.removeprefix("\ufeff").endswith(parts.body)


@given(FILE)
def test_article_loader_reports_with_file_and_line_and_keeps_the_body_math(text):
    article, problems = parse_article("content/x.md", text, CONFIG)
    assert_located(problems, "content/x.md", lines_in(text))
    assert (article is None) == any(p.severity == "error" for p in problems)
    if article is not None:
        body = frontmatter.split(text).body
        assert expected_sources(split_spans(article.body)) == expected_sources(split_spans(body))


# The config: the real site.yaml, each case broken by a few line edits.
REAL = CORPUS_CONFIG.read_text(encoding="utf-8").split("\n")
JUNK = st.one_of(VALUES, st.sampled_from([": ", "- ", "  ", "    ", "]", "}", ",", "? ", "%YAML 1.1",
                                          "---", "...", "<<: *a", "&a ", "!!str ", "!!int ", "=", "\t"]),
                 st.text(max_size=8))
EDIT = st.tuples(st.sampled_from(["delete", "duplicate", "insert", "replace", "indent", "swap"]),
                 st.integers(0, 10_000), st.integers(0, 80), JUNK)


def edited(edits) -> str:
    lines = list(REAL)
    for op, i, col, junk in edits:
        i %= len(lines)
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines[i] = lines[i][:col] + junk + lines[i][col:]
        elif op == "replace":
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {junk}"
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "swap":
            j = (i + col) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDIT, min_size=1, max_size=4))
def test_config_loader_reports_with_file_and_line(tmp_path, edits):
    text = edited(edits)
    assume(text != "\n".join(REAL))
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path)
    except BuildFailed as failed:
        assert failed.problems
        assert_located(failed.problems, str(path), lines_in(text))
        return
    assert isinstance(config, SiteConfig) and Path(config.root) == tmp_path.resolve()


# Bodies long enough to pass a card's and a description's limits, with formulas anywhere.
LONG_BODY = st.lists(st.one_of(PROSE, FORMULA, st.just("一句足够长的话，" * 5), st.just("[公式]")),
                     max_size=30).map(body_of)


@given(LONG_BODY, st.data())
def test_an_excerpt_is_cut_from_the_kept_opening_as_from_the_whole_body(generated, data):
    """The build keeps a body's opening only as far as an excerpt can reach, and typesets
    its display formulas inline only there (`opening_pieces`), before it knows how long
    each formula's text is. Whatever those lengths turn out to be, a card and a
    description are what the whole body would give, and reach for no other formula."""
    body, _ = generated
    article, _ = parse_article("content/x.md", f"---\ntitle: 标题\ntopic: ml-fundamentals\n---\n{body}\n", CONFIG)
    assume(article is not None)
    rendered = render_article(article)
    whole = cards.opening_pieces(rendered.html, article.title, limit=10**9)
    every = {p for p in whole if isinstance(p, Formula)} | {f for f, _ in rendered.formulas}
    lengths = {f: data.draw(st.integers(0, 80)) for f in sorted(every, key=repr)}
    typeset = set(site_formulas([article], {article.slug: rendered}))  # what the build asks for
    made = lambda wanted: MathCache(formulas={f: Typeset("", "", "x" * lengths[f], (), (), "")  # noqa: E731
                                              for f in wanted})
    for limit in (cards.EXCERPT_CHARS, cards.DESCRIPTION_CHARS):
        got = cards.excerpt(article, rendered, made(typeset), limit)  # a KeyError if it reached further
        assert got == cards._cut(whole, made(every), limit)
