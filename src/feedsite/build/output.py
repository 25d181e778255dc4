"""Writing the built site: a full build is staged beside the output folder and
swapped in under a lock, so a failed or killed build leaves the previous site
intact; the preview instead rewrites changed pages in place.

A full build replaces `--out` only when it is missing, empty, or a site feedsite
built (it carries MARKER); anything else is someone's files and is left alone.
"""
from __future__ import annotations

import array
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import faults
from ..config import SiteConfig
from ..errors import BuildFailed, SourceError, shown_path
from ..files import sibling, write_atomic, write_file
from . import assets
from .check import check_site
from .outstat import BUILDING, OLD, leftovers
from .pages import FONTS
from .static import static_sources

MARKER = ".feedsite-site"
MARKER_TEXT = ("This folder is a site built by feedsite. `feedsite build` replaces it whole:\n"
               "keep nothing else in it.\n")
# What a build from before MARKER existed wrote at the top of its folder (the page kinds
# of urls.Urls, assets/ and pagefind/). Such a folder is replaced as ours, once; the new
# site then carries MARKER.
_UNMARKED_BUILD = frozenset({"index.html", "404.html", "atom.xml", "sitemap.xml", "robots.txt",
                             "articles", "topics", "tags", "search", "assets", "pagefind"})
_KEPT = "; the previous site is unchanged"


def write_files(root: Path, texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, text)


def copy_static(config: SiteConfig, root: Path) -> None:
    for name, source in static_sources(config).items():
        target = root / "assets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def check_replaceable(out_dir: Path, inputs: dict[str, Path] | None = None) -> None:
    """Raise BuildFailed unless `out_dir` is missing, empty or a site feedsite built,
    and holds none of `inputs` (the project's own folders, which a swap would delete)."""
    shown = faults.shown(out_dir, folder=True)
    held = [what for what, p in (inputs or {}).items() if p == out_dir or out_dir in p.parents]
    if held:
        raise BuildFailed([SourceError(shown, 0, f"refusing to replace it: it holds {held[0]}, "
                                                 "an input of the build; choose an --out outside it")])
    try:
        mode = os.lstat(out_dir).st_mode
        names = os.listdir(out_dir) if stat.S_ISDIR(mode) else None
    except FileNotFoundError:
        return
    except OSError as exc:
        raise faults.failed(exc, "use it as the output folder", out_dir, folder=True) from None
    if names is None:
        why, advice = "is a file, not a site folder", "choose another --out"
    elif not names or MARKER in names or _unmarked_build(out_dir, names):
        return
    else:
        sample = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
        why = f"is not a site feedsite built (no {MARKER} in it; it holds {sample})"
        advice = "choose an empty or new --out, or move its files away"
    raise BuildFailed([SourceError(shown.rstrip("/") if names is None else shown, 0,
                                   f"{why}; it was left untouched ({advice})")])


def _unmarked_build(out_dir: Path, names: list[str]) -> bool:
    # MathJax's config script (math typeset in the browser) or its fonts (at build time).
    math = (out_dir / "assets" / "mathjax-config.js").is_file() or (out_dir / "assets" / FONTS).is_dir()
    return set(names) <= _UNMARKED_BUILD and (out_dir / "index.html").is_file() and math


def clear_leftovers(out_dir: Path) -> None:
    """Remove what a killed build left beside the output. Only the lock holder may:
    no other build can own them."""
    for path in leftovers(out_dir):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)


def _unremovable(out_dir: Path) -> OSError | None:
    """Why the previous site could not be removed after the swap, found before anything
    is written: otherwise a half-deleted `.old` folder would stay beside it."""
    if not out_dir.is_dir():
        return None
    for folder, _dirs, names in os.walk(out_dir):
        if not os.access(folder, os.W_OK | os.X_OK):
            return _refused(folder)
        for name in names:
            # A file a folder may not drop: only an immutable one (root passes mode checks,
            # and anyone may delete a read-only file from a writable folder).
            path = os.path.join(folder, name)
            if not os.access(path, os.W_OK, follow_symlinks=False) and _immutable(path):
                return _refused(path)
    return None


def _refused(path: str) -> OSError:
    """The error a write to `path` meets, which os.access does not tell."""
    code = (errno.EROFS if os.statvfs(path).f_flag & os.ST_RDONLY
            else errno.EPERM if _immutable(path) else errno.EACCES)
    return OSError(code, os.strerror(code), path)


_FS_IOC_GETFLAGS = 0x80086601  # Linux: the flags `lsattr` shows
_IMMUTABLE_OR_APPEND = 0x10 | 0x20


def _immutable(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags)
        return bool(flags[0] & _IMMUTABLE_OR_APPEND)
    except OSError:
        return False  # no such flags on this file system or platform
    finally:
        os.close(fd)


def inputs_of(config: SiteConfig) -> dict[str, Path]:
    """What a build reads, most specific first, as an error would name it."""
    folders = {"the content folder": config.content_dir, "the feeds folder": config.feeds_dir,
               "the templates folder": config.templates_dir, "the project folder": config.root}
    return {f"{what} {faults.shown(p, folder=True)}": p.resolve() for what, p in folders.items()}


def write_swapped(config: SiteConfig, out_dir: Path, write_pages: Callable[[Path], None],
                  check_links: bool = False) -> None:
    """Stage the whole site beside `out_dir` and swap it in. The caller holds the lock.
    `write_pages(stage)` writes the pages into the staging folder as they are rendered
    (never the whole site in memory); anything it raises leaves the old site as it was."""
    check_replaceable(out_dir, inputs_of(config))
    clear_leftovers(out_dir)
    blocked = _unremovable(out_dir)
    if blocked is not None:
        raise faults.failed(blocked, f"replace it: {shown_path(blocked.filename)} cannot be removed",
                            out_dir, folder=True, after=_KEPT)
    try:
        stage = Path(tempfile.mkdtemp(prefix=sibling(out_dir, BUILDING).name, dir=out_dir.parent))
    except OSError as exc:
        raise faults.failed(exc, f"write beside it in {faults.shown(out_dir.parent, folder=True)}",
                            out_dir, folder=True, after=_KEPT) from None
    try:
        try:
            _stage(config, stage, out_dir, write_pages, check_links)
        except OSError as exc:
            raise _staging_failed(exc, stage, out_dir) from None
        _swap(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _stage(config: SiteConfig, stage: Path, out_dir: Path, write_pages: Callable[[Path], None],
           check_links: bool) -> None:
    write_pages(stage)
    copy_static(config, stage)
    assets.copy_math_fonts(stage / "assets" / FONTS)
    if check_links:  # before the swap, so a strict failure leaves the old site in place
        broken = check_site(stage, config.base_path, shown_as=shown_path(out_dir, config.root))
        if broken:
            raise BuildFailed(broken)
    write_file(stage / MARKER, MARKER_TEXT)
    os.chmod(stage, 0o755)


def _staging_failed(exc: OSError, stage: Path, out_dir: Path) -> BuildFailed:
    """The fault named at the file it hit, as it would have been called in `out_dir`."""
    # A failed copy names its source first and the file it was writing second.
    written = exc.filename2 if exc.filename2 is not None else exc.filename
    where = Path(os.fsdecode(written)) if written is not None else stage
    try:
        where = out_dir / where.relative_to(stage)
    except ValueError:
        pass  # a source file (a template, MathJax): name it as it is
    return faults.failed(exc, "write", where, after=_KEPT)


def _swap(stage: Path, out_dir: Path) -> None:
    old = sibling(out_dir, f"{OLD}{os.getpid()}")
    moved = False
    try:
        if os.path.lexists(out_dir):
            os.rename(out_dir, old)
            moved = True
        os.rename(stage, out_dir)
    except OSError as exc:
        if moved:
            os.rename(old, out_dir)  # put the previous site back
        raise faults.failed(exc, "replace it with the new site", out_dir, folder=True,
                            after=_KEPT) from None
    shutil.rmtree(old, ignore_errors=True)


def write_in_place(out_dir: Path, texts: dict[str, str], planned: set[str], previous: set[str]) -> None:
    """Preview rebuild: rewrite changed pages, drop pages that no longer exist."""
    target = out_dir
    try:
        for rel in previous - planned:
            target = out_dir / rel
            target.unlink(missing_ok=True)
        for rel, text in texts.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)  # a reader never sees half a page
    except OSError as exc:
        raise faults.failed(exc, "write", target) from None

