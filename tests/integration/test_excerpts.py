"""Card excerpts and descriptions around formulas, with the real engine: math is
typeset or left out whole, never cut in half, never a bare `…`, never raw TeX."""
from __future__ import annotations

import pytest

from feedsite.build.bodies import render_article
from feedsite.build.content import parse_article
from feedsite.build.excerpts import excerpt
from feedsite.build.formulas import MathCache
from feedsite.build.pipeline import typeset_formulas

LONG = r"\sum_{i=1}^{n} \frac{\partial L}{\partial \theta_i} + \int_0^1 p_{\theta}(z) f(z)\,dz + \alpha\beta\gamma"
BODIES = {
    "inline": r"设数据集 \(D\) 有 \(n\) 个样本,每个是 \(x \in \{0,1\}^n\) 的向量。",
    "display": r"加噪公式 \[x_t=(1-t)x_0+t\varepsilon\] 写在段落中间。",
    "long": "开头的一句话讲清楚问题。" * 8 + rf"然后是 \({LONG}\) 这个式子。",
    "cut": r"其中 \(x_{<i}\) 是前缀,只要学好 \(p(x_i \mid...",
}


def article(config, name: str, body: str, summary: str = ""):
    extra = f"summary: '{summary}'\n" if summary else ""
    text = f"---\ntitle: 标题{name}\ntopic: ml-fundamentals\n{extra}---\n{body}\n"
    found, problems = parse_article(f"content/{name}.md", text, config)
    assert not problems, problems
    return found


@pytest.fixture(scope="module")
def made(config):
    articles = [article(config, name, body) for name, body in BODIES.items()]
    articles.append(article(config, "summary", "正文。", summary=r"摘要里的 \(\alpha_1\) 与 \(\oops\)"))
    rendered = {a.slug: render_article(a) for a in articles}
    cache = MathCache()
    problems = typeset_formulas(articles, rendered, cache)
    return {a.slug: a for a in articles}, rendered, cache, problems


def cut(made, slug, limit=110):
    articles, rendered, cache, _ = made
    return excerpt(articles[slug], rendered[slug], cache, limit), cache


def test_inline_formulas_are_typeset_in_cards_and_text_in_descriptions(made):
    ex, cache = cut(made, "inline")
    assert [f.tex for f in ex.formulas] == ["D", "n", r"x \in \{0,1\}^n"] and not ex.more
    card = ex.html(cache)
    assert card.count("<mjx-container") == 3 and "\\(" not in card and "…" not in card
    assert ex.text(cache) == "设数据集 D 有 n 个样本,每个是 x∈{0,1}n 的向量。"
    assert ex.html(cache, feed=True).count("<math ") == 3


def test_display_formula_reads_inline_in_a_card(made):
    ex, cache = cut(made, "display")
    assert [(f.tex, f.display) for f in ex.formulas] == [(r"x_t=(1-t)x_0+t\varepsilon", False)]
    assert 'display="true"' not in ex.html(cache) and ex.text(cache).endswith("写在段落中间。")


def test_a_formula_that_does_not_fit_ends_the_excerpt_before_it(made):
    ex, cache = cut(made, "long")
    assert ex.formulas == () and ex.more
    assert ex.html(cache).endswith("然后是…") and "\\sum" not in ex.html(cache)
    roomy, _ = cut(made, "long", limit=400)
    assert len(roomy.formulas) == 1 and not roomy.more


def test_a_cut_off_formula_ends_the_excerpt_and_never_shows(made):
    ex, cache = cut(made, "cut")
    assert ex.html(cache).endswith("只要学好…") and "x_i" not in ex.html(cache)
    assert ex.more and len(ex.formulas) == 1


def test_summary_formulas_are_typeset_and_checked_at_the_summary_line(made):
    ex, cache = cut(made, "summary")
    html = ex.html(cache)
    assert html.count("<mjx-container") == 1 and '<span class="math-error"' in html
    problems = made[3]
    assert [str(p) for p in problems] == [
        "content/summary.md:4: warning: TeX error in \\(\\oops\\): Undefined control sequence \\oops"]


@pytest.mark.parametrize("after_title", [":", "：", "。", "!", "？", "；"])
def test_a_body_that_opens_with_its_title_does_not_say_it_twice(config, after_title):
    """A title that stands apart at the opening (its own sentence, or a label before a
    colon), ASCII or full-width, is not said again: the card starts after it."""
    found = article(config, "opening", f"标题opening{after_title} 正文从这里说起。")
    rendered = render_article(found)
    ex = excerpt(found, rendered, MathCache())
    assert ex.html(MathCache()) == "正文从这里说起。"


def test_an_opening_paragraph_that_is_the_title_is_not_said_again(config):
    found = article(config, "opening", "标题opening\n\n给定两个字符串 s 和 t。")
    assert excerpt(found, render_article(found), MathCache()).html(MathCache()) == "给定两个字符串 s 和 t。"


@pytest.mark.parametrize("after_title", ["", " ", "，", ","])
def test_an_opening_whose_subject_is_the_title_stays_whole(config, after_title):
    """`Medusa 是自投机领域较早的一篇工作`: cut after the title, the card and the page's
    description would start mid-sentence (`是自投机…`)."""
    found = article(config, "opening", f"标题opening{after_title}是自投机领域较早的一篇工作。")
    ex = excerpt(found, render_article(found), MathCache())
    assert ex.html(MathCache()) == f"标题opening{after_title}是自投机领域较早的一篇工作。"
