"""Writing a person's folders safely: one run at a time, whole files or none.

Both sides write a folder that people also look at: `extract` writes content/, a full
build replaces public/. Each takes a lock (content/.extract.lock, .public.lock beside the
site, which is replaced whole) that records the holder's pid; a second run says it
waits, and for whom, instead of hanging in silence.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import faults
from .errors import BuildFailed, SourceError

Notify = Callable[[str], None]
# Room left under the usual 255-byte name limit for mkdtemp's suffix and our own.
_MAX_HELPER_NAME = 200


def sibling(target: Path, kind: str) -> Path:
    """`.<name>.<kind>` beside `target` (the lock, staging and old folders). A name near
    the file system's limit is shortened with a hash, so a valid `--out` never fails for
    the length of its helpers' names."""
    name = f".{target.name}.{kind}"
    raw = os.fsencode(target.name)
    if len(os.fsencode(name)) > _MAX_HELPER_NAME:
        digest = hashlib.sha256(raw).hexdigest()[:16]
        name = f".{os.fsdecode(raw[:64]).rstrip(chr(0xFFFD))}~{digest}.{kind}"
    return target.with_name(name)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


@contextmanager
def exclusive(target: Path, what: str, wait: bool = True, notify: Notify | None = None,
              lock: Path | None = None) -> Iterator[None]:
    """Hold the lock of `target` (a folder) while one `what` ("build", "extract") changes it.

    The lock file is `lock`, by default `.<name>.lock` beside `target`. Another holder
    makes this say so through `notify` and wait, or, with `wait=False`, fail at once. The
    file stays (removing it would race a waiter); flock is released by the kernel even
    when the holder is killed, so a stale file never blocks anyone.
    """
    folder = faults.shown(target, folder=True)
    lock = lock or sibling(target, "lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise faults.failed(exc, "create the folder", lock.parent, folder=True) from None
    try:
        # No O_TRUNC: a waiter reads the holder's pid from the file before it is replaced.
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise faults.failed(exc, f"create its lock file {lock.name} in {faults.shown(lock.parent)}",
                            target, folder=True) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            who = f" (pid {pid})" if pid else ""
            if not wait:
                raise BuildFailed([SourceError(folder, 0, f"another {what} of {folder} is running{who}; "
                                                          "not waiting (--no-wait)")]) from None
            if notify:
                notify(f"waiting for another {what} of {folder}{who}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:  # the pid is only for the message above: a full disk must not stop the run
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)


def write_file(path: Path, data: str | bytes, named: Path | None = None) -> None:
    """Write `path` (UTF-8 and LF for text). A failure names the file (`named`, if given)
    even when the OS reports it on a write, where Python gives no file name.

    Through the descriptor, not a Python file object: a cold build or extraction writes
    tens of thousands of files, and the file object's layers cost twice the write."""
    view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            while view:
                written = os.write(fd, view)
                if written <= 0:  # a device that takes nothing: an error, not a loop
                    raise OSError(errno.EIO, os.strerror(errno.EIO))
                view = view[written:]
        finally:
            os.close(fd)
    except OSError as exc:
        exc.filename = str(named or path)
        raise


def write_atomic(target: Path, data: str | bytes) -> None:
    """Write beside `target` and rename over it: a reader (a browser, the preview, an
    editor) sees the old file or the new one, never half; a failure leaves the old one
    whole and no temporary file behind."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        write_file(tmp, data, named=target)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the folder refuses even that; the write error is what the person needs
        raise
