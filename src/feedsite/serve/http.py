"""The preview's HTTP side: files of the built folder, livereload, and the overlay.

From `livereload` this takes the websocket handler and livereload.js (served from the pip
package, so nothing comes from the network), not its static handler: that answers
traversal with 403 and can show a half-built site.
"""
from __future__ import annotations

import asyncio
import mimetypes
import os
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web

from ..extract import REVIEW_PATH, review, review_page
from .overlay import error_page, with_overlay
from .preview import Preview

_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
          ".woff2": "font/woff2", ".woff": "font/woff", ".svg": "image/svg+xml",
          ".xml": "application/xml", ".json": "application/json"}
_HTML = "text/html; charset=utf-8"
Response = tuple[int, dict[str, str], bytes]


def respond(preview: Preview, raw_path: str, query: str = "") -> Response:
    """Status, headers and body for a request path as sent (still percent-encoded).
    The caller holds `preview.lock`."""
    if preview.problems and not preview.built:
        return 500, {"Content-Type": _HTML}, error_page(preview.problems).encode("utf-8")
    if raw_path.rstrip("/") == REVIEW_PATH.rstrip("/"):
        # The review queue, made on request from content/: preview only, never built.
        findings, problems = review(preview.config, preview.config.content_dir, "content")
        status, headers, body = 200, {"Content-Type": _HTML}, review_page(findings, problems).encode("utf-8")
    else:
        status, headers, body = _file(preview.out_dir, raw_path, query)
    if preview.problems and headers.get("Content-Type") == _HTML:
        body = with_overlay(body, preview.problems)
    return status, headers, body


def _file(out_dir: Path, raw_path: str, query: str) -> Response:
    rel = safe_relative(raw_path)
    target = out_dir.joinpath(*rel.split("/")) if rel is not None else None
    if target is not None and target.is_dir():
        if not raw_path.endswith("/"):
            return 302, {"Location": raw_path + "/" + (f"?{query}" if query else "")}, b""
        target = target / "index.html"
    if target is None or not target.is_file() or not _inside(target, out_dir):
        return _not_found(out_dir)
    kind = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript")):
        kind += "; charset=utf-8"
    return 200, {"Content-Type": kind}, target.read_bytes()


def _not_found(out_dir: Path) -> Response:
    page = out_dir / "404.html"
    body = page.read_bytes() if page.is_file() else b"<!doctype html><title>404</title>Not found"
    return 404, {"Content-Type": _HTML}, body


def safe_relative(raw_path: str) -> str | None:
    """The output-relative path a request names, or None if it could leave the folder.

    Checked on the raw path: encoded slashes and backslashes are refused before decoding,
    so `..%2f` cannot turn into a separator later; `.`/`..`/empty/dot-file segments are
    refused after it. Anything refused is a plain 404, never a hint that a file exists.
    """
    lowered = raw_path.lower()
    if not raw_path.startswith("/") or any(c in lowered for c in ("\\", "\0", "%2f", "%5c", "%00")):
        return None
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = path[1:].split("/")
    if parts[-1] == "":
        parts.pop()  # a trailing slash names a folder
    if any(p == "" or p.startswith(".") for p in parts):
        return None
    return "/".join(parts)


def _inside(path: Path, folder: Path) -> bool:
    # Symlinks inside the output could still point out of it.
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, base]) == base


class SiteHandler(web.RequestHandler):
    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    async def get(self) -> None:
        await self._respond(body=True)

    async def head(self) -> None:
        await self._respond(body=False)

    async def _respond(self, body: bool) -> None:
        # Wait for a running rebuild without blocking the event loop (and the websockets).
        lock = self.preview.lock
        while self.preview.building.is_set() or not lock.acquire(blocking=False):
            await asyncio.sleep(0.005)
        try:
            status, headers, content = respond(self.preview, self.request.path, self.request.query)
        finally:
            lock.release()
        self.set_status(status)
        for name, value in headers.items():
            self.set_header(name, value)
        # Pages are never cached. Assets are revalidated by ETag (tornado answers 304), so a
        # reload does not download and compile MathJax's 1 MB script again.
        html_page = "html" in headers.get("Content-Type", "") or status != 200
        self.set_header("Cache-Control", "no-store" if html_page else "no-cache")
        if body:
            self.write(content)


def application(preview: Preview, port: int) -> web.Application:
    class Injector(LiveScriptInjector):
        # Added before </head> of every HTML response, error and 404 pages included.
        script = f'<script src="/livereload.js?port={port}"></script>'.encode()

    # reload_waiters logs watcher.filepath; livereload's own Watcher is never started.
    LiveReloadHandler.watcher = SimpleNamespace(filepath=None)
    LiveReloadHandler.live_css = False
    return web.Application(
        [(r"/livereload", LiveReloadHandler), (r"/livereload\.js", LiveReloadJSHandler),
         (r".*", SiteHandler, {"preview": preview})],
        transforms=[Injector], log_function=lambda handler: None)
