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

import hashlib
import os
import pickle
from pathlib import Path

from .. import cache
from ..cache import FOLDER, CacheBusy, CacheError, Store, code_version
from ..config import SiteConfig, load_config

FILE = "build.sqlite"
TABLES = ("parsed", "bodies", "rendered", "math", "notes")

__all__ = ["FILE", "FOLDER", "TABLES", "CacheBusy", "CacheError", "Store", "cached_config", "code_version",
           "open_store", "store_version"]


def open_store(folder: Path, version: str, fresh: bool = False) -> tuple[Store | None, CacheError | None]:
    """The build store in `folder` (`fresh`: its old file removed first), or None and why not."""
    return cache.open_store(folder, version, FILE, TABLES, fresh)


def store_version() -> str:
    """What the store's rows belong to: feedsite's code and the MathJax engine."""
    from .typeset import engine_version  # the build's stdlib-only corner: no Jinja2 yet

    return f"{code_version()} {engine_version()}"


def cached_config(folder: Path, path: Path) -> tuple[SiteConfig, dict]:
    """site.yaml read through the cache: its tags' slugs need pypinyin, whose
    dictionaries take 0.3 s to load, a third of an edit's build. Kept by the bytes of the
    file, where it is (and resolves to) and the folder the command runs in: config.py
    reads nothing else. Also the meta row for the build to keep ({} if the cache has it):
    this runs before the output's lock, so it only peeks (cache.peek) and never writes."""
    key = hashlib.sha256(pickle.dumps((os.getcwd(), str(path), str(path.parent.resolve()),
                                       _bytes(path)))).hexdigest()
    found = cache.peek(folder, FILE, store_version(), ("config",)).get("config")
    if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
        return found[1], {}
    config = load_config(path)
    return config, {"config": (key, config)}


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # load_config says why
