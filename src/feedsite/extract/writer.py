"""The plan of writes applied to the content folder, or shown as a diff.

Each file is written beside its target and renamed over it, so a reader (the build, the
preview, an editor) sees the old file or the new one, never half. The writes go in
batches: every temporary file of a batch first, then the renames. On ext4 a rename right
after its file was written waits for the data to be placed, which made writing a
thousand new articles take seconds; batched, the renames find it placed.

A file is rewritten only if it still holds the text the plan was made from: one a
person changed while extract ran (or that the cache's stat could not tell apart) is
left as it is, with a warning, for the next run.
"""
from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import faults
from ..errors import SourceError, shown_path, warning
from ..files import write_file
from .store import UNCHANGED, Write

BATCH = 4096  # a bound on the temporary files one kill can leave (the next run clears them)


def diff(writes: list[Write], root: Path) -> str:
    """What applying `writes` would change, as a unified diff against the files as they are."""
    out = []
    for write in writes:
        if write.status in UNCHANGED:
            continue
        name = shown_path(write.path, root)
        before = write.path.read_text(encoding="utf-8") if write.status != "new" else ""
        out += difflib.unified_diff(before.splitlines(keepends=True), write.text.splitlines(keepends=True),
                                    "/dev/null" if write.status == "new" else f"a/{name}", f"b/{name}")
    return "".join(out)


def apply(writes: list[Write], content_dir: Path,
          each: Callable[[str, list], Iterable] | None = None) -> tuple[list[Write], list[SourceError]]:
    """Write changed files atomically; never outside the content folder.

    Returns the writes that hold on disk, and the problems: the fault that stopped the
    rest (the file it hit keeps its old text whole, and the files after it are left for
    the next run), and any file that changed under the run.
    """
    root = content_dir.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _clear_temporary(root)
    except OSError as exc:
        return [], [faults.problem(exc, "write the content folder", content_dir, folder=True)]
    done: list[Write] = []
    problems: list[SourceError] = []
    batch: list[tuple[Write, Path | None, Path | None]] = []  # (write, target, its temporary file)
    folders: dict[Path, Path] = {}
    for write in (each("writing", writes) if each else writes):
        if write.status in UNCHANGED:  # the file already holds exactly this text
            batch.append((write, None, None))
            continue
        target = _resolved(write.path, folders)
        if target.parent != root or target.suffix != ".md":
            _discard(batch)
            raise ValueError(f"refusing to write outside {root}: {target}")
        if write.before is not None and not _holds(target, write.before):
            problems.append(warning(shown_path(write.path), 0, "changed while extract ran; left as "
                                                               "it is: run extract again"))
            continue
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            write_file(tmp, write.text, named=target)
        except OSError as exc:
            _remove(tmp)
            return _stop(batch, done, problems, _fault(exc, write, target))
        batch.append((write, target, tmp))
        if len(batch) >= BATCH:
            stopped = _rename(batch, done)
            batch = []
            if stopped:
                return done, problems + [stopped]
    stopped = _rename(batch, done)
    return done, problems + ([stopped] if stopped else [])


def _stop(batch, done: list[Write], problems: list[SourceError], fault: SourceError
          ) -> tuple[list[Write], list[SourceError]]:
    """A write failed: what was staged before it still lands, in order, then the run stops."""
    stopped = _rename(batch, done)
    return done, problems + [stopped or fault]


def _rename(batch, done: list[Write]) -> SourceError | None:
    """Put a batch's temporary files in place, in order; at a failure, the rest are removed."""
    for k, (write, target, tmp) in enumerate(batch):
        if tmp is not None:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                _discard(batch[k:])
                return _fault(exc, write, target)
        done.append(write)
    return None


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, with each folder resolved once (`folders`), not once per file: a
    cold run writes thousands, and resolving walks every part of the path. Only a file
    that is a symbolic link itself is resolved whole. (`os.path.islink` says no when it
    cannot tell, as `resolve` went on: the write that follows reports the fault.)"""
    if os.path.islink(path):
        return path.resolve()
    parent = folders.get(path.parent)
    if parent is None:
        parent = folders[path.parent] = path.parent.resolve()
    return parent / path.name


def _fault(exc: OSError, write: Write, target: Path) -> SourceError:
    kept = "the file is unchanged" if write.status != "new" else "the file was not created"
    return faults.problem(exc, "write", target, after=f"; {kept}")


def _holds(target: Path, text: str) -> bool:
    try:  # read as the plan read it (newlines as text mode reads them)
        return target.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _discard(batch) -> None:
    for _, _, tmp in batch:
        if tmp is not None:
            _remove(tmp)


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass  # the folder refuses even that; the write error is what the person needs


def _clear_temporary(root: Path) -> None:
    """What a killed run left; the caller holds the content lock, so no run owns it."""
    for tmp in root.glob(".*.md.tmp"):
        tmp.unlink(missing_ok=True)
