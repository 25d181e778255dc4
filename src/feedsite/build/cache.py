"""The persistent build cache: one SQLite file, `.feedsite-cache/build.sqlite` beside
site.yaml when the CLI builds (the Python API uses none unless asked).

Every entry is keyed by what it was made from: a parsed article by its file's path, stat
and bytes; a rendered body by its title and text; a typeset formula by its TeX and display
mode; a written page by the digest of its inputs (with its bytes' digest and the stat of
the file written, so a later build can tell that `public/` still holds it). The whole file
belongs to one code version: feedsite's version, a digest of its own source and the
MathJax engine's version. Any other version finds it empty.

It is only a cache. One that cannot be opened, read or written makes a warning, never a
failed build: the build goes on without it, and the next one starts it afresh. The
store itself lives on the floor (`feedsite/cache.py`), shared with the extraction cache.
"""
from __future__ import annotations

from pathlib import Path

from .. import cache
from ..cache import FOLDER, CacheError, Store, code_version

FILE = "build.sqlite"
TABLES = ("parsed", "rendered", "math", "notes")

__all__ = ["FILE", "FOLDER", "TABLES", "CacheError", "Store", "code_version", "open_store"]


def open_store(folder: Path, version: str, fresh: bool = False) -> tuple[Store | None, str]:
    """The build store in `folder` (`fresh`: its old file removed first), or None and why not."""
    return cache.open_store(folder, version, FILE, TABLES, fresh)
