"""Polling the preview's inputs and rebuilding after a change.

A thread polls every 20 ms instead of livereload's Watcher, whose loop drops a change
within 3 s of the last reload.
"""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from .preview import Preview

POLL_SECONDS = 0.02  # stat()ing the ~60 input files of the real site takes 0.2 ms
SETTLE_SECONDS = 0.02  # lets an editor finish a save that touches several files
_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".tmp")


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
