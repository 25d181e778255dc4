"""The output folder as a build left it: every file's and folder's stat, and the
names a killed build leaves beside it. Only os and stdlib: the CLI's no-change check
(unchanged.py) uses it before anything heavy is imported."""
from __future__ import annotations

import os
from pathlib import Path

from ..files import sibling

BUILDING, OLD = "building-", "old-"  # `.public.building-*` stages, `.public.old-*` old sites


def leftovers(out_dir: Path) -> list[str]:
    """What a killed build left beside the output (output.clear_leftovers removes it)."""
    prefixes = tuple(sibling(out_dir, kind).name for kind in (BUILDING, OLD))
    try:
        return [e.path for e in os.scandir(out_dir.parent) if e.name.startswith(prefixes)]
    except OSError:
        return []


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """path -> (mtime, size, inode) of every file and folder under `root` (folders with a
    trailing `/`; the root itself is `/`). A file added, removed or rewritten changes the
    entry of its folder or its own."""
    out = {}
    stack = [""]
    while stack:
        rel = stack.pop()
        folder = os.path.join(root, rel) if rel else str(root)
        st = os.stat(folder)
        out[rel + "/" if rel else "/"] = (st.st_mtime_ns, st.st_size, st.st_ino)
        with os.scandir(folder) as entries:
            for entry in entries:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                else:
                    st = entry.stat(follow_symlinks=False)
                    out[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


def file_stat(path: str | Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def intact(root: Path, recorded: dict[str, tuple]) -> bool:
    """Does `root` hold exactly what `recorded` (a snapshot) says, no more, no less?"""
    if not recorded:
        return False
    base = str(root)
    prefix = os.path.join(base, "")
    # Strings, not Path objects, and joined by hand: this stats every file of the site
    # on each cached build (os.path.join per file was a third of it).
    for rel, expected in recorded.items():
        if file_stat(base if rel == "/" else prefix + rel.rstrip("/")) != expected:
            return False
    return True
