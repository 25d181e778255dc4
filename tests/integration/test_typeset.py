"""The build-time MathJax engine (Node running MathJax 3.2.2) and its cache, on real formulas."""
from __future__ import annotations

import pickle
import re

import pytest
from conftest import CONTENT

from feedsite.build import typeset
from feedsite.build.assets import mathjax_es5_dir
from feedsite.build.bodies import render_article
from feedsite.build.content import parse_article
from feedsite.build.formulas import Formula as F
from feedsite.build.formulas import MathCache, formulas_in, place, stylesheet
from feedsite.build.markdown import render_markdown
from feedsite.build.pipeline import site_formulas
from feedsite.errors import BuildFailed

# The two numbered equations of the reparameterization article, as in its source.
TAGGED = [r"L_{\theta}=\mathbb{E}_{z\sim p_{\theta}(z)}[f(z)]\tag{1}",
          r"\int p_{\theta}(z) f(z)dz\,\,\,\text{(连续情形)}\qquad\qquad \sum_{z} p_{\theta}(z) f(z)"
          r"\,\,\,\text{(离散情形)}\tag{2}"]


STRETCHED = r"\left(\begin{matrix}a\\b\\c\\d\\e\end{matrix}\right)"  # parentheses built from parts


@pytest.fixture(scope="module")
def math() -> MathCache:
    """One real engine run over the formulas these tests look at."""
    wanted = [F("x^2", False), F(r"\frac{1}{2}", True), F(r"\foo{x}", False), F(r"\frac{1}{", False),
              F(r"\mathfrak{A}", False), F(r"\ce{H2O} + \cancel{x} + \boldsymbol{q}", False),
              F(r"\href{javascript:window.__pwned=1}{x^2}", False),
              F(r"\style{background:url(http://192.0.2.1/t.png)}{y}", False),
              F(r"\href{https://example.org/}{z}", False), F(STRETCHED, True), *(F(t, True) for t in TAGGED)]
    return typeset.typeset_all(wanted, MathCache())


def test_formulas_become_chtml_with_assistive_mathml(math):
    inline, display = math.formulas[F("x^2", False)], math.formulas[F(r"\frac{1}{2}", True)]
    assert inline.html.startswith('<mjx-container class="MathJax" jax="CHTML"')
    assert "<mjx-assistive-mml" in inline.html and "<math" in inline.html
    assert 'display="true"' in display.html and 'display="true"' not in inline.html
    assert inline.mathml == '<math xmlns="http://www.w3.org/1998/Math/MathML"><msup><mi>x</mi><mn>2</mn></msup></math>'
    assert inline.text == "x2" and inline.error == ""
    assert math.version.startswith("MathJax 3.2.2 ")


def test_every_package_is_there_at_build_time(math):
    done = math.formulas[F(r"\ce{H2O} + \cancel{x} + \boldsymbol{q}", False)]
    assert done.error == "" and "mjx-merror" not in done.html


def test_bad_tex_is_an_error_not_red_text(math):
    assert math.formulas[F(r"\foo{x}", False)].error == r"Undefined control sequence \foo"
    assert "close brace" in math.formulas[F(r"\frac{1}{", False)].error


def test_numbered_rows_get_a_real_height_not_nan(math):
    """liteDOM trap: MathJax gives a \\tag row `height: NaNem`. Fixed, the row is
    as tall as the row MathJax gives its label."""
    for tex in TAGGED:
        out = math.formulas[F(tex, True)].html
        assert "NaN" not in out
        row = re.search(r'<mjx-mlabeledtr style="height: ([\d.]+)em;">', out)
        label = re.search(r'<mjx-labels[^>]*>.*?<mjx-mtr style="height: ([\d.]+)em;">', out)
        assert row and label and row.group(1) == label.group(1), (row, label)


def test_safe_filter_runs_at_build_time(math):
    js = math.formulas[F(r"\href{javascript:window.__pwned=1}{x^2}", False)]
    assert "javascript:" not in js.html and "href" not in js.html and "href" not in js.mathml
    assert "192.0.2.1" not in math.formulas[F(r"\style{background:url(http://192.0.2.1/t.png)}{y}", False)].html
    assert 'href="https://example.org/"' in math.formulas[F(r"\href{https://example.org/}{z}", False)].html


def test_place_swaps_formula_spans_for_markup(math):
    body = render_markdown(r"设 \(x^2\),错写 \(\foo{x}\),以及 \[\frac{1}{2}\]").html
    assert formulas_in(body) == [F("x^2", False), F(r"\foo{x}", False), F(r"\frac{1}{2}", True)]
    page = place(body, math)
    assert page.count("<mjx-container") == 2 and "\\(x^2\\)" not in page
    # The broken formula shows its source, marked, and the message says why.
    assert '<span class="math-error" title="TeX 错误：Undefined control sequence \\foo">' in page
    assert "<code>\\(\\foo{x}\\)</code>" in page
    feed = place(body, math, feed=True)
    assert feed.count("<math ") == 2 and "<mjx-" not in feed


def test_stylesheet_names_only_the_fonts_its_glyphs_use(math):
    css = stylesheet([F("x^2", False)], math, "/notes/assets/mathjax/fonts/")
    assert "mjx-c.mjx-c1D465.TEX-I::before" in css and "mjx-c.mjx-c32::before" in css
    faces = re.findall(r'@font-face\{font-family: (\S+);src: url\("([^"]+)"\)', css)
    assert ("MJXTEX-I", "/notes/assets/mathjax/fonts/MathJax_Math-Italic.woff") in faces
    assert {f for f, _ in faces} == {"MJXZERO", "MJXTEX", "MJXTEX-I"}
    assert ".TEX-FR{" not in css and "%%FONTS%%" not in css and "\n  " not in css
    fraktur = stylesheet([F("x^2", False), F(r"\mathfrak{A}", False)], math, "/f/")
    assert "MJXTEX-FR" in fraktur and ".TEX-FR{" in fraktur and len(fraktur) > len(css)
    # A page whose only formula is broken needs no MathJax CSS at all.
    assert stylesheet([F(r"\foo{x}", False)], math, "/f/") == ""


def test_a_stylesheet_has_stretchy_rules_only_for_a_formula_that_stretches(math):
    """What a page's stylesheet needs of each formula's HTML (its variant classes, whether it
    stretches a delimiter) is found when it is typeset and kept with it, pickled too."""
    plain, tall = math.formulas[F("x^2", False)], math.formulas[F(STRETCHED, True)]
    assert (plain.stretchy, tall.stretchy) == (False, True) and "<mjx-stretchy" in tall.html
    for done in (plain, tall):
        kept = pickle.loads(pickle.dumps(done))
        assert (kept.variants, kept.stretchy) == (set(re.findall(r"\b(?:MJX-TEX|TEX-[A-Z0-9]+)\b", done.html)),
                                                 "<mjx-stretchy" in done.html)
    assert "mjx-stretchy" not in stylesheet([F("x^2", False)], math, "/f/")
    assert "mjx-stretchy-v" in stylesheet([F("x^2", False), F(STRETCHED, True)], math, "/f/")


def test_cache_round_trips_through_json(math, tmp_path):
    path = tmp_path / "math-cache.json"
    typeset.save_cache(path, math)
    assert typeset.load_cache(path) == math
    path.write_text("{not json", encoding="utf-8")
    assert typeset.load_cache(path) == MathCache()  # a broken cache is no cache, not an error


def test_rebuild_typesets_only_new_formulas(math, monkeypatch):
    cache = MathCache.from_json(math.to_json())
    known = list(cache.formulas)
    calls = []
    real = typeset.Engine

    class Counting(real):
        def __init__(self):
            calls.append("start")
            super().__init__()

        def typeset_many(self, formulas, keep=None):
            calls.extend(formulas)
            return super().typeset_many(formulas, keep)

    monkeypatch.setattr(typeset, "Engine", Counting)
    typeset.typeset_all(known, cache)
    assert calls == []  # everything cached: MathJax is not even started
    typeset.typeset_all([*known, F("y_{new}", False)], cache)
    assert calls == ["start", F("y_{new}", False)]
    # Another engine version invalidates the cache.
    cache.version = "MathJax 0.0 engine old"
    calls.clear()
    typeset.typeset_all([F("x^2", False)], cache)
    assert calls == ["start", F("x^2", False)] and list(cache.formulas) == [F("x^2", False)]


def test_no_node_is_a_build_error_with_a_hint(monkeypatch):
    monkeypatch.setattr(typeset.shutil, "which", lambda name: None)
    with pytest.raises(BuildFailed) as failed:
        typeset.typeset_all([F("x", False)], MathCache())
    assert str(failed.value).startswith("site.yaml: error: Node.js is not installed")
    assert "apt-get install nodejs" in str(failed.value)


def collection_formulas(config) -> list[F]:
    """Every formula a build of the real collection typesets, as the build lists them."""
    articles = [parse_article(f"content/{p.name}", p.read_text(encoding="utf-8"), config)[0]
                for p in sorted(CONTENT.glob("*.md"))]
    return list(dict.fromkeys(site_formulas(articles, {a.slug: render_article(a) for a in articles})))


def test_compiled_modules_typeset_the_same_bytes_as_the_es5_components(math, config):
    """`make` compiles MathJax's TypeScript for ES2020, which the engine runs when it is
    there; without it the engine loads the es5 components. Both are MathJax 3.2.2, and
    every formula must come out the same from either."""
    assert typeset.compiled_modules(mathjax_es5_dir()), "make did not compile MathJax into the environment"
    collection = collection_formulas(config)
    assert len(collection) > 40
    wanted = list(dict.fromkeys([*math.formulas, *collection]))
    with typeset.Engine() as fast, typeset.Engine(compiled=False) as slow:
        assert (fast.base, fast.font_base) == (slow.base, slow.font_base)
        assert fast.typeset_many(wanted) == slow.typeset_many(wanted)


def test_only_finished_compiled_modules_of_the_same_mathjax_are_used(tmp_path):
    """A compile cut short must not break builds, and the site's fonts come from es5/:
    modules of another version would not match them."""
    es5, modules = mathjax_es5_dir(), tmp_path / "es2020"
    (modules / "components").mkdir(parents=True)
    version = modules / "components" / "version.js"
    version.write_text("exports.VERSION = '3.2.2';\n", encoding="utf-8")
    assert typeset.compiled_modules(es5, modules) is None  # no stamp: the compile did not finish
    (tmp_path / ".built-stamp").touch()
    assert typeset.compiled_modules(es5, modules) == modules
    version.write_text("exports.VERSION = '3.2.1';\n", encoding="utf-8")
    assert typeset.compiled_modules(es5, modules) is None
    version.unlink()
    assert typeset.compiled_modules(es5, modules) is None
