"""Filesystem faults as one line a person can act on.

Every OSError that reaches a person goes through `problem`, here and nowhere else: it
names the path as the person would type it and says the cause in words (read-only,
permission denied, disk full, file too large, name too long, a parent that is a file)
instead of a traceback. Callers add what was kept safe ("the previous site is unchanged").
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import BuildFailed, SourceError, shown_path

_CAUSES = {
    errno.EROFS: "the file system is read-only",
    # As root, only an immutable or append-only flag (chattr +i / +a) refuses a write.
    errno.EPERM: "operation not permitted (immutable? `lsattr` shows an i or a flag)",
    errno.EACCES: "permission denied",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for the file-size limit in force (`ulimit -f`)",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files in the system",
    errno.EIO: "input/output error (is the disk failing?)",
    errno.EISDIR: "it is a folder, not a file",
}


def file_in_the_way(path: Path) -> Path | None:
    """The nearest ancestor of `path` (or `path` itself) that exists and is not a folder."""
    for candidate in reversed([path, *path.parents]):
        try:
            mode = os.stat(candidate).st_mode
        except OSError:
            return None  # missing from here on: nothing is in the way
        if not stat.S_ISDIR(mode):
            return candidate
    return None


def cause(exc: OSError, path: Path | str | None = None) -> str:
    """The cause of `exc` in words; for a folder that cannot be made, the file in the way."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and path is not None:
        blocker = file_in_the_way(Path(path))
        if blocker is not None:
            return f"{shown_path(blocker)} is a file, not a folder"
    if exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def shown(path: Path | str, folder: bool = False) -> str:
    """`path` as the person would type it, with a trailing `/` for a folder. A symbolic
    link is named as itself, not as what it points to (which may not exist)."""
    try:
        text = str(Path(os.path.abspath(path)).relative_to(os.getcwd()))
    except ValueError:
        text = shown_path(path)
    return text.rstrip("/") + "/" if folder else text


def problem(exc: OSError, action: str, path: Path | str, *, folder: bool = False,
            after: str = "") -> SourceError:
    """`path: error: cannot <action>: <cause><after>`."""
    return SourceError(shown(path, folder), 0, f"cannot {action}: {cause(exc, path)}{after}")


def failed(exc: OSError, action: str, path: Path | str, *, folder: bool = False,
           after: str = "") -> BuildFailed:
    return BuildFailed([problem(exc, action, path, folder=folder, after=after)])


def unexpected(exc: OSError) -> SourceError:
    """Last resort for an OSError no stage translated: still one line, never a traceback."""
    where = exc.filename if exc.filename is not None else "feedsite"
    return SourceError(shown(os.fsdecode(where)), 0, cause(exc, exc.filename))
