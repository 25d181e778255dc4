import html
import re

import pytest
from conftest import CONTENT, real_excerpt_lines
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from feedsite.build.markdown import Heading, render_markdown
from feedsite.extract.structure import restore
from feedsite.spans import LOST, PROSE, split_spans

MATH = re.compile(r'<span class="math math-(inline|display)">(.*?)</span>', re.S)
# Every dump's marker shows as one label; the marker itself stays in the tooltip.
LOST_SPAN = '<span class="lost-formula" title="此处的公式在来源中已丢失（来源标记 {}）">[公式缺失]</span>'


def math_in(out: str) -> list[tuple[str, str]]:
    return MATH.findall(out)


# (source formula, what must appear between the span tags) — written out by hand.
FORMULAS = [
    (r"\(a_1*b_2\)", r"\(a_1*b_2\)"),
    (r"\(x_{i}^{*} * y_{j}\)", r"\(x_{i}^{*} * y_{j}\)"),
    (r"\(\{a\} \\ b\)", r"\(\{a\} \\ b\)"),
    (r"\(|x|_2\)", r"\(|x|_2\)"),
    (r"\(a<b\)", r"\(a&lt;b\)"),
    (r"\(a>b & c\)", r"\(a&gt;b &amp; c\)"),
    (r"\(\mathbb{E}_{q}[\log p]\)", r"\(\mathbb{E}_{q}[\log p]\)"),
    (r"\(<script>x</script>\)", r"\(&lt;script&gt;x&lt;/script&gt;\)"),
    (r"\[a_1*b_2\]", r"\[a_1*b_2\]"),
    (r"\[\begin{aligned} a &= b_1 \\ c &< d \end{aligned}\]",
     r"\[\begin{aligned} a &amp;= b_1 \\ c &amp;&lt; d \end{aligned}\]"),
    (r"\[\left|x\right| = \{x_i\}_{i=1}^n\]", r"\[\left|x\right| = \{x_i\}_{i=1}^n\]"),
    (r"\[a \\]b\]", r"\[a \\]b\]"),
    (r"\[\text{_*_}\]", r"\[\text{_*_}\]"),
]


@pytest.mark.parametrize("source, shown", FORMULAS)
def test_formula_reaches_html_byte_for_byte(source, shown):
    kind = "inline" if source.startswith(r"\(") else "display"
    out = render_markdown(f"前 {source} 后")
    assert out.html == f'<p>前 <span class="math math-{kind}">{shown}</span> 后</p>\n'
    assert out.formula_count == 1 and out.has_math and out.lost_count == 0


def test_display_math_mid_paragraph_stays_in_one_paragraph():
    out = render_markdown(r"由此得到 \[p_k = x_k * W\] 其中 \(W\) 是矩阵。")
    assert out.html.count("<p>") == 1
    assert "<div" not in out.html
    assert math_in(out.html) == [("display", r"\[p_k = x_k * W\]"), ("inline", r"\(W\)")]


def test_math_in_table_cell_keeps_its_pipes():
    body = "| 名称 | 公式 |\n| --- | --- |\n| 范数 | \\(|x|_2 + |y|\\) |\n"
    out = render_markdown(body)
    row = out.html.split("<tbody>")[1]
    assert row.count("<td>") == 2
    assert '<td><span class="math math-inline">\\(|x|_2 + |y|\\)</span></td>' in row


def test_math_in_heading_list_and_emphasis():
    body = "## 损失 \\(L_2\\)\n\n- 项 \\(a_1*b\\)\n- 项 \\[c_1\\]\n\n*强调 \\(b_*\\)*"
    out = render_markdown(body)
    assert '<h2 id="sun-shi-l-2">损失 <span class="math math-inline">\\(L_2\\)</span></h2>' in out.html
    assert '<li>项 <span class="math math-inline">\\(a_1*b\\)</span></li>' in out.html
    assert '<li>项 <span class="math math-display">\\[c_1\\]</span></li>' in out.html
    assert '<em>强调 <span class="math math-inline">\\(b_*\\)</span></em>' in out.html
    assert out.formula_count == 4
    assert out.toc == (Heading(2, "损失 \\(L_2\\)", "sun-shi-l-2",
                               '损失 <span class="math math-inline">\\(L_2\\)</span>'),)
    # Each formula in the order of the HTML, with the body line it starts on.
    assert [(f.tex, f.display, line) for f, line in out.formulas] == [
        ("L_2", False, 0), ("a_1*b", False, 2), ("c_1", True, 3), ("b_*", False, 5)]


def test_unclosed_formula_is_marked_not_typeset_nor_shown_raw():
    out = render_markdown("其中 \\(x_1 * y < z")
    assert out.html == '<p>其中 <span class="math-cut">公式在摘录中被截断</span></p>\n'
    assert 'class="math ' not in out.html and "x_1" not in out.html
    assert out.formula_count == 0 and not out.has_math and out.cut_count == 1


def test_lost_markers_are_counted_and_stay_visible():
    out = render_markdown("设 [Math] 与 [公式],又有 [Math]。")
    assert out.lost_count == 3 and out.formula_count == 0 and not out.has_math
    assert out.html == ("<p>设 " + LOST_SPAN.format("[Math]") + " 与 " + LOST_SPAN.format("[公式]")
                        + ",又有 " + LOST_SPAN.format("[Math]") + "。</p>\n")


def test_dollars_are_prose():
    out = render_markdown("价格从 $5 到 $10")
    assert out.html == "<p>价格从 $5 到 $10</p>\n"
    assert out.formula_count == 0


def test_chinese_headings_get_unique_pinyin_anchors_and_toc():
    body = "# 总标题\n\n## 题目\n\n正文\n\n### 示例 1:\n\n#### 细节\n\n## 题目\n\n## 题目"
    out = render_markdown(body)
    assert '<h1 id="zong-biao-ti">总标题</h1>' in out.html
    assert '<h4 id="xi-jie">细节</h4>' in out.html
    for anchor in ("ti-mu", "ti-mu-2", "ti-mu-3"):
        assert f'<h2 id="{anchor}">题目</h2>' in out.html
    assert [(h.level, h.text, h.anchor) for h in out.toc] == [
        (2, "题目", "ti-mu"), (3, "示例 1", "shi-li-1"), (2, "题目", "ti-mu-2"), (2, "题目", "ti-mu-3")]


def test_heading_slugs_of_an_earlier_render_are_used_as_they_were():
    body = "# 总标题\n\n## 题目\n\n正文\n\n#### 细节\n\n## 题目"
    first = render_markdown(body)
    assert first.anchors == (("总标题", "zong-biao-ti"), ("题目", "ti-mu"), ("细节", "xi-jie"),
                             ("题目", "ti-mu"))
    assert render_markdown(body, anchors=dict(first.anchors)) == first
    # What is known is taken as it is (a stale entry could only come from another
    # code version, whose cache is never read), and still made unique.
    again = render_markdown(body, anchors={"题目": "known", "细节": "kept"})
    assert '<h2 id="known">题目</h2>' in again.html and '<h2 id="known-2">题目</h2>' in again.html
    assert '<h4 id="kept">细节</h4>' in again.html and '<h1 id="zong-biao-ti">' in again.html


def test_restored_leetcode_excerpt_has_section_anchors():
    body = restore("76. 最小覆盖子串 题目 给定两个字符串 s 和 t 。 示例 1: 输入:s = \"a\" 提示: 无")
    out = render_markdown(body, "76. 最小覆盖子串")
    assert [(h.level, h.anchor) for h in out.toc] == [(2, "ti-mu"), (3, "shi-li-1"), (3, "ti-shi")]
    # Without the title to compare with, the opening heading stays.
    assert render_markdown(body).toc[0].text == "76. 最小覆盖子串"


def test_a_body_opening_with_its_title_does_not_show_it_twice():
    for title, body in [("Flowbased Models", "## 💡 Flowbased Models\n\n## Normalizing Flow\n\n正文。"),
                        ("深度学习偏置的作用?", "## 1\\.深度学习偏置的作用?\n\n正文。"),
                        ("搜索引擎概述", "## 1\\. 搜索引擎概述\n\n### 1\\.1 推荐和搜索比较\n\n正文。"),
                        # The first heading, after an opening line.
                        ("DDPM 关键点", "💡 扩散模型:通过加噪学习分布\n\n## DDPM 关键点:\n\n- 正向加噪\n")]:
        html = render_markdown(body, title).html
        assert title.rstrip("?") not in html.split("<h")[0] and html.count(title.rstrip("?")) == 0, html
    assert "<h2" in render_markdown(body, "搜索引擎概述").html  # 1.1 moves up under the page's h1
    kept = render_markdown("## 另一个标题\n\n正文。", "标题").html
    assert "另一个标题" in kept  # a different heading is the body's own
    later = render_markdown("开头。\n\n## 第一节\n\n正文。\n\n## 标题\n\n再说。", "标题")
    assert [h.text for h in later.toc] == ["第一节", "标题"]  # only the first heading can repeat it
    opening = render_markdown("💡 扩散模型:通过加噪学习分布\n\n## DDPM 关键点:\n\n- 正向加噪\n", "DDPM 关键点")
    assert not opening.toc and "扩散模型" in opening.html and "关键点" not in opening.html


def test_known_language_is_highlighted():
    out = render_markdown("```python\ndef f(x):\n    return x < 1\n```\n")
    assert out.html.startswith('<div class="highlight"><pre tabindex="0">')
    assert '<span class="k">def</span>' in out.html
    assert "&lt;" in out.html and "x < 1" not in out.html


@pytest.mark.parametrize("info", ["nosuchlang", "", "c++-but-not-really {.x}"])
def test_unknown_or_missing_language_falls_back_to_escaped_code(info):
    out = render_markdown(f"```{info}\na < b && c\n```\n")
    assert 'class="highlight"' not in out.html
    assert "<pre><code" in out.html
    assert ">a &lt; b &amp;&amp; c\n</code></pre>" in out.html


def test_formula_in_code_is_literal_code():
    out = render_markdown("`\\(a_1*b\\)` 与 \\(c\\)\n\n```\n\\[x_1 < y\\]\n```\n\n    \\(z_*\\)\n")
    assert "<code>\\(a_1*b\\)</code>" in out.html
    assert "<pre><code>\\[x_1 &lt; y\\]\n</code></pre>" in out.html
    assert "<pre><code>\\(z_*\\)\n</code></pre>" in out.html
    assert math_in(out.html) == [("inline", "\\(c\\)")]
    assert out.formula_count == 1


def test_formula_in_link_target_or_image_alt_stays_plain_text():
    out = render_markdown('[a](http://x/\\(y\\)) ![\\(x_1\\)](p.png "\\(t\\)")')
    assert '<a href="http://x/%5C(y%5C)">a</a>' in out.html
    assert '<img src="p.png" alt="\\(x_1\\)" title="\\(t\\)" />' in out.html
    assert out.formula_count == 0


@pytest.mark.parametrize("body", [
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](JaVaScRiPt:alert(1)) [y](vbscript:x) [z](data:text/html;base64,PHNjcmlwdD4=)",
    "\\(<script>alert(1)</script>\\) <a href=\"javascript:alert(1)\">x</a>",
    restore("[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"),
])
def test_no_script_injection(body):
    out = render_markdown(body).html
    assert "<script" not in out.lower()
    assert not re.search(r"<[^>]*\bonerror\s*=", out, re.I)
    assert not re.search(r"""href\s*=\s*["']?\s*(javascript|vbscript|data):""", out, re.I)


@pytest.mark.parametrize("line", real_excerpt_lines())
def test_every_real_formula_survives_rendering(line):
    body = restore(line)
    spans = split_spans(body)
    math = [s for s in spans if s.is_math]
    out = render_markdown(body)
    for text in {s.text for s in math}:
        assert out.html.count(html.escape(text, quote=False)) == body.count(text)
    assert math_in(out.html) == [(s.kind, html.escape(s.text, quote=False)) for s in math]
    assert out.formula_count == len(math)
    assert out.lost_count == sum(s.kind == LOST for s in spans)


def test_real_dumps_contain_math():
    assert sum(render_markdown(restore(line)).formula_count for line in real_excerpt_lines()) > 0


PIECES = [r"\(", r"\)", r"\[", r"\]", "[Math]", "[公式]", "\\", "_", "*", "|", "{", "}", "<", "&",
          ">", "$", "\n", "\n\n", "# ", "## ", "- ", "1. ", "| a | b |\n| - | - |\n", "`", "```",
          "    ", "](", "[", "!", "~~", "\ue000", "\ue0011\ue001", "&#xE000;", "&#57345;", "题目"]
text_with_syntax = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(PIECES)),
                            max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text_with_syntax)
def test_arbitrary_text_never_crashes_and_never_invents_math(body):
    spans = split_spans(body)
    out = render_markdown(body)
    # Formulas in code or link targets are shown as plain text, so never more.
    assert out.formula_count <= sum(s.is_math for s in spans)
    assert out.lost_count <= sum(s.kind == LOST for s in spans)
    assert len(math_in(out.html)) == out.formula_count
    # No placeholder character leaks: every private-use char comes from the body.
    pua = {c for c in out.html if "\ue000" <= c <= "\uf8ff"}
    assert pua <= set(body) | {"\ue000", "\ue001"}


# Syntax that moves text out of the reach of math: code, link targets, definitions.
_CODE_OR_LINK = ("`", "~", "\t", "](", "]:", "][", "    ")


@settings(max_examples=400, deadline=None)
@given(text_with_syntax)
def test_every_formula_outside_code_is_emitted_once(body):
    spans = split_spans(body)
    assume(not any(p in s.text for s in spans if s.kind == PROSE for p in _CODE_OR_LINK))
    math = [s for s in spans if s.is_math]
    out = render_markdown(body)
    assert out.formula_count == len(math)
    assert math_in(out.html) == [(s.kind, html.escape(s.text, quote=False)) for s in math]


@settings(max_examples=200, deadline=None)
@given(*[st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60)] * 2)
def test_restored_bodies_keep_every_formula(before, after):
    body = restore(f"{before.strip()} \\(x_{{1}}*{after}\\) {after} \\[a|b\\] 示例 1: [Math]")
    math = [s for s in split_spans(body) if s.is_math]
    out = render_markdown(body)
    assert out.formula_count == len(math)
    assert math_in(out.html) == [(s.kind, html.escape(s.text, quote=False)) for s in math]


def test_a_list_whose_items_carry_their_own_markers_shows_no_bullets():
    html = render_markdown("如:\n\n- 1、甲;\n- 2、乙\n\n正文\n\n- 普通\n- 列表").html
    assert '<ul class="numbered">\n<li>1、甲;</li>' in html
    assert html.count('class="numbered"') == 1  # the plain list keeps its bullets


CODE = "```python\ndef area(h, i, j):\n    return min(h[i], h[j]) * (j - i)\n```\n"


def test_a_code_block_in_the_memo_is_taken_from_it_and_one_not_there_is_highlighted():
    plain = render_markdown("开头。\n\n" + CODE)
    assert '<div class="highlight">' in plain.html and plain.highlighted == ()  # no memo, none kept
    fresh = render_markdown("开头。\n\n" + CODE, highlighted={})
    assert fresh.html == plain.html
    (block, made), = fresh.highlighted
    assert block == ("python", CODE.split("\n", 1)[1].removesuffix("```\n")) and made in plain.html
    # From the memo, whatever it holds (a stand-in here), and named again as used.
    kept = render_markdown("另一个开头。\n\n" + CODE, highlighted={block: "<pre>kept</pre>"})
    assert "<pre>kept</pre>" in kept.html and "highlight" not in kept.html
    assert kept.highlighted == ((block, "<pre>kept</pre>"),)


def test_the_highlight_memo_keeps_the_blocks_used_last(config):
    """render_bodies keeps the memo to HIGHLIGHTS_KEPT blocks, the least lately used dropped."""
    import dataclasses

    from feedsite.build.bodies import HIGHLIGHTS_KEPT, render_bodies
    from feedsite.build.content import load_articles
    from feedsite.build.state import BuildState

    articles, _ = load_articles(dataclasses.replace(config, content_dir=CONTENT), "content")
    article = dataclasses.replace(articles[0], body=articles[0].body + "\n\n" + CODE, body_digest="")
    block = ("python", CODE.split("\n", 1)[1].removesuffix("```\n"))
    state = BuildState()
    state.highlighted = {("text", f"old {k}"): "<pre></pre>" for k in range(HIGHLIGHTS_KEPT)}
    render_bodies([article], state)
    assert len(state.highlighted) == HIGHLIGHTS_KEPT and list(state.highlighted)[-1] == block
    assert ("text", "old 0") not in state.highlighted and ("text", "old 1") in state.highlighted
    # Used again (a new body with the same block): it stays the last, nothing else goes.
    again = dataclasses.replace(article, body=article.body + "\n\n又一次编辑。\n")
    render_bodies([again], state)
    assert list(state.highlighted)[-1] == block and ("text", "old 1") in state.highlighted
    assert all(not body.highlighted for body in state.rendered.values())


def test_contents_drop_a_headings_trailing_colon_but_the_heading_keeps_it():
    out = render_markdown("## 题目\n\n正文。\n\n### 示例 1:\n\n输入\n\n### 提示：\n\n无")
    assert [h.text for h in out.toc] == ["题目", "示例 1", "提示"]
    assert ">示例 1:</h3>" in out.html and ">提示：</h3>" in out.html
