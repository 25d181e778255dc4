"""The reading experience in real Chromium, at 390 px and 1280 px, light and dark:
axe-core on every page kind, the header and first screen on a phone, the theme
toggle (kept across a reload, no flash, off without JS) and the print stylesheet.

Screenshots of every page kind go to test-artifacts/ (git-ignored) for a person
to look at. One browser and one built site serve the whole module.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, copy_corpus
from siteprobe import build_site, serve

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# WCAG 2.2 AA (which includes 24 px targets) plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX = 120
THEME_KEY = "feedsite-theme"
RESULT = "#search-results .result-link"


# The real notes hold no code in a named language: one article gets a block, one of its
# lines wider than a phone, so highlighted code is read (and checked) as well.
CODE_ARTICLE = "11-sheng-zui-duo-shui-de-rong-qi"
CODE = ("```python\ndef max_area(height):\n    left, right, best = 0, len(height) - 1, 0\n"
        "    while left < right:\n        best = max(best, min(height[left], height[right]) * (right - left))"
        "  # 面积取两边较短者\n        if height[left] < height[right]:\n            left += 1\n"
        "        else:\n            right -= 1\n    return best\n```\n")


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    root = copy_corpus(tmp_path_factory.mktemp("reading"))
    article = root / "content" / f"{CODE_ARTICLE}.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n" + CODE, encoding="utf-8")
    build_site(root / "site.yaml", root / "public")
    return root / "public"


@pytest.fixture(scope="module")
def site(site_dir):
    with serve(site_dir, not_found=site_dir / "404.html") as origin:
        yield origin


def first_page(folder: Path, keep=lambda html: True) -> str:
    """URL path of the first built page under `folder` whose HTML passes `keep`."""
    for index in sorted(folder.glob("*/index.html")):
        if keep(index.read_text(encoding="utf-8")):
            return f"/{index.parent.relative_to(folder.parent).as_posix()}/"
    raise AssertionError(f"no such page under {folder}")


def has_math(html: str) -> bool:
    """Math typeset in the browser (spans for MathJax) or at build time (mjx-container)."""
    return 'class="math math-' in html or "<mjx-container" in html


@pytest.fixture(scope="module")
def kinds(site_dir) -> dict[str, str]:
    """One URL per page kind, found by what the built pages hold, not by slug."""
    return {
        "home": "/",
        "topics": "/topics/",
        "topic": first_page(site_dir / "topics"),
        "tags": "/tags/",
        "tag": first_page(site_dir / "tags"),
        "article": first_page(site_dir / "articles", lambda h: not has_math(h)),
        "article-math": first_page(site_dir / "articles", has_math),
        "article-lost": first_page(site_dir / "articles", lambda h: 'class="lost-formula"' in h
                                   and 'id="cut"' in h),
        "article-code": f"/articles/{CODE_ARTICLE}/",
        "search": "/search/?q=扩散",
        "404": "/no/such/page/",
    }


def context_for(browser, viewport: dict, scheme: str, **extra):
    phone = viewport["width"] < 600
    ctx = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=phone, has_touch=phone,
                              **extra)
    ctx.set_default_timeout(15_000)
    return ctx


def settle(page, url: str) -> None:
    """Load `url` and wait for what fills it in after load: search results, math fonts."""
    page.goto(url, wait_until="load")
    if "/search/" in url:
        page.wait_for_selector(RESULT)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))""",
                          AXE_TAGS)
    return [f"{v['id']}: {', '.join(v['nodes'][:5])}" for v in found]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_kind_passes_axe_and_fits(browser, site, kinds, viewport, scheme):
    assert AXE.is_file(), "axe-core is not installed; `make test` runs npm ci"
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = context_for(browser, viewport, scheme)
    problems = []
    try:
        page = ctx.new_page()
        for kind, path in kinds.items():
            settle(page, site + path)
            problems += [f"{kind} {path}: {v}" for v in axe_violations(page)]
            box = page.evaluate("""() => ({
                header: document.querySelector('.site-header').getBoundingClientRect().height,
                scroll: document.documentElement.scrollWidth, width: innerWidth,
                text: (document.querySelector('.article .body p') || {getBoundingClientRect: () => null})
                    .getBoundingClientRect()})""")
            if box["scroll"] > box["width"]:
                problems.append(f"{kind}: overflows sideways ({box['scroll']} > {box['width']})")
            # Cards side by side are as tall as each other (a topic name that wraps made
            # its card taller than its neighbours).
            rows = page.eval_on_selector_all(".topic-grid a", """cards => {
                const rows = {};
                for (const c of cards) { const r = c.getBoundingClientRect();
                  (rows[Math.round(r.top)] = rows[Math.round(r.top)] || []).push(Math.round(r.height)); }
                return Object.values(rows); }""")
            problems += [f"{kind}: topic cards in one row of heights {row}" for row in rows
                         if max(row) - min(row) > 1]
            if viewport is PHONE:
                if box["header"] > HEADER_MAX:
                    problems.append(f"{kind}: header {box['header']:.0f} px tall at 390 px")
                if kind.startswith("article") and box["text"]["top"] >= viewport["height"]:
                    problems.append(f"{kind}: text starts at y={box['text']['top']:.0f}, below the first screen")
            page.screenshot(path=str(ARTIFACTS / f"{kind}-{viewport['width']}-{scheme}.png"), full_page=True)
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighted_code_keeps_its_lines_and_colours_on_a_phone(browser, site, scheme):
    """Code in a named language scrolls rather than wraps (its indentation is meaning), can
    be reached from the keyboard, and its keywords, strings and comments are coloured."""
    ctx = context_for(browser, PHONE, scheme)
    try:
        page = ctx.new_page()
        settle(page, f"{site}/articles/{CODE_ARTICLE}/")
        block = page.evaluate("""() => {
            const pre = document.querySelector('.highlight pre');
            const colour = sel => getComputedStyle(pre.querySelector(sel)).color;
            const style = getComputedStyle(pre);
            const inner = pre.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
            return {lines: inner / parseFloat(style.lineHeight),
                    scrolls: pre.scrollWidth > pre.clientWidth, focusable: pre.tabIndex === 0,
                    text: style.color, keyword: colour('.k'), number: colour('.mi'),
                    comment: colour('.c1')}; }""")
        assert block["scrolls"] and block["focusable"], block
        assert round(block["lines"]) == CODE.count("\n") - 2, block  # the code's lines, none wrapped
        assert len({block["text"], block["keyword"], block["number"], block["comment"]}) == 4, block
    finally:
        ctx.close()


def test_every_article_starts_its_text_in_the_first_phone_screen(browser, site, site_dir):
    ctx = context_for(browser, PHONE, "light")
    late = []
    try:
        page = ctx.new_page()
        articles = sorted(site_dir.glob("articles/*/index.html"))
        assert len(articles) >= 40
        for index in articles:
            page.goto(f"{site}/articles/{index.parent.name}/", wait_until="load")
            top = page.evaluate("() => document.querySelector('.article .body > *').getBoundingClientRect().top")
            if top > PHONE["height"] - 3 * 16 * 1.8:  # room for three lines of text
                late.append(f"{index.parent.name}: text starts at y={top:.0f}")
    finally:
        ctx.close()
    assert not late, "\n".join(late)


# --- the theme toggle -------------------------------------------------------------------

# Recorded from the first moment of every document: the theme <html> carries when the
# first stylesheet arrives, and its background on DOMContentLoaded and the first frame.
PAINT_PROBE = """
window.__paint = {};
new MutationObserver((records, observer) => {
  if (document.querySelector('link[rel=stylesheet]')) {
    window.__paint.atStylesheet = document.documentElement.getAttribute('data-theme');
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
const bg = () => getComputedStyle(document.documentElement).backgroundColor;
requestAnimationFrame(() => { window.__paint.firstFrame = bg(); });
document.addEventListener('DOMContentLoaded', () => { window.__paint.ready = bg(); });
"""


def is_dark(css_color: str) -> bool:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 128


@pytest.mark.parametrize("system", ["light", "dark"])
def test_toggle_choice_persists_across_reload_without_flash(browser, site, kinds, system):
    other = "dark" if system == "light" else "light"
    ctx = context_for(browser, PHONE, system)
    try:
        ctx.add_init_script(PAINT_PROBE)
        page = ctx.new_page()
        settle(page, site + kinds["article"])
        toggle = page.locator(".theme-toggle")
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-pressed") == ("true" if system == "dark" else "false")
        assert is_dark(page.evaluate("() => __paint.ready")) == (system == "dark")
        toggle.click()
        assert page.evaluate(f"() => localStorage.getItem('{THEME_KEY}')") == other
        assert toggle.get_attribute("aria-pressed") == ("true" if other == "dark" else "false")

        for path in (kinds["article"], kinds["home"]):  # a reload, then another page
            settle(page, site + path)
            paint = page.evaluate("() => __paint")
            assert paint["atStylesheet"] == other, paint  # set before any style applied
            assert is_dark(paint["ready"]) == (other == "dark"), paint
            assert is_dark(paint["firstFrame"]) == (other == "dark"), paint
            assert is_dark(page.evaluate("() => getComputedStyle(document.body).backgroundColor")) \
                == (other == "dark")

        # Choosing what the system shows forgets the choice: the page follows the system again.
        page.locator(".theme-toggle").click()
        assert page.evaluate(f"() => localStorage.getItem('{THEME_KEY}')") is None
        assert page.evaluate("() => document.documentElement.getAttribute('data-theme')") is None
        assert is_dark(page.evaluate("() => getComputedStyle(document.body).backgroundColor")) \
            == (system == "dark")
    finally:
        ctx.close()


# Every custom property the stylesheets set on :root, and its computed value.
ROOT_PROPERTIES = """() => {
  const names = new Set();
  const walk = (rules) => { for (const rule of rules) {
    if (rule.cssRules) walk(rule.cssRules);
    if (rule.style && /:root/.test(rule.selectorText || '')) {
      for (const name of rule.style) if (name.startsWith('--')) names.add(name);
    }
  } };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  const style = getComputedStyle(document.documentElement);
  return Object.fromEntries([...names].sort().map((n) => [n, style.getPropertyValue(n).trim()]));
}"""


def test_dark_chosen_with_the_toggle_is_the_systems_dark(browser, site, kinds):
    """The dark palette is written twice (for the system's preference and for the
    reader's choice): a property missing from one left the selected search result
    light-on-light for a reader who chose dark on a light system."""
    seen = {}
    for system in ("dark", "light"):
        ctx = context_for(browser, DESKTOP, system)
        try:
            page = ctx.new_page()
            settle(page, site + kinds["article"])
            if system == "light":
                page.locator(".theme-toggle").click()
                assert page.evaluate("() => document.documentElement.getAttribute('data-theme')") == "dark"
            seen[system] = page.evaluate(ROOT_PROPERTIES)
        finally:
            ctx.close()
    assert len(seen["dark"]) >= 20 and {"--hover", "--mark", "--bg"} <= set(seen["dark"])
    differ = {n: (v, seen["light"].get(n)) for n, v in seen["dark"].items() if seen["light"].get(n) != v}
    assert not differ, differ


def test_without_javascript_the_page_follows_the_system(browser, site, kinds):
    ctx = context_for(browser, DESKTOP, "dark", java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site + kinds["article"], wait_until="load")
        background = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
        assert is_dark(background), background
        assert not page.locator(".theme-toggle").is_visible()  # a button that could do nothing
    finally:
        ctx.close()


# --- print ------------------------------------------------------------------------------

def test_print_shows_the_text_and_link_targets_without_navigation(browser, site, kinds, site_dir):
    linked = first_page(site_dir / "articles", lambda h: re.search(r'<div class="body">.*?<a href="http', h, re.S))
    ctx = context_for(browser, DESKTOP, "dark")
    try:
        page = ctx.new_page()
        settle(page, site + linked)
        page.emulate_media(media="print")
        shown = page.evaluate("""() => Object.fromEntries(
            ['.site-header', '.topics', '.site-footer', '.breadcrumb', '.theme-toggle', '.pager', 'h1', '.body']
            .map(s => [s, [...document.querySelectorAll(s)].some(e => e.getClientRects().length > 0)]))""")
        assert shown == {".site-header": False, ".topics": False, ".site-footer": False, ".breadcrumb": False,
                         ".theme-toggle": False, ".pager": False, "h1": True, ".body": True}, shown
        link = page.locator('.body a[href^="http"]').first
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert link.get_attribute("href") in after, after
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert not is_dark(background), f"prints on a dark background: {background}"
    finally:
        ctx.close()


def test_artifacts_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "test-artifacts/" in ignored
