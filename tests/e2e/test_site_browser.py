"""The built site in real Chromium: clean loads, typeset math (with no MathJax
script), page weight, tag cloud, XSS safety, mobile and dark layouts,
and a subpath deployment.

Every HTML page of the real site is visited once (the `visited` fixture); the
tests below then assert different things about those visits.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import CONTENT, ROOT, copy_corpus
from siteprobe import Tab, build_copy, build_site, opened, serve

pytestmark = pytest.mark.browser

# Results on /search/ appear once their articles' data has loaded.
RESULT = "#search-results .result-link"
FONTS = "/assets/mathjax/fonts/"
ARTIFACTS = ROOT / "test-artifacts"  # git-ignored: screenshots for a person to look at
MAX_JS, MAX_BYTES = 30_000, 250_000  # per math article, fonts included
# TeX a reader must never see: a delimiter, or a control word such as \frac.
RAW_TEX = r"/\\[()[\]]|\\[a-zA-Z]+/g"


# --- fixtures (here, not in tests/e2e/conftest.py: the unit tests do `from conftest
# import ...`, and a second top-level `conftest` module would shadow tests/conftest.py)

@pytest.fixture(scope="module")
def context(browser):
    """One shared desktop context (light scheme) for tests that do not need their own."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    """The real collection's site, built once from its frozen content/ and site.yaml."""
    root = copy_corpus(tmp_path_factory.mktemp("site"))
    out = root / "public"
    build_site(root / "site.yaml", out)
    return out


@pytest.fixture(scope="module")
def site(site_dir):
    """Origin (`http://127.0.0.1:N`) of the real site, served from its folder."""
    with serve(site_dir, not_found=site_dir / "404.html") as origin:
        yield origin


def page_urls(site_dir: Path) -> list[str]:
    """URL paths of every HTML page in a built site."""
    urls = ["/404.html"]
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir)
        urls.append("/" if not rel.parts else f"/{rel.as_posix()}/")
    return urls


def sources() -> dict[str, dict]:
    """slug -> {title, tags, formulas} for every content/*.md, read from the source."""
    from feedsite import frontmatter
    from feedsite.spans import count_formulas

    out = {}
    for path in sorted(CONTENT.glob("*.md")):
        fields, split = frontmatter.parse(path.read_text(encoding="utf-8"))
        out[fields.get("slug") or path.stem] = {
            "title": fields["title"], "tags": fields.get("tags") or [],
            "formulas": count_formulas(split.body)}
    return out


def luminance(css_color: str) -> float:
    """Relative luminance (0 black .. 1 white) of a computed `rgb(...)` colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def math_articles() -> list[str]:
    return [slug for slug, s in sources().items() if s["formulas"]]


@pytest.fixture(scope="module")
def visited(context, site, site_dir) -> dict[str, dict]:
    """Load every page once: url path -> {log, body, mjx, merror, raw}."""
    out = {}
    tab = Tab(context)
    try:
        for path in page_urls(site_dir):
            log = tab.visit(site + path)
            counts = tab.page.evaluate(f"""() => ({{
                body: document.querySelectorAll('.article .body mjx-container').length,
                mjx: document.querySelectorAll('mjx-container').length,
                merror: document.querySelectorAll('mjx-merror').length,
                raw: document.body.innerText.match({RAW_TEX}) || []}})""")
            out[path] = {"log": log, **counts}
    finally:
        tab.close()
    return out


# --- every page -----------------------------------------------------------------------

def test_every_page_loads_cleanly_and_offline(visited, site_dir):
    assert len(visited) >= 50, f"only {len(visited)} pages found in {site_dir}"
    assert {"/", "/tags/", "/search/", "/404.html"} <= set(visited)
    problems = [f"{path}: {p}" for path, v in visited.items() for p in v["log"].problems]
    assert not problems, "\n".join(problems)


def test_every_formula_shows_typeset_with_no_error_nor_raw_tex(visited):
    src = sources()
    articles = {p: v for p, v in visited.items() if p.startswith("/articles/")}
    assert {f"/articles/{slug}/" for slug in src} == set(articles)
    wrong = [f"{slug}: {articles[f'/articles/{slug}/']['body']} mjx-container, "
             f"source has {s['formulas']} formulas"
             for slug, s in src.items() if articles[f"/articles/{slug}/"]["body"] != s["formulas"]]
    assert not wrong, "\n".join(wrong)
    errors = [f"{p}: {v['merror']} mjx-merror" for p, v in visited.items() if v["merror"]]
    assert not errors, "\n".join(errors)
    raw = {slug: articles[f"/articles/{slug}/"]["raw"] for slug in math_articles()}
    assert len(raw) == 8 and not any(raw.values()), raw
    assert sum(v["body"] for v in articles.values()) == sum(s["formulas"] for s in src.values())


def test_no_page_runs_mathjax_and_fonts_come_only_with_math(visited):
    scripts = [u for v in visited.values() for u in v["log"].requests
               if "mathjax" in u.lower() and not u.endswith(".woff")]
    assert scripts == []
    for path, v in visited.items():
        fonts = [u for u in v["log"].requests if u.endswith((".woff", ".woff2"))]
        assert all(FONTS in u for u in fonts), (path, fonts)
        if not v["mjx"]:
            assert not fonts, f"{path} shows no formula but loads {fonts}"
    assert any(v["mjx"] and not v["body"] for v in visited.values()), "no card shows a formula"


def test_math_articles_are_light(browser, site):
    """Each math article, loaded with an empty cache: at most 30 KB of script and
    250 KB in all, fonts included, and the fonts it uses come from the site."""
    weights = {}
    for slug in math_articles():
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            responses = []
            page = ctx.new_page()
            page.on("requestfinished", lambda r, got=responses: got.append(r))
            page.goto(f"{site}/articles/{slug}/", wait_until="load")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            page.wait_for_load_state("networkidle")
            sizes = [(r, r.sizes()) for r in responses]
            total = sum(z["responseBodySize"] + z["responseHeadersSize"] for _, z in sizes)
            js = sum(z["responseBodySize"] for r, z in sizes if r.resource_type == "script")
            fonts = [r.url for r in responses if r.resource_type == "font"]
            weights[slug] = (total, js, len(fonts))
            assert fonts and all(FONTS in u for u in fonts), (slug, fonts)
        finally:
            ctx.close()
    print("\nmath articles, bytes in all / of script / fonts: "
          + "; ".join(f"{s[:20]} {t} / {j} / {n}" for s, (t, j, n) in weights.items()))
    assert all(js <= MAX_JS for _, js, _ in weights.values()), weights
    assert all(total <= MAX_BYTES for total, _, _ in weights.values()), weights


# --- tag cloud ------------------------------------------------------------------------

def test_tag_cloud_sizes_by_count_and_sorts_by_pinyin(context, site):
    from pypinyin import lazy_pinyin

    with opened(context, f"{site}/tags/") as (page, log):
        tags = page.eval_on_selector_all(".cloud a", """links => links.map(a => ({
            name: a.firstChild.textContent.trim(),
            count: parseInt(a.querySelector('.count').textContent, 10),
            size: parseFloat(getComputedStyle(a).fontSize)}))""")
    assert not log.problems, log.problems
    assert len(tags) > 5
    biggest = max(tags, key=lambda t: t["count"])
    single = next(t for t in tags if t["count"] == 1)
    assert biggest["count"] > 1
    assert biggest["size"] > single["size"], (biggest, single)
    for a in tags:  # more articles never means a smaller font
        for b in tags:
            assert not (a["count"] > b["count"] and a["size"] < b["size"]), (a, b)
    names = [t["name"] for t in tags]
    assert names == sorted(names, key=lambda n: ([s.lower() for s in lazy_pinyin(n)], n))


# Search has its own module, test_search_browser.py.


# --- mobile and dark ------------------------------------------------------------------

def most_math_article() -> str:
    src = sources()
    return max(src, key=lambda s: src[s]["formulas"])


# Per display formula on a page: does its box scroll, does the box say so, and
# is each equation number inside the visible part of the box?
DISPLAY_JS = """() => [...document.querySelectorAll('.article .body .math-display')].map(box => {
    const b = box.getBoundingClientRect();
    return {
        scrolls: box.scrollWidth > box.clientWidth + 1,
        overflowX: getComputedStyle(box).overflowX,
        cue: getComputedStyle(box).backgroundImage,
        tags: [...box.querySelectorAll('mjx-labels mjx-mtd')].map(t => {
            const r = t.getBoundingClientRect();
            return {left: r.left, right: r.right, box: [b.left, b.right],\n                    inside: r.left >= b.left - 1 && r.right <= b.right + 1};
        }),
    };
})"""
CONTRAST_JS = """() => [getComputedStyle(document.querySelector('.article .body mjx-container')).color,
                   getComputedStyle(document.body).backgroundColor]"""


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_layout_of_every_math_article(browser, site, scheme):
    """At 390 px: no page scrolls sideways, a wide display formula scrolls in its
    own box with a visible cue, equation numbers stay in view, formulas are
    legible on the scheme's background. Screenshots go to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    boxes = []
    try:
        pages = [("home", "/"), ("tags", "/tags/")] + [(s, f"/articles/{s}/") for s in math_articles()]
        for name, path in pages:
            with opened(ctx, site + path) as (page, log):
                assert not log.problems, log.problems
                width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                assert width[0] <= width[1], f"{path} overflows horizontally: {width}"
                background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
                page.screenshot(path=str(ARTIFACTS / f"390-{scheme}-{name}.png"), full_page=True)
                if path.startswith("/articles/"):
                    boxes += page.evaluate(DISPLAY_JS)
                    color, bg = page.evaluate(CONTRAST_JS)
                    assert contrast(color, bg) >= 7, (path, color, bg)
            if scheme == "dark":
                assert luminance(background) < 0.3, f"{path}: dark scheme background {background}"
            else:
                assert luminance(background) > 0.7, f"{path}: light scheme background {background}"
    finally:
        ctx.close()
    wide = [b for b in boxes if b["scrolls"]]
    assert wide, "no display formula is wider than a phone: the scrolling checks are vacuous"
    for box in wide:
        assert box["overflowX"] == "auto" and box["cue"].count("gradient(") == 4, box
    tags = [t for b in boxes for t in b["tags"]]
    assert len(tags) == 2, tags  # \tag{1} and \tag{2} of the reparameterization article
    assert all(t["inside"] for t in tags), tags


# --- XSS ------------------------------------------------------------------------------

XSS_SLUG = "xss-probe"
XSS_BODY = """\
Plain prose first. <script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=1"> and <svg onload="window.__pwned=1"></svg>

[click](javascript:window.__pwned=1) [x](JAVASCRIPT:alert(1)) [y]( javascript:alert(1) )
[z](jav&#x09;ascript:alert(1)) ![img](javascript:alert(1)) <javascript:alert(1)>

<a href="javascript:alert(1)">x</a>

<iframe src="javascript:window.__pwned=1"></iframe>

<div onmouseover="window.__pwned=1">raw block html</div>

[ref]: javascript:alert(1)

Reference [link][ref]. Math stays math: \\(a<b>c\\) and \\(<script>window.__pwned=1</script>\\).

`<script>window.__pwned=1</script>` in code.
"""
XSS_FILE = f"""\
---
title: "XSS <script>window.__pwned=1</script> probe"
topic: algorithms
tags: [LeetCode, "<script>window.__pwned=1</script>"]
---
{XSS_BODY}"""

# Every element's on* attributes and every javascript: href/src, in the light DOM.
DANGER_JS = r"""() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const value = attr.value.replace(/[\x00-\x20]/g, '').toLowerCase();
            if (attr.name.toLowerCase().startsWith('on'))
                found.push(`${el.tagName} ${attr.name}=${attr.value}`);
            if (['href', 'src', 'xlink:href'].includes(attr.name.toLowerCase())
                    && value.startsWith('javascript:'))
                found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
    }
    return found;
}"""


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    out = build_copy(tmp_path_factory.mktemp("xss"), extra={f"{XSS_SLUG}.md": XSS_FILE})
    with serve(out, not_found=out / "404.html") as origin:
        yield out, origin


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and re.sub(
                    r"[\x00-\x20]", "", value or "").lower().startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value!r}>")


def dangerous_markup(html: str) -> list[str]:
    """on* attributes and javascript: links in HTML text, as a browser would parse them."""
    parser = _Attrs()
    parser.feed(html)
    return parser.found


def assert_harmless(page, log):
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert not log.dialogs, log.dialogs
    assert page.evaluate(DANGER_JS) == []
    assert not [e for e in log.errors if "pwned" in e or "alert" in e], log.errors


def test_hostile_markdown_cannot_run_script(context, xss_site):
    out, origin = xss_site
    html = (out / "articles" / XSS_SLUG / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html
    assert dangerous_markup(html) == []
    with opened(context, f"{origin}/articles/{XSS_SLUG}/") as (page, log):
        assert page.locator("h1").first.inner_text().startswith("XSS <script>")  # shown as text
        assert page.locator("text=raw block html").count() == 1  # escaped, still visible
        assert_harmless(page, log)
    assert not log.problems, log.problems


def test_hostile_tag_and_title_are_escaped_on_every_listing(context, xss_site):
    out, origin = xss_site
    pages = ["/", "/tags/", "/topics/algorithms/", "/tags/leetcode/"]
    for index in (out / "tags").glob("*/index.html"):
        if "pwned" in index.read_text(encoding="utf-8"):
            pages.append(f"/tags/{index.parent.name}/")
    assert len(pages) > 4, "the hostile tag got no tag page"
    for path in pages:
        assert "<script>window.__pwned" not in (out / path.lstrip("/") / "index.html").read_text(
            encoding="utf-8"), path
        with opened(context, origin + path) as (page, log):
            assert_harmless(page, log)
            assert not log.problems, (path, log.problems)


def test_hostile_page_in_search_results_is_harmless(context, xss_site):
    _, origin = xss_site
    with opened(context, f"{origin}/search/?q=probe") as (page, log):
        page.wait_for_selector(RESULT, timeout=10_000)
        page.wait_for_timeout(300)  # let the excerpts render
        assert_harmless(page, log)
        assert not log.problems, log.problems


def test_math_cannot_smuggle_links_or_requests(browser, tmp_path):
    """TeX reaches MathJax verbatim at build time, with its `html` extension for
    \\href, \\style and \\class: a formula must still not become a live
    javascript: link or fetch something from another host."""
    body = ("---\ntitle: href probe\ntopic: algorithms\ntags: [LeetCode]\n---\n"
            "Click \\(\\href{javascript:window.__pwned=1}{x^2}\\) and "
            "\\(\\style{background:url(http://192.0.2.1/t.png)}{y}\\).\n")
    out = build_copy(tmp_path / "src", extra={"href-probe.md": body})
    ctx = browser.new_context()
    found = []
    try:
        with serve(out) as origin, opened(ctx, f"{origin}/articles/href-probe/") as (page, log):
            assert page.locator(".article .body mjx-container").count() == 2
            found += [f"javascript: link in math: {h}" for h in page.eval_on_selector_all(
                "mjx-container a[href]", "as => as.map(a => a.getAttribute('href'))")
                if h.strip().lower().startswith("javascript:")]
            for link in page.locator("mjx-container a[href]").all():
                link.click(no_wait_after=True)
            page.wait_for_timeout(200)
            if page.evaluate("() => typeof window.__pwned") != "undefined":
                found.append("clicking the formula ran window.__pwned=1")
            found += [f"formula made a request to {u}" for u in log.foreign]
    finally:
        ctx.close()
    assert not found, "\n".join(found)


def test_missing_page_gets_the_404_page(context, site):
    with opened(context, f"{site}/no/such/page/") as (page, log):
        assert page.locator("h1").inner_text() == "页面不存在"
        assert page.evaluate("() => getComputedStyle(document.body).fontFamily") != ""
        links = page.eval_on_selector_all("main a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert links == ["/", "/tags/", "/search/"], links
    # The document itself is the only failure; its stylesheet loads.
    assert [f for f in log.failed if "/no/such/page/" not in f] == [], log.failed
    assert any(urlsplit(u).path.endswith("/assets/style.css") for u in log.requests)


# --- subpath --------------------------------------------------------------------------

def test_site_works_under_a_subpath(context, tmp_path_factory):
    parent = tmp_path_factory.mktemp("subpath") / "www"
    out = build_copy(parent.parent / "src", base_url="https://example.org/notes/", out=parent / "notes")
    article = most_math_article()
    tag = sorted(p.parent.name for p in (out / "tags").glob("*/index.html"))[0]
    with serve(parent, not_found=out / "404.html") as origin:
        for path in ["/notes/", f"/notes/articles/{article}/", "/notes/tags/", f"/notes/tags/{tag}/",
                     "/notes/search/?q=扩散", "/notes/404.html"]:
            with opened(context, origin + path) as (page, log):
                if "search" in path:
                    page.wait_for_selector(RESULT, timeout=10_000)
                hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
                mjx = page.locator(".article .body mjx-container").count()
                fonts = [u for u in log.requests if u.endswith(".woff")]
                merror = page.locator("mjx-merror").count()
            assert not log.problems, (path, log.problems)
            bad = [h for h in hrefs if not h.startswith(("/notes/", "#", "http"))]
            assert not bad, (path, bad)
            if "articles" in path:
                assert mjx == sources()[article]["formulas"] > 0 and merror == 0, (mjx, merror)
                assert fonts and all("/notes/assets/mathjax/fonts/" in u for u in fonts), fonts
            if "search" in path:
                assert any(h.startswith("/notes/articles/") for h in hrefs), hrefs
