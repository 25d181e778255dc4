import re

import pytest
from conftest import TESTS, real_excerpt_lines
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.utils import read_fixture_file

from feedsite.extract.structure import restore, unmark
from feedsite.spans import split_spans

LINES = real_excerpt_lines()
FIXTURES = TESTS / "fixtures" / "structure"
RULES = read_fixture_file(FIXTURES / "rules.md")


@pytest.mark.parametrize("line,title,text,expected", RULES, ids=[r[1] for r in RULES])
def test_structure_rule(line, title, text, expected):
    text, expected = text.rstrip("\n"), expected.rstrip("\n")
    assert restore(text) == expected, f"{FIXTURES / 'rules.md'}:{line}: {title}"
    assert unmark(expected) == text


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


def test_only_markup_and_line_breaks_are_added():
    for line in LINES:
        body = re.sub(r"(?<=\n- )\*\*(.+?)\*\*", r"\1", "\n" + restore(line))[1:]  # bold labels
        assert "**" not in body  # a source `*` comes escaped: bold is only ever a label's
        stripped = re.sub(r"(^|\n\n?)(#{2,4} |- |```\n?)?", " ", body).replace("```", "").replace("\\", "")
        assert stripped.replace(" ", "") == line.replace("\\", "").replace(" ", "")


def reader_headings() -> dict[str, list[str]]:
    out = {}
    for row in (FIXTURES / "headings.txt").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            opening, *headings = [part.strip() for part in row.split("|")]
            out[opening] = headings
    return out


def restored_headings(body: str) -> list[str]:
    return [unmark(m.group(1)) for m in re.finditer(r"(?:^|\n\n)#{2,4} ([^\n]+)", body)]


def test_most_section_headings_a_reader_sees_are_restored_and_no_others():
    expected = reader_headings()
    assert len(expected) == 40
    found = total = 0
    for line in LINES:
        opening = next(k for k in expected if line.startswith(k))
        headings = restored_headings(restore(line))
        title = [headings[0]] if headings and line.startswith(headings[0]) else []
        extra = set(headings) - set(expected[opening]) - set(title)
        assert not extra, f"{opening}: headings no reader sees: {extra}"
        total += len(expected[opening])
        found += sum(1 for h in expected[opening] if h in headings)
    assert found / total >= 0.8, f"{found} of {total} section headings restored"


def test_nearly_every_real_body_has_more_than_one_block():
    multi = sum(1 for line in LINES if "\n\n" in restore(line))
    assert multi >= 35


prose_chars = st.lists(st.sampled_from(list("ab Ab题目示例1:输入出解释提示*_#<>|&~[]()\\-+.!`。、,?基本思路 \n")
                                       + ["[Math]", "\\(", "\\)", "\\[", "\\]", "1、", "2、", "1. ", "2. ",
                                          "(1)", "(2)", "概述", "---", "```", "https://x.y", " 1.1 "]),
                       max_size=60).map("".join)


@settings(max_examples=600, deadline=None)
@given(prose_chars)
def test_round_trip_holds_for_any_text(text):
    text = text.replace("\n", " ")
    assert unmark(restore(text)) == text
    assert unmark(restore("76. 题 题目 " + text)) == "76. 题 题目 " + text
    assert unmark(restore("76. 题 题目 示例 1: 输入:" + text)) == "76. 题 题目 示例 1: 输入:" + text


