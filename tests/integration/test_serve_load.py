"""Load on the preview: 20 clients hammer `feedsite serve` over loopback while 20 edits
are made and rebuilt, some of them broken. A long trial: `make test-long`.

What must hold: no request fails; no HTML page is cut short; while an edit is broken the
last good site is served with 200 and every HTML page carries the overlay naming the file
and line (escaped), with CSS, JS and fonts served byte for byte as usual; the page is told
to reload once the edit is fixed, and after that no page carries the overlay.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from servekit import EDIT_BOUND, OVERLAY, Server, atomic_write, copy_project, line_of, replace_line

pytestmark = pytest.mark.long

CLIENTS = 20
MIN_REQUESTS = 2000
PER_CYCLE = 120  # requests completed while each edit's state holds, at least
A = "11-sheng-zui-duo-shui-de-rong-qi"
B = "xuan-zhuan-shi-wei-zhi-bian-ma-rope"
PAGES = ["/", f"/articles/{A}/", f"/articles/{B}/", "/tags/", "/topics/algorithms/", "/search/",
         "/tags/leetcode/", "/articles/rnn/"]
MISSING = "/no/such/page/"
ASSETS = {"/assets/style.css": "text/css", "/assets/search.js": "text/javascript",
          "/assets/search-index.js": "text/javascript",
          "/assets/favicon.svg": "image/svg+xml",
          "/assets/mathjax/fonts/MathJax_Main-Regular.woff": "font/woff",
          "/assets/mathjax/fonts/MathJax_Math-Italic.woff": "font/woff",
          "/assets/mathjax/fonts/MathJax_Size1-Regular.woff": "font/woff",
          "/livereload.js": "application/javascript"}  # as livereload serves it


@dataclass(frozen=True)
class Answer:
    started: float
    ended: float
    path: str
    status: int  # 0: the request failed
    overlay: bool
    problem: str  # why this answer is wrong, or ""
    body: str  # HTML bodies only, for checking what the overlay names


class Clients:
    """CLIENTS threads, each on its own keep-alive connection, cycling through the URLs."""

    def __init__(self, port: int, assets: dict[str, bytes]):
        self.port, self.assets = port, assets
        self.answers: list[Answer] = []
        self.stop = threading.Event()
        urls = [*PAGES, MISSING, *ASSETS]
        self.threads = [threading.Thread(target=self.run, args=(urls[i:] + urls[:i],), daemon=True)
                        for i in range(CLIENTS)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(30)

    def count(self) -> int:
        return len(self.answers)

    def run(self, urls: list[str]) -> None:
        conn, n = None, 0
        while not self.stop.is_set():
            path = urls[n % len(urls)]
            n += 1
            started = time.perf_counter()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                answer = self.judge(started, path, resp, body)
            except (OSError, http.client.HTTPException) as exc:
                conn = None
                answer = Answer(started, time.perf_counter(), path, 0, False,
                                f"request failed: {type(exc).__name__}: {exc}", "")
            self.answers.append(answer)  # list.append is atomic under the GIL

    def judge(self, started: float, path: str, resp, body: bytes) -> Answer:
        ended = time.perf_counter()
        kind = resp.getheader("Content-Type", "")
        expected = 404 if path == MISSING else 200
        problem = "" if resp.status == expected else f"status {resp.status}, not {expected}"
        if path in ASSETS:
            if not kind.startswith(ASSETS[path]):
                problem = problem or f"Content-Type {kind}"
            elif body != self.assets[path]:
                problem = problem or "asset bytes differ from the built file"
            return Answer(started, ended, path, resp.status, False, problem, "")
        text = body.decode("utf-8", "replace")
        if not kind.startswith("text/html"):
            problem = problem or f"Content-Type {kind}"
        elif not (text.startswith("<!doctype html>") and text.rstrip().endswith("</body>\n</html>")):
            problem = problem or f"HTML cut short: ends {text[-80:]!r}"
        return Answer(started, ended, path, resp.status, OVERLAY in text, problem, text)


class Reloads:
    """A livereload client, as livereload.js is, recording when each reload message came."""

    def __init__(self, server: Server):
        self.server, self.times = server, []
        self.ready, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.listen()), daemon=True)

    async def listen(self) -> None:
        from tornado.websocket import websocket_connect

        ws = await websocket_connect(f"ws://127.0.0.1:{self.server.port}/livereload")
        await ws.write_message(json.dumps({"command": "hello",
                                           "protocols": ["http://livereload.com/protocols/official-7"]}))
        await ws.read_message()
        await ws.write_message(json.dumps({"command": "info", "url": self.server.url}))
        self.ready.set()
        while not self.done.is_set():
            try:
                message = await asyncio.wait_for(ws.read_message(), 0.2)
            except TimeoutError:
                continue
            if message is None:
                break
            if json.loads(message)["command"] == "reload":
                self.times.append(time.perf_counter())
        ws.close()

    def since(self, moment: float, bound: float = EDIT_BOUND) -> float:
        """Seconds from `moment` to the first reload message after it."""
        deadline = time.perf_counter() + bound
        while time.perf_counter() < deadline:
            later = [t for t in self.times if t > moment]
            if later:
                return later[0] - moment
            time.sleep(0.01)
        pytest.fail(f"no reload message within {bound} s")


def broken_edits(root: Path) -> list[tuple[str, Path, str, str]]:
    """(name, file, broken text, what the overlay must name) for six kinds of broken edit."""
    article = root / "content" / f"{A}.md"
    text = article.read_text(encoding="utf-8")
    config, template = root / "site.yaml", root / "templates" / "article.html"

    def broken(path: Path, prefix: str, line: str) -> str:
        good = path.read_bytes()
        replace_line(path, prefix, line)
        out = path.read_text(encoding="utf-8")
        path.write_bytes(good)
        return out

    at = lambda path, prefix: line_of(path, prefix)  # noqa: E731
    return [
        ("front matter YAML", article, broken(article, "title:", 'title: "unclosed\n'),
         f"content/{A}.md:{at(article, 'title:')}: error: invalid YAML"),
        ("unknown topic, as markup", article, broken(article, "topic:", "topic: <b>nowhere</b>\n"),
         f"content/{A}.md:{at(article, 'topic:')}: error: unknown topic &#x27;&lt;b&gt;nowhere"),
        ("impossible date", article, text.replace("truncated:", "date: 2024-02-30\ntruncated:", 1),
         f"content/{A}.md:{at(article, 'truncated:')}: error: invalid value in front matter"),
        ("template syntax", template, broken(template, "{% block main %}", "{% block main %}{% if %}\n"),
         f"templates/article.html:{at(template, '{% block main %}')}: error: template syntax error"),
        ("site.yaml YAML", config, broken(config, "latest_count:", "latest_count: [8\n"),
         f"site.yaml:{at(config, 'latest_count:') + 1}: error: invalid YAML"),
        ("duplicate slug", root / "content" / "copy-of-a.md",
         text.replace("title: 11. 盛最多水的容器", "title: 另一篇", 1),
         f"content/copy-of-a.md:{at(article, 'slug:')}: error: duplicate slug"),
    ]


def test_load_during_edits_and_broken_edits(tmp_path):
    root = copy_project(tmp_path)
    server = Server(root, "--no-search")
    reloads = Reloads(server)
    try:
        _run(server, root, reloads)
    finally:
        reloads.done.set()
        server.stop()


def _run(server: Server, root: Path, reloads: Reloads) -> None:
    assets = {}
    for path in ASSETS:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", path)
        assets[path] = conn.getresponse().read()
        conn.close()
    reloads.thread.start()
    assert reloads.ready.wait(10)
    broken_windows, clean_windows, latencies = [], [], []
    cycles = 0
    started = time.perf_counter()
    with Clients(server.port, assets) as clients:

        def hold() -> None:
            target = clients.count() + PER_CYCLE
            until = time.perf_counter() + 0.3
            while clients.count() < target or time.perf_counter() < until:
                time.sleep(0.01)

        def settle(predicate) -> float:
            server.wait_for(f"/articles/{A}/", lambda s, b: s == 200 and predicate(b), bound=EDIT_BOUND)
            return time.perf_counter()

        edits = broken_edits(root)
        good = [(root / "content" / f"{slug}.md", f"load-marker-{n}") for n, slug in
                enumerate([A, B, A, B, A, B, A, B])]
        plan = ["good", "broken", "good", "broken", "broken", "good", "broken", "good", "broken",
                "good", "broken", "good", "good", "good"]
        for step in plan:
            if step == "good":
                path, marker = good.pop(0)
                text = path.read_text(encoding="utf-8")
                edit = time.perf_counter()
                if cycles % 2:  # both ways editors save
                    atomic_write(path, text + f"\n\n{marker}\n")
                else:
                    path.write_text(text + f"\n\n{marker}\n", encoding="utf-8")
                page = f"/articles/{path.stem}/"
                server.wait_for(page, lambda s, b, m=marker: s == 200 and m in b and OVERLAY not in b)
                latencies.append(reloads.since(edit))
                cycles += 1
                clean_start = time.perf_counter()
                hold()
                clean_windows.append((clean_start, time.perf_counter()))
                continue
            name, path, bad, names = edits.pop(0)
            before = path.read_bytes() if path.exists() else None
            path.write_text(bad, encoding="utf-8")
            edit = time.perf_counter()
            window = settle(lambda b, n=names: OVERLAY in b and n in b)
            latencies.append(reloads.since(edit))
            cycles += 1
            hold()
            broken_windows.append((window, time.perf_counter(), names, name))
            fix = time.perf_counter()
            if before is None:
                path.unlink()
            else:
                atomic_write(path, before.decode("utf-8"))
            clean_start = settle(lambda b: OVERLAY not in b)
            latencies.append(reloads.since(fix))  # the page reloads by itself once fixed
            cycles += 1
            hold()
            clean_windows.append((clean_start, time.perf_counter()))
    seconds = time.perf_counter() - started
    answers = clients.answers
    _judge(answers, broken_windows, clean_windows)
    assert cycles == 20
    assert len(answers) >= MIN_REQUESTS, len(answers)
    html = [a for a in answers if a.body]
    print(f"\nload: {len(answers)} requests ({len(html)} HTML) at concurrency {CLIENTS} in "
          f"{seconds:.1f} s ({len(answers) / seconds:.0f}/s) over {cycles} edit-and-rebuild cycles, "
          f"{len(broken_windows)} broken; failed 0, cut short 0, non-200/404 0; "
          f"{sum(a.overlay for a in html)} pages with the overlay; "
          f"edit -> reload message: max {max(latencies):.2f} s, "
          f"median {sorted(latencies)[len(latencies) // 2]:.2f} s")


def _judge(answers: list[Answer], broken_windows, clean_windows) -> None:
    wrong = [a for a in answers if a.problem]
    assert not wrong, f"{len(wrong)} of {len(answers)} answers wrong, e.g. {wrong[:3]}"
    for start, end, names, name in broken_windows:
        inside = [a for a in answers if a.started >= start and a.ended <= end]
        pages = [a for a in inside if a.body]
        assert pages and [a for a in inside if not a.body], f"{name}: no requests while broken"
        for a in pages:
            assert a.overlay and names in a.body, (name, a.path, a.body[-600:])
            assert a.status == (404 if a.path == MISSING else 200)
    for start, end in clean_windows:
        inside = [a for a in answers if a.started >= start and a.ended <= end and a.body]
        assert inside and not [a for a in inside if a.overlay], "an overlay outlived its fix"
