"""Two runs on one folder: the second says it waits, and for whom, then proceeds; with
`--no-wait` it fails at once. The first run is held mid-way with SIGSTOP while it has the
lock, so the second meets a real holder every time."""
from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONTENT
from faultkit import beside, one_error

from feedsite.build.cache import FILE, FOLDER
from feedsite.build.output import MARKER
from feedsite.extract.pipeline import LOCK as EXTRACT_LOCK


class Run:
    """`feedsite ARGS` in the background, its output in files."""

    def __init__(self, root: Path, *args: str):
        self.err = root / f"run-{time.monotonic_ns()}.err"
        with open(self.err, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "feedsite", *args], cwd=root,
                                         stdout=subprocess.DEVNULL, stderr=err)
        self.pid = self.proc.pid

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def wait(self) -> int:
        return self.proc.wait(180)

    def hold(self, lock: Path) -> None:
        """SIGSTOP this run once it holds `lock`, which it marks with its pid."""
        deadline = time.monotonic() + 60
        while not (lock.is_file() and lock.read_text().strip() == str(self.pid)):
            if self.proc.poll() is not None:
                pytest.fail(f"the run ended before it could be held: {self.stderr()}")
            assert time.monotonic() < deadline, "the run never took the lock"
            time.sleep(0.001)
        self.proc.send_signal(signal.SIGSTOP)

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def wait_for_stderr(self, text: str) -> None:
        deadline = time.monotonic() + 60
        while text not in self.stderr():
            assert self.proc.poll() is None, f"ended without saying {text!r}: {self.stderr()}"
            assert time.monotonic() < deadline, f"never said {text!r}"
            time.sleep(0.02)


@pytest.fixture
def runs():
    started: list[Run] = []
    yield lambda root, *args: started.append(Run(root, *args)) or started[-1]
    for run in started:
        run.release()
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


def test_a_second_build_says_it_waits_then_proceeds(project, runs):
    first = runs(project, "build")
    first.hold(project / ".public.lock")
    second = runs(project, "build")
    second.wait_for_stderr(f"waiting for another build of public/ (pid {first.pid})\n")
    time.sleep(0.5)
    assert second.proc.poll() is None, "it waits as long as the first holds the lock"
    first.release()
    assert first.wait() == 0 and second.wait() == 0, first.stderr() + second.stderr()
    assert (project / "public" / MARKER).is_file() and (project / "public/index.html").is_file()
    assert beside(project / "public") == {".public.lock"}


def test_no_wait_fails_at_once_while_a_build_runs(project, runs):
    first = runs(project, "build")
    first.hold(project / ".public.lock")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "feedsite", "build", "--no-wait"], cwd=project,
                            capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    one_error(result, "public/: error: ",
              f"another build of public/ is running (pid {first.pid}); not waiting (--no-wait)")
    assert took < 20, took  # Python's start and the import, not the first build's length
    first.release()
    assert first.wait() == 0


def test_no_wait_does_not_wait_for_the_holders_cache_write(project):
    """The holder of the output's lock may be mid-write to the build cache (or stopped
    there, as CI once caught it): what a second build reads of the cache before the lock
    must not wait for that write (SQLite's 5 s per open), or `--no-wait` is not at once."""
    built = subprocess.run([sys.executable, "-m", "feedsite", "build"], cwd=project, capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    site = project / "site.yaml"
    lock = os.open(project / ".public.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.pwrite(lock, f"{os.getpid()}\n".encode(), 0)

    def no_wait() -> float:
        # A site.yaml the cache does not hold yet: the run reads it and would keep it.
        site.write_text(site.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "feedsite", "build", "--no-wait"], cwd=project,
                                capture_output=True, text=True, timeout=60)
        one_error(result, "public/: error: ",
                  f"another build of public/ is running (pid {os.getpid()}); not waiting (--no-wait)")
        return time.monotonic() - started

    try:
        free = no_wait()
        writer = sqlite3.connect(project / FOLDER / FILE, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # the holder's write, open
        try:
            held = no_wait()
        finally:
            writer.execute("ROLLBACK")
            writer.close()
    finally:
        os.close(lock)
    assert held < free + 3, (held, free)  # one wait for the write alone is 5 s


def test_no_wait_does_not_wait_for_the_holders_wal_locks(project):
    """The holder may be stopped while it holds the store's WAL locks (opening it runs
    recovery under them). A locking read then spins about 10 s in SQLite's retry loop,
    whatever the busy timeout: CI saw `--no-wait` take 20.7 s. The look before the
    output's lock takes no lock at all."""
    built = subprocess.run([sys.executable, "-m", "feedsite", "build"], cwd=project, capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    site = project / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    reader = sqlite3.connect(project / FOLDER / FILE, isolation_level=None)
    reader.execute("SELECT count(*) FROM meta").fetchone()  # so the -shm file exists
    shm = os.open(project / FOLDER / f"{FILE}-shm", os.O_RDWR)
    lock = os.open(project / ".public.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.lockf(shm, fcntl.LOCK_EX, 8, 120)  # SQLite's WAL locks: write, checkpoint, recovery, reads
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.pwrite(lock, f"{os.getpid()}\n".encode(), 0)
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "feedsite", "build", "--no-wait"], cwd=project,
                                capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
    finally:
        os.close(lock)
        os.close(shm)
        reader.close()
    one_error(result, "public/: error: ",
              f"another build of public/ is running (pid {os.getpid()}); not waiting (--no-wait)")
    assert took < 8, took  # one spin of SQLite's retry loop alone is about 10 s


def test_a_second_extract_says_it_waits_then_proceeds(project, runs):
    for path in (project / "content").glob("*.md"):
        os.unlink(path)  # so the first run has all 40 files to write
    first = runs(project, "extract")
    first.hold(project / "content" / EXTRACT_LOCK)
    second = runs(project, "extract")
    second.wait_for_stderr(f"waiting for another extract of content/ (pid {first.pid})\n")
    first.release()
    assert first.wait() == 0 and second.wait() == 0, first.stderr() + second.stderr()
    made = {p.name: p.read_bytes() for p in (project / "content").glob("*.md")}
    assert made == {p.name: p.read_bytes() for p in CONTENT.glob("*.md")}  # no duplicates


def test_no_wait_fails_at_once_while_an_extract_runs(project, runs):
    first = runs(project, "extract")
    first.hold(project / "content" / EXTRACT_LOCK)
    result = subprocess.run([sys.executable, "-m", "feedsite", "extract", "--no-wait"], cwd=project,
                            capture_output=True, text=True, timeout=60)
    one_error(result, "content/: error: ",
              f"another extract of content/ is running (pid {first.pid}); not waiting (--no-wait)")
    first.release()
    assert first.wait() == 0
