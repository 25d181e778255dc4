"""Bare URLs become links; math, escapes and the Chinese around them stay as they were."""
import re

import pytest
from conftest import real_excerpt_lines

from feedsite.build.markdown import render_markdown
from feedsite.extract.structure import restore

LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


@pytest.mark.parametrize("body, href, after", [
    ("RoFormer:https://github.com/ZhuiyiTechnology/roformer 基本思路",
     "https://github.com/ZhuiyiTechnology/roformer", " 基本思路"),
    # Extraction escapes `~` and `_`; the link goes where the dump's URL went.
    (r"PPT: https://speech.ee.ntu.edu.tw/\~hylee/ml/ml2021-course-data/bert\_v8.pdf 芝麻街",
     "https://speech.ee.ntu.edu.tw/~hylee/ml/ml2021-course-data/bert_v8.pdf", " 芝麻街"),
    ("代码见https://github.com/x/y项目。", "https://github.com/x/y", "项目。"),
    ("见 https://example.org/a,然后", "https://example.org/a", ",然后"),
    ("see https://example.org/p. Then", "https://example.org/p", ". Then"),
])
def test_bare_urls_become_links_ending_where_the_url_ends(body, href, after):
    out = render_markdown(body).html
    assert LINK.findall(out) == [(href, href)]
    assert out.split("</a>", 1)[1].startswith(after)


@pytest.mark.parametrize("formula", [r"\(x_1*y\)", r"\[a_{i}\]", r"\(https://a.com/b\)"])
def test_a_url_stops_at_a_formula_and_the_formula_is_untouched(formula):
    out = render_markdown(f"链接 https://example.org/{formula} 之后").html
    assert LINK.findall(out) == [("https://example.org/", "https://example.org/")]
    assert f'">{formula}</span>' in out
    assert "example.org/%" not in out


@pytest.mark.parametrize("body", ["训练脚本 train.py 与 www.example.com", "邮件 a@b.com", "https:// 空",
                                  r"公式里的网址 \(\href{https://a.com}{x}\) 不是链接"])
def test_no_scheme_no_link(body):
    assert "<a " not in render_markdown(body).html


def test_written_links_and_code_are_left_alone():
    out = render_markdown("[文档](https://a.org/x) 与 `https://b.org/y` 和 <https://c.org/>").html
    assert LINK.findall(out) == [("https://a.org/x", "文档"), ("https://c.org/", "https://c.org/")]
    assert "<code>https://b.org/y</code>" in out


def test_every_url_in_the_real_dumps_is_linked_whole():
    lines = [line for line in real_excerpt_lines() if "http" in line]
    assert lines, "the dumps have no URL: the test would prove nothing"
    for line in lines:
        urls = re.findall(r"https?://[!-~]+", line)
        links = [href for href, _ in LINK.findall(render_markdown(restore(line)).html)]
        # The dump's URL runs to the next space; the link must be exactly that URL.
        assert links == [u.rstrip(".,;:") for u in urls], (line[:80], links)
