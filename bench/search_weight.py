"""What search costs: bytes the first query downloads, index size and build time.
`python bench/search_weight.py [N ...]` (default N: 10000).

Sites: the real one (content/), and N articles made from the real 40 under new
slugs and numbered titles (as bench/build_speed.py makes them), so bigram lists
grow with N as a real collection's common words do. For each site:

- the index: files, bytes, and the time to build it from the articles;
- the first query's bytes, in Chromium with an empty cache, for the issue's
  queries and a very common word: on /search/ (its two scripts plus index files), and
  typed into an article page's header box (everything fetched after focusing it);
- the peer, on the real site: Pagefind's extended build with its default UI, as
  the site used before this index (its first query: 182 KB by the issue's count).

Goal: at most 182 KB for the first query on the real site. Needs `make bench`.
"""
from __future__ import annotations

import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "bench")]

from build_speed import make_site  # noqa: E402
from search_recall import pagefind  # noqa: E402
from siteprobe import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

from feedsite.build import build  # noqa: E402
from feedsite.build.bodies import render_bodies  # noqa: E402
from feedsite.build.content import load_articles  # noqa: E402
from feedsite.build.pipeline import BuildState  # noqa: E402
from feedsite.build.searchindex import DATA_DIR, search_files  # noqa: E402
from feedsite.build.searchtext import search_docs  # noqa: E402
from feedsite.build.taxonomy import index_site  # noqa: E402
from feedsite.config import load_config  # noqa: E402
from feedsite.urls import Urls  # noqa: E402

QUERIES = ["滑动窗口", "滑动窗口最大值", "LeetCode", "目标检测", "位置编码", "模型"]
PAGEFIND_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><link rel="stylesheet" href="/pagefind/pagefind-ui.css"></head>
<body><div id="search"></div><script src="/pagefind/pagefind-ui.js"></script>
<script>window.ui = new PagefindUI({element: "#search", showSubResults: true, showImages: false});</script>
</body></html>
"""


def index_build_seconds(config) -> float:
    articles, _ = load_articles(config, "content")
    index = index_site(config, articles)
    rendered = render_bodies(index.articles, BuildState())
    docs = search_docs(index, rendered, Urls(config.base_path))
    times = []
    for _ in range(3):
        started = time.perf_counter()
        search_files(docs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def index_size(out: Path) -> str:
    files = [p for p in (out / DATA_DIR).rglob("*.json")]
    shards = [p.stat().st_size for p in files if p.parent.name == "t"]
    docs = [p.stat().st_size for p in files if p.parent.name == "d"]
    return (f"{len(files)} files, {sum(p.stat().st_size for p in files) / 1e3:.0f} KB: "
            f"{len(shards)} bigram shards ({sum(shards) / 1e3:.0f} KB, largest {max(shards) / 1e3:.1f} KB), "
            f"{len(docs)} article records ({sum(docs) / 1e3:.0f} KB)")


def first_query_bytes(browser, origin: str, query: str, how: str, article: str = "") -> tuple[int, int]:
    """(bytes, requests) the first `query` fetches: `how` is "page", "header" or "pagefind"."""
    ctx = browser.new_context()
    page = ctx.new_page()
    seen: list = []
    counting = {"on": how == "page"}

    def done(request):
        if counting["on"] and request.resource_type != "document":
            seen.append((request.url, request.sizes()["responseBodySize"]))

    page.on("requestfinished", done)
    try:
        if how == "page":
            page.goto(f"{origin}/search/")
            page.locator("#search-input").type(query)
            page.wait_for_function("""() =>
                !document.getElementById('search-results').hasAttribute('aria-busy')
                && document.getElementById('search-status').textContent.trim() !== ''""")
        elif how == "header":
            page.goto(origin + article)
            counting["on"] = True
            page.locator(".search-box input").click()
            page.keyboard.type(query)
            page.wait_for_function("""() =>
                !document.getElementById('search-drop').hasAttribute('aria-busy')
                && document.getElementById('search-drop-status').textContent.trim() !== ''""")
        else:
            counting["on"] = True
            page.goto(f"{origin}/pf.html")
            page.evaluate("q => ui.triggerSearch(q)", query)
            # Its message says how many it found (it finds nothing for 滑动窗口).
            page.wait_for_selector(".pagefind-ui__message", timeout=10_000)
            page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)
    finally:
        ctx.close()
    # Only search's own files: an article page may still be fetching MathJax fonts.
    # (/assets/search: search-index.js and search.js.)
    ours = ("/pagefind/",) if how == "pagefind" else ("/assets/search", "/search/data/")
    seen = [s for s in seen if any(part in s[0] for part in ours)]
    return sum(size for _, size in seen), len(seen)


def measure(browser, name: str, out: Path, config, peer: bool) -> None:
    print(f"== {name}: {index_size(out)}; index built in {index_build_seconds(config) * 1e3:.0f} ms")
    article = "/articles/" + sorted(p.name for p in (out / "articles").iterdir())[0] + "/"
    with serve(out) as origin:
        rows = []
        for query in QUERIES:
            row = [first_query_bytes(browser, origin, query, "page"),
                   first_query_bytes(browser, origin, query, "header", article)]
            if peer:
                row.append(first_query_bytes(browser, origin, query, "pagefind"))
            rows.append(row)
            cells = "  ".join(f"{b / 1e3:6.1f} KB in {n:2d} requests" for b, n in row)
            print(f"  {query:<10} {cells}")
        worst = [max(r[i][0] for r in rows) / 1e3 for i in range(len(rows[0]))]
        print("  (columns: /search/ page incl. its scripts; header box on an article page"
              + ("; Pagefind UI" if peer else "") + ")")
        print("  worst first query: " + ", ".join(f"{w:.1f} KB" for w in worst)
              + (" — goal <= 182 KB" if peer else ""))


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10000]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with tempfile.TemporaryDirectory() as tmp:
            real = load_config(ROOT / "site.yaml")
            out = Path(tmp) / "real"
            build(real, out)
            pagefind(out)
            shutil.rmtree(out / "pagefind" / "playground", ignore_errors=True)
            (out / "pf.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
            measure(browser, f"real site, {len(list(real.content_dir.glob('*.md')))} articles", out, real,
                    peer=True)
            for n in sizes:
                folder = Path(tmp) / f"n{n}"
                content = make_site(folder, n)
                config = dataclasses.replace(real, content_dir=content, output_dir=folder / "public")
                started = time.perf_counter()
                build(config)
                print(f"(full build of {n} articles: {time.perf_counter() - started:.1f} s)")
                measure(browser, f"{n} articles", config.output_dir, config, peer=False)
        browser.close()


if __name__ == "__main__":
    main()
