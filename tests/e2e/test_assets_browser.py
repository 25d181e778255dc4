"""The Pagefind search index, checked for real: a headless Chromium searching a
tiny site served from 127.0.0.1, and no request ever leaving that host. (Math
is typeset at build time; its browser tests are in test_site_browser.py.)"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from siteprobe import CHROMIUM, CHROMIUM_ARGS, serve

from feedsite.build.assets import build_search_index
from feedsite.errors import BuildFailed

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")


@contextmanager
def browser_page():
    """A Chromium page recording every request URL and every console error."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.requests, page.errors = [], []
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            yield page
        finally:
            browser.close()



def foreign(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).hostname != "127.0.0.1"]



# ---------------------------------------------------------------- Pagefind

PAGES = {
    "diffusion/index.html": ("扩散模型入门", "扩散模型通过逐步加噪再去噪来生成图像。"),
    "position/index.html": ("位置编码", "Transformer 用正弦位置编码表示词元的顺序。"),
    "attention/index.html": ("注意力机制", "自注意力计算查询与键的相似度。"),
}



def write_pages(site: Path) -> None:
    for rel, (title, body) in PAGES.items():
        page = site / rel
        page.parent.mkdir(parents=True, exist_ok=True)
        # The <nav> sits outside data-pagefind-body and must not be indexed.
        page.write_text(
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><nav>站点导航</nav><main data-pagefind-body><h1>{title}</h1><p>{body}</p></main>'
            f'</body></html>\n', encoding="utf-8")



def digests(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}



def test_search_index_is_deterministic_and_chinese(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for site in (first, second):
        write_pages(site)
        build_search_index(site)
    assert digests(first / "pagefind") == digests(second / "pagefind")
    entry = json.loads((first / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] == 3
    # A rebuild replaces the bundle rather than adding to it.
    (first / "attention" / "index.html").unlink()
    build_search_index(first)
    assert len(list((first / "pagefind" / "fragment").iterdir())) == 2



def test_search_index_failure_reports_pagefind_stderr(tmp_path):
    with pytest.raises(BuildFailed, match="(?s)pagefind failed.*did not contain any html files"):
        build_search_index(tmp_path)


SEARCH = """async (q) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const found = await pf.search(q);
  return Promise.all(found.results.map(async r => (await r.data()).url));
}"""



@pytest.mark.browser
@needs_chromium
def test_search_finds_chinese_words_offline(tmp_path):
    write_pages(tmp_path)
    build_search_index(tmp_path)
    (tmp_path / "search.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '</head><body></body></html>\n', encoding="utf-8")

    with serve(tmp_path) as base, browser_page() as page:
        page.goto(f"{base}/search.html")
        assert page.evaluate(SEARCH, "扩散") == ["/diffusion/"]
        assert page.evaluate(SEARCH, "位置编码") == ["/position/"]
        assert page.evaluate(SEARCH, "注意力") == ["/attention/"]
        assert page.evaluate(SEARCH, "导航") == []

    assert foreign(page.requests) == []
    assert page.errors == []
    assert any(u.endswith(".pf_index") for u in page.requests)
