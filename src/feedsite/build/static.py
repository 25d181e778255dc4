"""The files a built site serves under /assets/, and their versioned URLs.

Every stylesheet and script is linked as `/assets/style.css?v=<hash of its bytes>`,
so a deployed page always asks for the CSS and JS it was built with: a host or
browser cache holding last week's style.css cannot serve it against new HTML.
The hash rides in the query, not the file name, so files keep their paths:
MathJax still finds its fonts next to tex-chtml.js, a site can still override
`static/style.css`, and `feedsite check` and the preview resolve the path alone.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from jinja2 import pass_context

from ..config import SiteConfig
from .render import template_dirs

STATIC_DIR = "static"  # inside a templates folder; copied to assets/
HASH_CHARS = 10


def static_sources(config: SiteConfig) -> dict[str, Path]:
    """assets-relative path -> the file it is copied from; a site's own static
    files override the default theme's."""
    found: dict[str, Path] = {}
    for folder in reversed(template_dirs(config.templates_dir)):
        static = folder / STATIC_DIR
        for path in sorted(static.rglob("*")) if static.is_dir() else []:
            if path.is_file():
                found[path.relative_to(static).as_posix()] = path
    return found


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_CHARS]


def asset_versions(config: SiteConfig) -> dict[str, str]:
    """assets-relative path -> content hash, for every file a page may link: the
    theme's static files. (Math fonts are named by the page's own inline CSS.)"""
    return {name: _short(path.read_bytes()) for name, path in static_sources(config).items()}


@pass_context
def asset_url(context, name: str) -> str:
    """`{{ asset_url('style.css') }}` in a template: the file's URL with its hash.
    A name the site does not have is an error at the template's line."""
    site = context["site"]
    if name not in site["assets"]:
        raise ValueError(f"no asset '{name}' (static files: {', '.join(sorted(site['assets']))})")
    return f"{site['asset_base']}{name}?v={site['assets'][name]}"
