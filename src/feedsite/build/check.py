"""Crawl a built site and list every internal link, asset or #anchor that does
not resolve, as `public/x/index.html:12: error: …`."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import SourceError

_LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("source", "src"), ("form", "action")}


class _PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if (tag, name) in _LINK_ATTRS and value is not None:
                self.links.append((self.getpos()[0], value))


def _target_file(root: Path, path: str) -> Path | None:
    candidate = root / path.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site(out_dir: Path, base_path: str = "/", shown_as: str | None = None) -> list[SourceError]:
    """Every unresolved internal link of the site in `out_dir`; problems name the
    folder as `shown_as` (a build checks its staging folder before swapping it in)."""
    root = out_dir.resolve()
    if not root.is_dir():
        return [SourceError(str(out_dir), 0, "no built site here; run `feedsite build` first")]
    scans: dict[Path, _PageScan] = {}
    for page in sorted(root.rglob("*.html")):
        scan = _PageScan()
        scan.feed(page.read_text(encoding="utf-8"))
        scans[page] = scan
    problems = []
    for page, scan in scans.items():
        shown = f"{shown_as or out_dir}/{page.relative_to(root)}"
        page_url = base_path + str(page.relative_to(root)).removesuffix("index.html")
        for line, link in scan.links:
            parts = urlsplit(urljoin(page_url, link))
            if parts.scheme in ("http", "https", "mailto") and not link.startswith(("/", "#")) \
                    or parts.scheme not in ("", "http", "https", "mailto"):
                if parts.scheme not in ("http", "https", "mailto"):
                    problems.append(SourceError(shown, line, f"link with scheme '{parts.scheme}': {link}"))
                continue  # external: not ours to check offline
            path = unquote(parts.path)
            if not path.startswith(base_path):
                problems.append(SourceError(shown, line, f"link outside the site's base path: {link}"))
                continue
            target = _target_file(root, path[len(base_path):])
            if target is None:
                problems.append(SourceError(shown, line, f"broken link: {link}"))
            elif parts.fragment and target.suffix == ".html":
                ids = scans[target].ids if target in scans else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(SourceError(shown, line, f"missing anchor: {link}"))
    return problems
