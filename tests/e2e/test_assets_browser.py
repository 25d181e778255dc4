"""MathJax assets, checked for real: copied files, a headless Chromium
typesetting a tiny site served from 127.0.0.1, and no request ever leaving
that host."""
from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from siteprobe import CHROMIUM, CHROMIUM_ARGS, serve

from feedsite.build.assets import copy_mathjax, mathjax_config_js

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



# ---------------------------------------------------------------- MathJax


MATH_PAGE = r"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>公式</title>
<link rel="icon" href="data:,">
<script src="assets/mathjax-config.js"></script>
<script defer src="assets/mathjax/tex-chtml.js"></script>
</head>
<body class="tex2jax_ignore">
<p>注意力 <span class="math math-inline">\(a_1*b\)</span> 与正文里的 \(x\)，价格 $5 到 $10。</p>
<span class="math math-display">\[\frac{1}{2}\]</span>
</body></html>
"""


@pytest.mark.browser
@needs_chromium
def test_mathjax_typesets_only_math_spans_offline(tmp_path):
    # Served under a sub-path, as a site with a base URL would be.
    site = tmp_path / "notes"
    copy_mathjax(site / "assets" / "mathjax")
    (site / "assets" / "mathjax-config.js").write_text(mathjax_config_js(), encoding="utf-8")
    (site / "index.html").write_text(MATH_PAGE, encoding="utf-8")

    with serve(tmp_path) as base, browser_page() as page:
        page.goto(f"{base}/notes/index.html")
        page.wait_for_function("document.querySelectorAll('mjx-container').length === 2", timeout=20_000)
        assert page.evaluate("document.querySelectorAll('mjx-merror').length") == 0
        assert page.evaluate("document.querySelectorAll('mjx-container[display=\"true\"]').length") == 1
        text = page.evaluate("document.body.innerText")
        assert "\\(x\\)" in text and "$5 到 $10" in text
        # No fontURL is configured: MathJax derives it from the script's own URL.
        assert page.evaluate("MathJax.config.chtml.fontURL") == \
            f"{base}/notes/assets/mathjax/output/chtml/fonts/woff-v2"
        # autoload (\ce -> mhchem) and \require fetch extensions from the copy.
        errors = page.evaluate(r"""MathJax.tex2chtmlPromise('\\ce{H2O} \\require{cancel}\\cancel{x}')
                                   .then(n => n.querySelectorAll('mjx-merror').length)""")
        assert errors == 0
        page.wait_for_load_state("networkidle")

    assert foreign(page.requests) == []
    assert page.errors == []
    fonts = [u for u in page.requests if u.endswith(".woff")]
    assert fonts and all(u.startswith(f"{base}/notes/assets/mathjax/output/chtml/fonts/woff-v2/") for u in fonts)
    assert f"{base}/notes/assets/mathjax/input/tex/extensions/mhchem.js" in page.requests
    assert f"{base}/notes/assets/mathjax/input/tex/extensions/cancel.js" in page.requests
