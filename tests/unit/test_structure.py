import re

from conftest import real_excerpt_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from feedsite.extract.structure import restore, unmark
from feedsite.spans import split_spans

LINES = real_excerpt_lines()


def test_forty_real_articles():
    assert len(LINES) == 40


def test_removing_markup_gives_back_every_real_article_exactly():
    for line in LINES:
        assert unmark(restore(line)) == line


def test_math_of_every_real_article_survives_byte_for_byte():
    for line in LINES:
        body = restore(line)
        math = [s.text for s in split_spans(line) if s.kind != "prose"]
        assert [s.text for s in split_spans(body) if s.kind != "prose"] == math
        for formula in math:
            assert formula in body


def test_leetcode_sections_become_headings_and_paragraphs():
    line = next(l for l in LINES if l.startswith("76. 最小覆盖子串"))
    body = restore(line)
    assert body.startswith("76\\. 最小覆盖子串\n\n## 题目\n\n给定两个字符串")
    assert "\n\n### 示例 1:\n\n输入:s = \"ADOBECODEBANC\", t = \"ABC\"\n\n输出:\"BANC\"\n\n解释:" in body
    assert "\n\n## 提示:\n\n" in body and "\n\n## 题解\n\n" in body


def test_leading_section_word_becomes_a_heading():
    line = next(l for l in LINES if l.startswith("引言 Diffusion"))
    assert restore(line).startswith("## 引言\n\nDiffusion模型近年来")
    assert restore("引言与背景 FlashAttention很快").startswith("## 引言与背景\n\nFlash")


def test_section_words_inside_math_are_not_touched():
    text = r"76. 题 题目 见 \( 题目 示例 1: x\) 题解 完"
    body = restore(text)
    assert r"\( 题目 示例 1: x\)" in body
    assert unmark(body) == text


def test_markup_and_html_in_prose_are_escaped():
    text = r"1. *a* _b_ # c <script>x</script> [x](javascript:alert(1)) | d \(a_1*b\)"
    body = restore(text)
    assert body.startswith("1\\. \\*a\\* \\_b\\_ \\# c \\<script\\>x\\</script\\>")
    assert "[x\\](javascript:alert(1))" in body and "\\|" in body
    assert body.endswith(r"\(a_1*b\)")
    assert unmark(body) == text


def test_only_markup_and_line_breaks_are_added():
    for line in LINES:
        body = restore(line)
        stripped = re.sub(r"(^|\n\n)(#{2,3} )?", " ", body).replace("\\", "")
        assert stripped.replace(" ", "") == line.replace("\\", "").replace(" ", "")


prose_chars = st.lists(st.sampled_from(list("ab 题目示例1:输入出解释提示*_#<>|&~[]()\\-+.!`\n")
                                       + ["[Math]", "\\(", "\\)", "\\[", "\\]"]),
                       max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(prose_chars)
def test_round_trip_holds_for_any_text(text):
    text = text.replace("\n", " ")
    assert unmark(restore(text)) == text
    assert unmark(restore("76. 题 题目 " + text)) == "76. 题 题目 " + text
