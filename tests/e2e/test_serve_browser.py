"""An edit under `feedsite serve` reloads the open page in real Chromium, by itself, fast."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from conftest import copy_corpus
from siteprobe import CHROMIUM
from siteprobe import CHROMIUM_ARGS as ARGS

from feedsite.serve.overlay import OVERLAY_ID

ARTICLE = "11-sheng-zui-duo-shui-de-rong-qi"
BOUND_MS = 5000  # the reload must come within this; bench/reload_speed.py measures the 1 s goal

pytestmark = pytest.mark.browser


@contextmanager
def running(tmp_path, *args):
    copy_corpus(tmp_path)
    out = tmp_path / "serve.out"
    with open(out, "wb") as stdout, open(tmp_path / "serve.err", "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "feedsite", "serve", "--port", "0",
                                 "--config", "site.yaml", *args],
                                cwd=tmp_path, stdout=stdout, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"serving (http://127\.0\.0\.1:\d+/)", out.read_text())):
            assert proc.poll() is None, (tmp_path / "serve.err").read_text()
            assert time.monotonic() < deadline, "serve printed no URL"
            time.sleep(0.05)
        yield tmp_path, found.group(1), proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def server(tmp_path):
    # The search index plays no part here; skipping it shows the page reload alone.
    with running(tmp_path, "--no-search") as found:
        yield found


def test_edit_reloads_the_open_page_by_itself(server):
    from playwright.sync_api import sync_playwright

    root, url, proc = server
    path = root / "content" / f"{ARTICLE}.md"
    text = path.read_text(encoding="utf-8")
    hosts = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname))
            page.on("websocket", lambda ws: hosts.add(urlsplit(ws.url).hostname))
            page.goto(url + f"articles/{ARTICLE}/")
            latencies, first_edit = [], None
            for n in range(2):
                if first_edit is not None:  # livereload alone would drop an edit 1.5 s later
                    time.sleep(max(0.0, first_edit + 1.5 - time.perf_counter()))
                marker = f"browser-reload-marker-{n}"
                # Connected: livereload.js has had the server's hello and sent its info.
                page.wait_for_function("() => window.LiveReload && LiveReload.connector.protocol",
                                       timeout=BOUND_MS)
                page.evaluate("window.__notReloaded = true")
                started = time.perf_counter()
                first_edit = first_edit or started
                path.write_text(text + f"\n\n{marker}\n", encoding="utf-8")
                page.get_by_text(marker).wait_for(timeout=BOUND_MS)
                latencies.append(time.perf_counter() - started)
                assert page.evaluate("window.__notReloaded") is None  # a real reload, not a patch
            # A broken edit lays an overlay naming file:line over the last good article, styled
            # as usual; the fix reloads the page without it.
            page.wait_for_function("() => window.LiveReload && LiveReload.connector.protocol")
            line = text.split("\n").index("topic: algorithms") + 1
            path.write_text(text.replace("topic: algorithms", "topic: nowhere", 1), encoding="utf-8")
            overlay = page.locator(f"#{OVERLAY_ID}")
            overlay.get_by_text(f"content/{ARTICLE}.md:{line}: error: unknown topic").wait_for(
                timeout=BOUND_MS)
            assert page.locator("h1", has_text="盛最多水的容器").is_visible()
            assert page.evaluate("[...document.styleSheets].some(s => s.href && new URL(s.href)"
                                 ".pathname.endsWith('/assets/style.css') && s.cssRules.length > 0)")
            page.wait_for_function("() => window.LiveReload && LiveReload.connector.protocol")
            path.write_text(text, encoding="utf-8")
            overlay.wait_for(state="detached", timeout=BOUND_MS)
            page.locator("h1", has_text="盛最多水的容器").wait_for(timeout=BOUND_MS)
            # Stopping with a browser still connected is clean and quick.
            proc.terminate()
            assert proc.wait(10) == 0
            assert "Traceback" not in (root / "serve.err").read_text()
        finally:
            browser.close()
    print(f"\nedit -> visible in Chromium: {latencies[0]:.3f} s, then {latencies[1]:.3f} s "
          f"for an edit 1.5 s later; hosts contacted: {sorted(hosts)}")
    assert hosts == {"127.0.0.1"}
    assert all(t < BOUND_MS / 1000 for t in latencies), latencies


def test_search_follows_edits(tmp_path):
    """Search on the open page finds an article by the words an edit gave it."""
    from playwright.sync_api import sync_playwright

    new_words = "量子退火调度"
    with running(tmp_path) as (root, url, proc), sync_playwright() as p:
        path = root / "content" / f"{ARTICLE}.md"
        text = path.read_text(encoding="utf-8")
        assert new_words not in text
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(url + "search/")
            page.locator("#search-input").type(new_words)
            page.get_by_text(f"没有找到包含“{new_words}”的文章").wait_for(timeout=BOUND_MS)
            page.wait_for_function("() => window.LiveReload && LiveReload.connector.protocol",
                                   timeout=BOUND_MS)
            path.write_text(text + f"\n\n新的一段讲{new_words}。\n", encoding="utf-8")
            # The page reloads, keeps its ?q= and searches the rebuilt index.
            page.locator(f'#search-results a[href="/articles/{ARTICLE}/"]').wait_for(timeout=BOUND_MS)
            assert page.locator("#search-results mark", has_text=new_words).count() == 1
        finally:
            browser.close()
