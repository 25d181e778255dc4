"""`feedsite serve` as a user runs it, for the tests: a real subprocess over a scratch copy
of the project, spoken to over real HTTP; and the edits a person makes."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_corpus

from feedsite.serve.overlay import OVERLAY_ID

START_TIMEOUT = 90  # generous: the machine is shared with other test runs
# An edit must show within this bound. The goal (under 1 s) is measured by
# bench/reload_speed.py, not asserted here: timings on a shared machine are noisy.
EDIT_BOUND = 5.0
OVERLAY = f'<div id="{OVERLAY_ID}"'
ARTICLE = "11-sheng-zui-duo-shui-de-rong-qi"
PAGE = f"/articles/{ARTICLE}/"


class Server:
    """`feedsite serve --port 0` in `root`; output goes to files, so no pipe can fill up."""

    def __init__(self, root: Path, *args: str):
        self.root = root
        self.out, self.err = root / "serve.out", root / "serve.err"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "feedsite", "serve", "--port", "0", "--config", "site.yaml", *args],
                cwd=root, stdout=out, stderr=err)
        deadline = time.monotonic() + START_TIMEOUT
        while not (found := re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", self.out.read_text())):
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited with {self.proc.returncode}: {self.err.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"serve printed no URL in {START_TIMEOUT} s: {self.err.read_text()}")
            time.sleep(0.05)
        self.url, self.port = found.group(1), int(found.group(2))

    def get(self, raw_path: str) -> tuple[int, str, dict]:
        """GET a path exactly as written: http.client does not normalise it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest("GET", raw_path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.getheaders())
        finally:
            conn.close()

    def wait_for(self, path: str, predicate, bound: float = EDIT_BOUND) -> float:
        """Seconds until `predicate(status, body)` holds for `path`; every answer must be whole."""
        started = time.perf_counter()
        while True:
            status, body, _ = self.get(path)
            assert status != 200 or body.rstrip().endswith("</html>"), "served half a page"
            if predicate(status, body):
                return time.perf_counter() - started
            if self.proc.poll() is not None:
                pytest.fail(f"serve died: {self.err.read_text()}")
            if time.perf_counter() - started > bound:
                pytest.fail(f"{path}: no change after {bound} s; last {status}: {body[:300]}")
            time.sleep(0.01)

    def stop(self) -> None:
        """SIGTERM, so the server removes its temporary folder; SIGKILL if that hangs."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def copy_project(root: Path) -> Path:
    return copy_corpus(root, theme=True)


def atomic_write(path: Path, text: str) -> None:
    """What many editors do: write a temp file beside it, then rename it over."""
    tmp = path.with_name(path.name + ".tmp~")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def line_of(path: Path, prefix: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
                if line.startswith(prefix))


def replace_line(path: Path, prefix: str, new_line: str) -> None:
    """Replace the first line starting with `prefix`, keeping the rest byte for byte."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[i] = new_line
    path.write_text("".join(lines), encoding="utf-8")
