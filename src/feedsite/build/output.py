"""Writing the built site: a full build is staged beside the output folder and
swapped in under a lock, so a failed or killed build leaves the previous site
intact; the preview instead rewrites changed pages in place.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..config import SiteConfig
from ..errors import BuildFailed, shown_path
from . import assets
from .check import check_site
from .pages import FONTS
from .render import template_dirs

STATIC_DIR = "static"  # inside a templates folder; copied to assets/


def write_files(root: Path, texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def copy_static(config: SiteConfig, root: Path) -> None:
    # Later folders are the defaults; a site's own static files override them.
    for folder in reversed(template_dirs(config.templates_dir)):
        static = folder / STATIC_DIR
        if static.is_dir():
            shutil.copytree(static, root / "assets", dirs_exist_ok=True)


@contextmanager
def _exclusive(out_dir: Path):
    """One full build of a folder at a time. Whoever holds the lock also clears
    what a killed build left beside the output: no other build can own it."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.with_name(f".{out_dir.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in out_dir.parent.glob(f".{out_dir.name}.[bo][ul][id]*-*"):
            if leftover.is_dir():  # .building-* and .old-* folders
                shutil.rmtree(leftover, ignore_errors=True)
        yield


def write_swapped(config: SiteConfig, out_dir: Path, texts: dict[str, str], search: bool,
                   check_links: bool = False) -> None:
    with _exclusive(out_dir):
        _stage_and_swap(config, out_dir, texts, search, check_links)


def _stage_and_swap(config: SiteConfig, out_dir: Path, texts: dict[str, str], search: bool,
                    check_links: bool) -> None:
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        write_files(stage, texts)
        copy_static(config, stage)
        assets.copy_math_fonts(stage / "assets" / FONTS)
        if search:
            assets.build_search_index(stage)
        if check_links:  # before the swap, so a strict failure leaves the old site in place
            broken = check_site(stage, config.base_path, shown_as=shown_path(out_dir, config.root))
            if broken:
                raise BuildFailed(broken)
        os.chmod(stage, 0o755)
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        if out_dir.exists():
            os.rename(out_dir, old)
        os.rename(stage, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def write_in_place(out_dir: Path, texts: dict[str, str], planned: set[str], previous: set[str]) -> None:
    """Preview rebuild: rewrite changed pages, drop pages that no longer exist."""
    for rel in previous - planned:
        (out_dir / rel).unlink(missing_ok=True)
    for rel, text in texts.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, target)  # a reader never sees half a page

