"""`feedsite serve`: build, serve, rebuild on every saved edit and reload the open pages.

From `livereload` this takes the websocket handler and livereload.js (served from the pip
package, so nothing comes from the network), not its Server and Watcher: their poll loop drops
a change within 3 s of the last reload, and their static handler answers traversal with 403
and can show a half-built site. Here a thread polls the inputs every 20 ms, rebuilds under a
lock that requests wait on, and calls `LiveReloadHandler.reload_waiters`, which has no throttle.

The preview goes to a temporary folder, with `base_url` set to the served origin, not to
`output_dir`: that holds the deploy build, whose URLs may live under a subpath. Rebuilds
rewrite changed pages in place, the search index included (it is rebuilt from the articles
each time, 40 ms on the real site), so search finds an edit's new words after its rebuild.
"""
from __future__ import annotations

import asyncio
import dataclasses
import html
import mimetypes
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from .build import BuildState, build
from .config import load_config
from .errors import BuildFailed
from .extract import REVIEW_PATH, review, review_page
from .extract import run as run_extract

POLL_SECONDS = 0.02  # stat()ing the ~60 input files of the real site takes 0.2 ms
SETTLE_SECONDS = 0.02  # lets an editor finish a save that touches several files
_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".tmp")
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
          ".woff2": "font/woff2", ".woff": "font/woff", ".svg": "image/svg+xml",
          ".xml": "application/xml", ".json": "application/json"}
_HTML = {"Content-Type": "text/html; charset=utf-8"}


class Preview:
    """The preview site: its inputs, its built folder, and the problems of the last build."""

    def __init__(self, config_path: Path, origin: str, out_dir: Path, search: bool = True):
        self.config_path, self.origin, self.out_dir, self.search = config_path, origin, out_dir, search
        self.lock = threading.Lock()  # held while building and while reading a response
        self.state = BuildState()
        self.config = None  # the last config that loaded
        self.config_stamp = None  # site.yaml's mtime, size and inode when it loaded
        self.problems: list[str] = []  # non-empty: every URL shows them instead of the site
        self.feed_problems: list[str] = []  # from the last extraction; kept until the next one
        self.built = False  # a complete site is in out_dir, so rebuilds may go in place

    def watched(self) -> tuple[list[Path], Path]:
        """The inputs to poll (the last good config's folders), and the feeds folder."""
        root = self.config_path.resolve().parent
        d = self.config or SimpleNamespace(content_dir=root / "content", feeds_dir=root / "feeds",
                                           templates_dir=root / "templates")
        return [self.config_path.resolve(), d.content_dir, d.templates_dir, d.feeds_dir], d.feeds_dir

    def rebuild(self, extract: bool = False) -> bool:
        """Rebuild after a change; True when open pages should reload."""
        with self.lock:
            before, result = self.problems, None
            try:
                config = self.load()
                if extract:
                    report = run_extract(config, [config.feeds_dir]).report
                    self.feed_problems = [str(p) for p in report.errors]
                result = build(config, self.out_dir, state=self.state, in_place=self.built,
                               search=self.search)
                self.built = True
                self.problems = self.feed_problems
                print(f"built {len(result.changed)} of {result.pages} pages in "
                      f"{result.seconds:.2f} s", flush=True)
            except BuildFailed as failed:
                self.problems = self.feed_problems + [str(p) for p in failed.problems]
            except Exception as exc:  # noqa: BLE001 - a bug in a stage must not stop the preview
                traceback.print_exc()
                self.problems = [f"feedsite: internal error: {type(exc).__name__}: {exc}"]
            if self.problems and self.problems != before:
                print("\n".join(self.problems), file=sys.stderr, flush=True)
            return self.problems != before or bool(result and result.changed)

    def load(self):
        """The config, parsed again only when site.yaml changed (parsing costs 20 ms)."""
        stamp = snapshot([self.config_path]).get(str(self.config_path))
        if stamp is None or stamp != self.config_stamp:
            self.config_stamp = None  # if this fails, the next build tries again
            # Served at the root of this server whatever the deploy base_url is.
            self.config = dataclasses.replace(load_config(self.config_path),
                                              base_url=self.origin, output_dir=self.out_dir)
            self.config_stamp = stamp
        return self.config

    def respond(self, raw_path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a request path as sent (still percent-encoded)."""
        if self.problems:
            return 500, _HTML, error_page(self.problems).encode("utf-8")
        if raw_path.rstrip("/") == REVIEW_PATH.rstrip("/"):
            # The review queue, made on request from content/: preview only, never built.
            findings, problems = review(self.config, self.config.content_dir, "content")
            return 200, _HTML, review_page(findings, problems).encode("utf-8")
        rel = safe_relative(raw_path)
        target = self.out_dir.joinpath(*rel.split("/")) if rel is not None else None
        if target is not None and target.is_dir():
            if not raw_path.endswith("/"):
                return 302, {"Location": raw_path + "/" + (f"?{query}" if query else "")}, b""
            target = target / "index.html"
        if target is None or not target.is_file() or not _inside(target, self.out_dir):
            return self.not_found()
        kind = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        kind = kind or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript")):
            kind += "; charset=utf-8"
        return 200, {"Content-Type": kind}, target.read_bytes()

    def not_found(self) -> tuple[int, dict[str, str], bytes]:
        page = self.out_dir / "404.html"
        body = page.read_bytes() if page.is_file() else b"<!doctype html><title>404</title>Not found"
        return 404, _HTML, body


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


def error_page(problems: list[str]) -> str:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed · feedsite</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
li{{margin:.5rem 0}} code{{white-space:pre-wrap;color:#b00020}}</style></head>
<body><h1>Build failed</h1><p>Fix these and save; this page reloads by itself.</p>
<ul class="problems">
{items}
</ul></body></html>
"""


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int, int]]:
    """mtime, size and inode of every file under `paths`.

    Polling the whole trees sees atomic saves (a temp file renamed over the original gives a
    new inode), new and deleted files, and folders created after start, none of which a
    watch on one file's inode would.
    """
    seen, stack = {}, [str(p) for p in paths]
    while stack:
        path = stack.pop()
        try:
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                with os.scandir(path) as entries:
                    stack += [e.path for e in entries if not _debris(e.name)
                              and not (e.is_symlink() and e.is_dir())]
            else:
                seen[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            continue  # vanished between listing and stat: the next poll sees it gone
    return seen


def _debris(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(_EDITOR_DEBRIS)


def watch(preview: Preview, halt: threading.Event, reload) -> None:
    """Poll the inputs until `halt` is set; rebuild and call `reload()` after a change."""
    seen = snapshot(preview.watched()[0])
    while not halt.wait(POLL_SECONDS):
        paths, feeds = preview.watched()
        if snapshot(paths) == seen:
            continue
        halt.wait(SETTLE_SECONDS)
        now, feeds = snapshot(paths), str(feeds) + os.sep
        changed = {k for k in now.keys() | seen.keys() if now.get(k) != seen.get(k)}
        # The baseline is taken before building: files the extractor writes are seen next
        # poll, and rebuild into a no-op that reloads nothing.
        seen = now
        if preview.rebuild(extract=any(k.startswith(feeds) for k in changed)):
            reload()


class SiteHandler(web.RequestHandler):
    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    async def get(self) -> None:
        await self._respond(body=True)

    async def head(self) -> None:
        await self._respond(body=False)

    async def _respond(self, body: bool) -> None:
        # Wait for a running rebuild without blocking the event loop (and the websockets).
        while not self.preview.lock.acquire(blocking=False):
            await asyncio.sleep(0.005)
        try:
            status, headers, content = self.preview.respond(self.request.path, self.request.query)
        finally:
            self.preview.lock.release()
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


async def _serve(preview: Preview, sockets, port: int, url: str) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(application(preview, port))
    server.add_sockets(sockets)
    io = IOLoop.current()
    halt = threading.Event()
    watcher = threading.Thread(target=watch, name="feedsite-watch", args=(
        preview, halt, lambda: io.add_callback(LiveReloadHandler.reload_waiters, "*")))
    watcher.start()
    print(f"serving {url} (Ctrl-C to stop)", flush=True)
    try:
        await stop.wait()
    finally:
        halt.set()
        watcher.join()  # at most one rebuild; its reload callback lands before the loop closes
        server.stop()
        for client in list(LiveReloadHandler.waiters):
            client.close()
        await asyncio.wait([asyncio.ensure_future(server.close_all_connections())], timeout=2)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(config_path: Path, host: str = "127.0.0.1", port: int = 8000, search: bool = True) -> int:
    """Run the preview until Ctrl-C or SIGTERM; returns the exit code."""
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        print(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    port = sockets[0].getsockname()[1]  # the real one when --port 0
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    workdir = Path(tempfile.mkdtemp(prefix="feedsite-serve-"))
    # Until the event loop owns the signals, SIGTERM stops the first build like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        preview = Preview(config_path, url, workdir / "site", search)
        preview.rebuild()
        if preview.problems:
            print("serving an error page until these are fixed", file=sys.stderr, flush=True)
        asyncio.run(_serve(preview, sockets, port, url))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for sock in sockets:
            sock.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print("stopped", flush=True)
    return 0
