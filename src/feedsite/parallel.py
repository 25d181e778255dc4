"""Work spread over the machine's cores when the site or the dumps are large.

Forked workers, not spawned ones: a child starts with the parent's memory (the build's
site index, rendered bodies, typeset math and lazily built page views; extraction's
collection and its loaded segmenter) without pickling any of it; only item numbers go
in and small results come back. Below MIN_ITEMS items, or on one core, the work runs in
this process: a fork and its pool cost tens of milliseconds, and a preview rebuild or a
re-extraction with a few new articles touches a handful.

Children must not use the parent's SQLite connection (SQLite forbids carrying one
across a fork); the build reads what the children need from the cache before it forks
(build/state.py's `preload`), and cache.py gives a child a connection of its own if it
still reaches for one. Extraction's workers never touch its cache: the parent looks
up and keeps every entry.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .progress import Progress

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS = 400  # below this a stage takes well under a second on one core
_job: tuple[Callable, Sequence] | None = None  # what a forked child works on
_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """The cores this process may use, or FEEDSITE_JOBS if set (a shared CI runner, or
    a benchmark comparing one core with all)."""
    wanted = os.environ.get("FEEDSITE_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worth_forking(count: int) -> bool:
    return (count >= MIN_ITEMS and cores() > 1
            and "fork" in multiprocessing.get_all_start_methods())


def forked_map(fn: Callable[[T], R], items: Sequence[T], progress: Progress | None = None,
               label: str = "") -> list[R]:
    """`[fn(x) for x in items]`, in order, across every core when there are many items.
    An exception in a child is raised here, as if `fn` had raised it in this process."""
    return list(forked_each(fn, items, progress, label))


def forked_each(fn: Callable[[T], R], items: Sequence[T], progress: Progress | None = None,
                label: str = "") -> Iterator[R]:
    """forked_map's results one by one, in order, as they come: a caller that stores
    each (a store-backed cache) never holds them all."""
    global _job
    progress = progress or Progress()
    if not worth_forking(len(items)):
        yield from (fn(item) for item in progress.each(label, items))
        return
    workers = cores()
    # Small chunks keep both cores busy to the end; not so small that pickling dominates.
    size = max(1, min(50, len(items) // (workers * 8)))
    parts = [range(at, min(at + size, len(items))) for at in range(0, len(items), size)]
    _job = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_plain_signals,
                                                     initargs=(os.getpid(),)) as pool:
            for done in progress.each(label, pool.imap(_run, parts), total=len(items), weight=len):
                yield from done
    finally:
        _job = None


class Meanwhile:
    """`fn()` worked out in a forked child while this process goes on: for work that
    waits on the kernel (the stat of 37,000 output files, a tenth of an edit's build)
    and would wait as long in a thread, which needs the lock the parent's Python holds.
    `result()` waits for it and gives what it returned, or raises what it raised; on one
    core or without fork, `fn` runs then, here. `close()` reaps a child whose result was
    not asked for. Results come back pickled, so keep them small."""

    def __init__(self, fn: Callable[[], R]):
        self._fn, self._pid, self._pipe, self._done = fn, 0, -1, None
        if cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return
        parent, (read, write) = os.getpid(), os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: never back into the caller's code
            try:
                os.close(read)
                _plain_signals(parent)
                try:
                    out = pickle.dumps((True, fn()))
                except Exception as exc:  # noqa: BLE001 - raised again in the parent
                    out = pickle.dumps((False, exc))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(out)
            finally:
                os._exit(0)
        os.close(write)
        self._pipe = read

    def result(self) -> R:
        if self._done is None:
            if not self._pid:
                self._done = (True, self._fn())
            else:
                with os.fdopen(self._pipe, "rb") as pipe:
                    out = pipe.read()
                os.waitpid(self._pid, 0)
                self._pid = 0
                self._done = pickle.loads(out) if out else (True, self._fn())  # a child killed: again here
        ok, value = self._done
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
            self._pid, self._done = 0, (False, ChildProcessError("closed before its result was asked for"))


def _plain_signals(parent: int) -> None:
    """A worker's signals as a plain process has them. A fork copies the handlers and the
    wakeup descriptor of the process it comes from; in the preview that is an asyncio loop
    that catches SIGTERM and SIGINT and is woken through that descriptor. A worker caught
    the pool's closing SIGTERM and did nothing, so the pool waited for it forever, while
    the signal, written to the loop's descriptor, stopped the preview."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # Pool.terminate ends the worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's, which ends the pool
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """A worker whose parent was killed (a build stopped with SIGTERM or SIGKILL) is
    killed too, on Linux, instead of failing to send its results into a closed pipe and
    printing two tracebacks per worker."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: not Linux
        return
    if os.getppid() != parent:  # the parent was gone before the call took effect
        os._exit(1)


def _run(part: range) -> list:
    fn, items = _job
    return [fn(items[i]) for i in part]
