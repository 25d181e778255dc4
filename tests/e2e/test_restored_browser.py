"""Restored articles as a reader sees them, in real Chromium at phone and desktop width:
the title once, sections as headings, lists and LeetCode examples as blocks, a redirect
from an old slug. Screenshots go to test-artifacts/ (git-ignored) for a person to look at."""
from __future__ import annotations

import pytest
from conftest import ROOT
from siteprobe import build_copy, opened, serve

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
# Three restored articles: a LeetCode problem with a window table, numbered sections,
# and an inline list under its label.
ARTICLES = {
    "129-hua-dong-chuang-kou-zui-da-zhi": "129. 滑动窗口最大值",
    "sou-suo-yin-qing-gai-shu": "搜索引擎概述",
    "zhong-pai-de-yi-ban-fang-fa": "重排的一般方法",
}
ALIASED = """---
title: 别名测试
slug: bie-ming
aliases:
- jiu-de-di-zhi
topic: algorithms
tags: [LeetCode]
---
正文。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = build_copy(tmp_path_factory.mktemp("restored"), extra={"bie-ming.md": ALIASED})
    with serve(out, not_found=out / "404.html") as origin:
        yield origin


@pytest.mark.parametrize("width", [390, 1280])
def test_restored_articles_read_as_sections_lists_and_examples(browser, site, width):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="light",
                              device_scale_factor=1, is_mobile=width < 600)
    try:
        for slug, title in ARTICLES.items():
            with opened(ctx, f"{site}/articles/{slug}/") as (page, log):
                assert not log.problems, log.problems
                assert page.locator("h1").inner_text() == title
                body = page.locator(".article .body")
                headings = body.locator("h2, h3, h4").all_inner_texts()
                # The title is said once: the body does not open with it again.
                assert headings and title.split(". ")[-1] not in headings[0], headings
                assert body.locator("p").count() >= 2
                scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
                assert scroll <= inner, f"{slug} overflows at {width}px"
                page.screenshot(path=str(ARTIFACTS / f"{slug}-{width}.png"), full_page=True)
                if slug.startswith("129"):
                    example = body.locator("pre").first.inner_text()
                    assert "滑动窗口的位置 最大值\n--------------- -----\n[1 3 -1] -3 5 3 6 7 3\n" in example
                if slug == "sou-suo-yin-qing-gai-shu":
                    assert "1.1 推荐和搜索比较" in headings
                if slug == "zhong-pai-de-yi-ban-fang-fa":
                    assert body.locator("ul.numbered li").count() == 3
                    assert "更加精准打分" in headings
    finally:
        ctx.close()


def test_an_old_slug_takes_the_reader_to_the_article(browser, site):
    ctx = browser.new_context()
    try:
        with opened(ctx, f"{site}/articles/jiu-de-di-zhi/", math=False) as (page, log):
            page.wait_for_url(f"{site}/articles/bie-ming/")
            assert page.locator("h1").inner_text() == "别名测试"
            # The redirect leaves at once, cancelling its own icon request: not a failure.
            problems = [p for p in log.problems if "ERR_ABORTED" not in p]
            assert not problems, problems
    finally:
        ctx.close()
