"""Helpers for the browser tests: build a copy of the project, serve a folder on
127.0.0.1, and open a page while recording its errors and requests."""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import CONTENT, CORPUS_CONFIG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
HOST = "127.0.0.1"
LOCAL_SCHEMES = ("data", "blob", "about")  # never touch the network


def build_copy(dest: Path, base_url: str | None = None, extra: dict[str, str] | None = None,
               out: Path | None = None) -> Path:
    """Copy the frozen collection's site.yaml and content/ into `dest` (plus `extra`
    content files), optionally change base_url, build, and return the output folder."""
    dest.mkdir(parents=True, exist_ok=True)
    text = CORPUS_CONFIG.read_text(encoding="utf-8")
    if base_url is not None:
        lines = [f"base_url: {base_url}" if line.startswith("base_url:") else line
                 for line in text.split("\n")]
        assert lines != text.split("\n"), "site.yaml has no top-level base_url line to replace"
        text = "\n".join(lines)
    (dest / "site.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(CONTENT, dest / "content")
    for name, body in (extra or {}).items():
        (dest / "content" / name).write_text(body, encoding="utf-8")
    out = out or dest / "public"
    build_site(dest / "site.yaml", out)
    return out


def build_site(config: Path, out: Path) -> None:
    """`feedsite build` in a child process, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "feedsite", "build", "--config", str(config),
                           "--out", str(out)], cwd=config.parent, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout}\n{proc.stderr}"



# One headless Chromium per test module (tests/conftest.py loads this file as a plugin).
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()

class _Handler(http.server.SimpleHTTPRequestHandler):
    not_found: Path | None = None

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser navigated away mid-response

    def send_error(self, code, message=None, explain=None):
        if code != 404 or self.not_found is None or not self.not_found.is_file():
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(folder: Path, not_found: Path | None = None):
    """Serve `folder` on 127.0.0.1:<free port>; yields the origin `http://127.0.0.1:N`."""
    handler = type("Handler", (_Handler,), {"not_found": not_found})
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Log:
    """What one page did while it loaded."""
    url: str
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    failed: list[str] = field(default_factory=list)  # failed requests and HTTP >= 400
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def foreign(self) -> list[str]:
        """Requests that would leave this machine."""
        return [u for u in self.requests
                if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).hostname != HOST]

    @property
    def problems(self) -> list[str]:
        return ([f"console/page error: {e}" for e in self.errors]
                + [f"failed request: {f}" for f in self.failed]
                + [f"request leaves 127.0.0.1: {u}" for u in self.foreign])


def wait_for_math(page) -> bool:
    """If the page shows typeset math, wait until its fonts are in. Returns
    whether it has any (formulas are typeset at build time: no script runs)."""
    if not page.locator("mjx-container").count():
        return False
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return True


class Tab:
    """One browser page whose listeners record into the log of the current visit.

    Reusing a page is several times faster than opening one per URL. A request
    belongs to the visit that started it; a request aborted because the next
    visit navigated away is not counted as a failure.
    """

    def __init__(self, context):
        self.page = context.new_page()
        self.log = Log("about:blank")
        owner: dict = {}  # request -> Log of the visit that made it

        def on_request(r):
            owner[r] = self.log
            self.log.requests.append(r.url)

        def on_failed(r):
            log = owner.get(r, self.log)
            if log is self.log or "ERR_ABORTED" not in (r.failure or ""):
                log.failed.append(f"{r.url} ({r.failure})")

        def on_dialog(dialog):
            self.log.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page = self.page
        page.on("console", lambda m: m.type == "error" and self.log.errors.append(f"{m.text} @ {m.location}"))
        page.on("pageerror", lambda e: self.log.errors.append(f"uncaught: {e}"))
        page.on("request", on_request)
        page.on("requestfailed", on_failed)
        page.on("response", lambda r: r.status >= 400 and owner.get(r.request, self.log).failed.append(
            f"{r.url} (HTTP {r.status})"))
        page.on("dialog", on_dialog)

    def visit(self, url: str, math: bool = True) -> Log:
        """Load `url`; with `math`, wait for the math fonts on pages that show formulas."""
        self.log = Log(url)
        self.page.goto(url, wait_until="load")
        if math:
            wait_for_math(self.page)
        return self.log

    def close(self) -> None:
        self.page.close()


@contextmanager
def opened(context, url: str, math: bool = True):
    """Open `url` in a fresh Tab of `context`; yields (page, log), then closes it."""
    tab = Tab(context)
    try:
        log = tab.visit(url, math)
        yield tab.page, log
    finally:
        tab.close()
