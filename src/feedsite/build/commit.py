"""Writing only what changed into a site a cached build already wrote.

A full build stages the whole site and swaps it in (output.py). When the cache says
which files changed and the output folder is exactly as the last build left it (every
file and folder has the stat recorded then), staging thousands of unchanged pages again
would cost seconds; instead only the changed files are staged beside the site, and then
renamed into place, each one atomic. A fault while staging (disk full, a size limit)
leaves the previous site untouched; a fault while renaming puts back what was renamed.
Only a kill in the renaming itself (well under a millisecond for an edit's few files)
can leave some files new and others old; the next build sees their stats differ from
the cache's and writes the whole site again.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from .. import faults
from ..files import sibling, write_file
from .output import _KEPT, _immutable, _staging_failed, clear_leftovers
from .outstat import BUILDING, file_stat


def _check_writable(out_dir: Path, targets) -> None:
    """Find, before anything is written, a file or folder that would refuse the change."""
    folders = {(out_dir / rel).parent for rel in targets}
    for folder in sorted(folders):
        existing = next(p for p in [folder, *folder.parents] if p.exists())
        if not os.access(existing, os.W_OK | os.X_OK):
            from .output import _refused
            blocked = _refused(str(existing))
            raise faults.failed(blocked, f"replace it: {faults.shown(existing)} cannot be changed",
                                out_dir, folder=True, after=_KEPT)
    for rel in targets:
        path = out_dir / rel
        if path.exists() and _immutable(str(path)):
            from .output import _refused
            raise faults.failed(_refused(str(path)), f"replace it: {faults.shown(path)} cannot be removed",
                                out_dir, folder=True, after=_KEPT)


def commit_changes(out_dir: Path, texts: dict[str, str], removed: set[str],
                   recorded: dict[str, tuple]) -> dict[str, tuple]:
    """Write `texts` and remove `removed` (output-relative paths) in `out_dir`; returns
    the new snapshot, from `recorded` and the stats of what changed."""
    clear_leftovers(out_dir)
    _check_writable(out_dir, [*texts, *removed])
    try:
        stage = Path(tempfile.mkdtemp(prefix=sibling(out_dir, BUILDING).name, dir=out_dir.parent))
    except OSError as exc:
        raise faults.failed(exc, f"write beside it in {faults.shown(out_dir.parent, folder=True)}",
                            out_dir, folder=True, after=_KEPT) from None
    order = sorted(texts)
    try:
        for i, rel in enumerate(order):
            try:
                write_file(stage / str(i), texts[rel], named=out_dir / rel)
            except OSError as exc:
                raise _staging_failed(exc, stage, out_dir) from None
        made = _rename_in(stage, out_dir, order, sorted(removed))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    now = dict(recorded)
    for rel in removed:
        now.pop(rel, None)
    for folder in made:
        now[folder + "/"] = ()
    # A folder made here changes its parent's mtime too (a new article's folder changes
    # articles/'s): without the parent, the next build finds public/ not as recorded
    # and writes the whole site again.
    touched = {os.path.dirname(rel) for rel in [*texts, *removed]} | set(made) \
        | {os.path.dirname(folder) for folder in made}
    for rel in texts:
        now[rel] = file_stat(out_dir / rel)
    for folder in _drop_empty(out_dir, {os.path.dirname(r) for r in removed}):
        now.pop(folder + "/", None)
        touched.add(os.path.dirname(folder))
    for folder in touched:
        key = folder + "/" if folder else "/"
        if key in now or folder in made:
            now[key] = file_stat(out_dir / folder) if folder else file_stat(out_dir)
    return {k: v for k, v in now.items() if v}


def _rename_in(stage: Path, out_dir: Path, order: list[str], removed: list[str]) -> list[str]:
    """Rename each staged file over its target and move removed files out; on a fault,
    undo every step taken. Returns the folders it created."""
    undo: list = []
    made: list[str] = []
    try:
        for j, rel in enumerate(removed):
            target = out_dir / rel
            if os.path.lexists(target):
                os.rename(target, stage / f"removed-{j}")
                undo.append(("rename", stage / f"removed-{j}", target))
        for i, rel in enumerate(order):
            target = out_dir / rel
            for parent in reversed(Path(rel).parents[:-1]):
                if not (out_dir / parent).is_dir():
                    os.mkdir(out_dir / parent)
                    made.append(parent.as_posix())
                    undo.append(("rmdir", out_dir / parent, None))
            if os.path.lexists(target):
                os.link(target, stage / f"old-{i}")
                undo.append(("rename", stage / f"old-{i}", target))
            else:
                undo.append(("unlink", target, None))
            os.rename(stage / str(i), target)
    except OSError as exc:
        for action, path, back in reversed(undo):
            try:
                if action == "rename":
                    os.rename(path, back)
                elif action == "unlink":
                    os.unlink(path)
                else:
                    os.rmdir(path)
            except OSError:
                pass
        raise faults.failed(exc, "write", Path(exc.filename or out_dir), after=_KEPT) from None
    return made


def _drop_empty(out_dir: Path, folders: set[str]) -> list[str]:
    """Remove folders (and their parents) that removing pages left empty."""
    gone = []
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            path = out_dir / folder
            try:
                if not stat.S_ISDIR(os.lstat(path).st_mode) or os.listdir(path):
                    break
                os.rmdir(path)
            except OSError:
                break
            gone.append(folder)
            folder = os.path.dirname(folder)
    return gone
