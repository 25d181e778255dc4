"""The real collection's math as built: typeset into the HTML, cut-off formulas
marked, the feed in MathML, TeX errors reported at their line, and every page
valid to the W3C checker (vnu)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, copy_corpus

from feedsite import frontmatter
from feedsite.build.output import MARKER
from feedsite.spans import formula_counts

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BODY = re.compile(r'<div class="body">(.*?)\n  </div>\n', re.S)


def sources() -> dict[str, tuple[dict, object]]:
    """slug -> (front matter, formula counts of the body) for the frozen content."""
    out = {}
    for path in sorted(CONTENT.glob("*.md")):
        fields, split = frontmatter.parse(path.read_text(encoding="utf-8"))
        out[fields.get("slug") or path.stem] = (fields, formula_counts(split.body))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_corpus(tmp_path_factory.mktemp("math"))
    proc = subprocess.run([sys.executable, "-m", "feedsite", "build", "--out", "public"], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "0 warnings" in proc.stdout, proc.stderr
    return root / "public"


def article(built: Path, slug: str) -> str:
    return (built / "articles" / slug / "index.html").read_text(encoding="utf-8")


def test_every_formula_of_every_article_is_typeset_into_its_html(built):
    math = {slug: counts for slug, (_, counts) in sources().items() if counts.typeset}
    assert len(math) == 8, sorted(math)
    for slug, counts in math.items():
        body = BODY.search(article(built, slug)).group(1)
        assert body.count("<mjx-container") == counts.typeset, slug
        assert body.count("<mjx-assistive-mml") == counts.typeset, slug  # for screen readers
        assert "mjx-merror" not in body and "math-error" not in body, slug
        # No TeX delimiter is left for a reader to see, nor for a script to find.
        assert not re.search(r"\\[()[\]]", body), slug


def test_cut_off_formulas_are_marked_and_counted(built):
    cut = {slug: (fields, counts) for slug, (fields, counts) in sources().items() if counts.cut}
    assert len(cut) == 3, sorted(cut)
    for slug, (fields, counts) in cut.items():
        page = article(built, slug)
        assert fields["cut_formulas"] == counts.cut == 1  # the extractor's count, in front matter
        assert BODY.search(page).group(1).count('<span class="math-cut">公式在摘录中被截断</span>') == 1
        assert "处公式只剩半截" in page
    page = article(built, "lian-shi-fa-ze-fen-jie-lian-he-fen-bu")
    assert r"p(x_i \mid" not in page and "x_i \\mid..." not in page


def test_pages_carry_their_own_math_css_and_no_mathjax_script(built):
    fonts = {p.name for p in (built / "assets" / "mathjax" / "fonts").iterdir()}
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        style = re.search(r"<style>\n(.*?)\n</style>", text, re.S)
        assert not re.search(r"<script[^>]*mathjax", text, re.I), page  # typeset: no MathJax runs
        assert ("<mjx-container" in text) == bool(style), page
        if style:
            named = re.findall(r'url\("/assets/mathjax/fonts/([^"]+)"\)', style.group(1))
            assert named and set(named) <= fonts, page
            assert "NaN" not in text and "%%FONTS" not in text, page


def test_cards_show_typeset_math_never_a_bare_ellipsis(built):
    # This article's opening has formulas within a card's length.
    topic = (built / "topics" / "generative-models" / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<p class="excerpt">(.*?)</p>', topic, re.S)
    card = next(c for c in cards if c.startswith("我们希望学习一个能够"))
    assert card.count("<mjx-container") >= 2 and "<mjx-assistive-mml" in card
    for page in built.rglob("index.html"):
        for excerpt in re.findall(r'<p class="excerpt">(.*?)</p>', page.read_text(encoding="utf-8"), re.S):
            text = re.sub(r"<mjx-assistive-mml.*?</mjx-assistive-mml>|<[^>]+>", "", excerpt)
            assert not re.search(r"\\[()[\]]", excerpt), (page, excerpt)
            assert "…" not in text[:-1], (page, text)  # an ellipsis only ever ends it


def test_feed_carries_mathml_not_tex(built):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.parse(built / "atom.xml").getroot().findall("a:entry", ns)
    with_math = 0
    for entry in entries:
        content, summary = entry.find("a:content", ns), entry.find("a:summary", ns)
        assert content.get("type") == summary.get("type") == "html"
        for part in (content.text or "", summary.text or ""):
            assert not re.search(r"\\[()[\]]", part) and "<mjx-" not in part
        if "<math" in content.text:
            with_math += 1
            ET.fromstring(f"<div>{re.sub(r'&(?!amp;|lt;|gt;|quot;)', '&amp;', content.text)}</div>")
    assert with_math >= 3


@pytest.fixture
def bad_tex(tmp_path) -> Path:
    root = copy_corpus(tmp_path)
    (root / "content" / "bad-tex.md").write_text(
        "---\ntitle: 写错的公式\ntopic: ml-fundamentals\ntags: [Softmax]\n---\n"
        "第一段没有公式。\n\n"
        "这里用了没定义的宏 \\(\\foo{x}\\) 和\n"
        "少了右括号的 \\[\\frac{1}{2\\]\n", encoding="utf-8")
    return root


def test_bad_tex_warns_at_its_file_line_and_shows_the_source(bad_tex):
    proc = subprocess.run([sys.executable, "-m", "feedsite", "build", "--out", "public"], cwd=bad_tex,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "content/bad-tex.md:8: warning: TeX error in \\(\\foo{x}\\): Undefined control sequence \\foo",
        "content/bad-tex.md:9: warning: TeX error in \\[\\frac{1}{2\\]: Missing close brace"]
    page = (bad_tex / "public" / "articles" / "bad-tex" / "index.html").read_text(encoding="utf-8")
    assert page.count('<span class="math-error"') == 2
    assert "<code>\\(\\foo{x}\\)</code>" in page and "<code>\\[\\frac{1}{2\\]</code>" in page
    assert "<mjx-merror" not in page


def test_bad_tex_fails_a_strict_build_and_keeps_the_old_site(bad_tex):
    old = bad_tex / "public"
    old.mkdir()
    (old / "index.html").write_text("old site", encoding="utf-8")
    (old / MARKER).write_text("")  # a site feedsite built, so a build may replace it
    proc = subprocess.run([sys.executable, "-m", "feedsite", "build", "--out", "public", "--strict"],
                          cwd=bad_tex, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "content/bad-tex.md:8: warning: TeX error" in proc.stderr and "Traceback" not in proc.stderr
    assert (old / "index.html").read_text(encoding="utf-8") == "old site"


def test_every_page_and_the_stylesheet_pass_the_w3c_checker(built):
    """vnu (the checker behind validator.w3.org/nu) on every HTML page, their inline
    math CSS included, and on the site stylesheet. It flags `height: NaNem`."""
    java = shutil.which("java")
    assert java and VNU.is_file(), "run `make test`: it installs vnu-jar (npm) and a Java runtime"
    pages = sorted(str(p) for p in built.rglob("*.html"))
    proc = subprocess.run([java, "-jar", str(VNU), "--format", "gnu", "--also-check-css", *pages,
                           str(built / "assets" / "style.css")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[:5000]
