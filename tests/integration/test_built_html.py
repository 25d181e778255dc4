"""The built real site as outside tools and crawlers see it: the W3C checker (vnu)
finds no error, every page has its own description with OpenGraph and Twitter
meta, the 404 page is noindex, and every stylesheet and script URL carries the
hash of the bytes it serves, which `feedsite check` still resolves."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from siteprobe import build_copy

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ASSET = re.compile(r'(?:href|src)="(/assets/[^"?]+)\?v=([0-9a-f]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("html"))


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html")) if "pagefind" not in p.relative_to(site).parts}


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a.get("property"), a.get("content") or "")
        if tag == "link" and a.get("rel"):
            self.links.setdefault(a["rel"], a.get("href") or "")


def head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


def test_the_w3c_checker_finds_no_error(site):
    java = shutil.which("java")
    if not java or not VNU.is_file():
        pytest.skip("vnu needs Java and node_modules/vnu-jar; `make test` installs both")
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", str(site)],
                          capture_output=True, text=True, timeout=600)
    assert len(pages(site)) > 50
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[:4000]


def test_every_page_has_its_own_description_and_social_meta(site):
    seen: dict[str, str] = {}
    for rel, html in pages(site).items():
        h = head(html)
        description = h.meta.get("description", "")
        assert description, f"{rel}: no description"
        assert description not in seen, f"{rel} repeats the description of {seen.get(description)}"
        seen[description] = rel
        for key in ("og:title", "og:description", "og:type", "og:site_name", "og:locale",
                    "twitter:card", "twitter:title", "twitter:description"):
            assert h.meta.get(key), f"{rel}: no {key}"
        assert h.meta["og:description"] == h.meta["twitter:description"] == description
        expected_type = "article" if rel.startswith("articles/") else "website"
        assert h.meta["og:type"] == expected_type, rel
        if rel == "404.html":
            assert h.meta.get("robots") == "noindex" and "canonical" not in h.links
            assert "og:url" not in h.meta
        else:
            assert "robots" not in h.meta, rel
            assert h.links["canonical"] == h.meta["og:url"]
            assert urlsplit(h.links["canonical"]).path == "/" + rel.removesuffix("index.html")


def test_sitemap_lists_indexable_pages_only(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = {urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    assert "/search/" not in locs and "/404.html" not in locs and "/topics/" in locs
    indexable = {"/" + rel.removesuffix("index.html") for rel in pages(site)} - {"/search/", "/404.html"}
    assert locs == indexable
    assert "<lastmod>" not in sitemap  # the collection has no dates: none is made up


def test_asset_urls_carry_the_hash_of_what_they_serve(site):
    found = set()
    for rel, html in pages(site).items():
        assert not re.search(r'(?:href|src)="/assets/[^"?]+"', html), f"{rel}: an asset URL without hash"
        for path, digest in ASSET.findall(html):
            served = (site / path.lstrip("/")).read_bytes()
            assert hashlib.sha256(served).hexdigest().startswith(digest), (rel, path)
            found.add(path)
    assert {"/assets/style.css", "/assets/theme.js", "/assets/favicon.svg", "/assets/search.js",
            "/assets/search-index.js"} <= found
    check = subprocess.run([sys.executable, "-m", "feedsite", "check", "--out", str(site)],
                           cwd=site.parent, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_changed_stylesheet_changes_its_url(tmp_path):
    first = build_copy(tmp_path / "a")
    theme = tmp_path / "b" / "templates" / "static"
    theme.mkdir(parents=True)
    (theme / "style.css").write_bytes((first / "assets" / "style.css").read_bytes() + b"\n/* v2 */\n")
    second = build_copy(tmp_path / "b")
    url = lambda out: ASSET.search((out / "index.html").read_text(encoding="utf-8").split(
        'rel="stylesheet"', 1)[1]).group(0)
    assert url(first) != url(second)
    assert (second / "assets" / "style.css").read_bytes().endswith(b"/* v2 */\n")
