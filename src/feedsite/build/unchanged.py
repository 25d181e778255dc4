"""A CLI build with nothing to do, found before anything is loaded.

`make`'s rule, as Ninja and Bazel keep it: a build's output is a function of its inputs,
so when every input is as the last build found it and the output is as that build left
it, there is nothing to do. The inputs are the command (its arguments and folder),
site.yaml's bytes, feedsite's and MathJax's versions, and the stat of every file in the
content folder and the template folders. site.yaml names those folders; its bytes being
the same, they are the folders the last build listed. The output is every file of
`public/`, by stat (outstat.py's `intact`).

This module imports nothing heavy (no Jinja2, Markdown, YAML or pypinyin): at 10,000
articles a no-change build is then a listing, a stat of `public/` and one row of the
cache, instead of seconds of loading what will not be used.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..cache import CacheError, peek
from ..files import Notify, exclusive
from .cache import FILE, open_store, store_version
from .metarows import ROWS, joined, row_names
from .outstat import intact, leftovers
from .result import BuildResult

# Content newer than this may still change within its mtime's tick (content.py's RACY_NS):
# a build that read it records no stamp, so the next one looks again.
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Stamp:
    """What a build was made from: `command` digests the command and site.yaml, `listing`
    the stat of every file in `folders`; None when some input was too new to vouch for."""
    command: str
    folders: tuple[str, ...]
    listing: str | None


def command_digest(config_path: Path, arguments: tuple) -> str:
    """The command, its folder and site.yaml's bytes. (feedsite's and MathJax's versions
    are the cache's own: a store of another version is found empty.)"""
    try:
        text = config_path.read_bytes()
    except OSError:
        text = b""  # the build itself says why it cannot read it
    parts = (os.getcwd(), str(config_path), arguments, text)
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def listing_digest(folders: tuple[str, ...], now_ns: int | None = None) -> str | None:
    """The stat of every file under `folders`; None if one changed in the last RACY_NS."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    h = hashlib.sha256()
    stack = list(reversed(folders))
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            h.update(f"missing {folder}\0".encode("utf-8", "surrogateescape"))
            continue
        h.update(f"in {folder}\0".encode("utf-8", "surrogateescape"))
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:
                return None  # gone since the listing: let the build find out
            if now_ns - st.st_mtime_ns < RACY_NS:
                return None
            h.update(f"{entry.name}\0{st.st_mtime_ns}\0{st.st_size}\0{st.st_ino}\0"
                     .encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def take_stamp(command: str, folders: tuple[str, ...], seen: Stamp | None = None) -> Stamp:
    """Taken before the build reads anything: a file changed during the build then makes
    the next build's listing differ, never a stamp that vouches for the new bytes.
    `seen` is the check's own, taken earlier still: used when it lists the same folders."""
    if seen is not None and seen.command == command and seen.folders == folders:
        return seen
    return Stamp(command, folders, listing_digest(folders))


def check(cache_folder: Path, command: str, wait: bool = True, notify: Notify | None = None
          ) -> tuple[tuple[Path, BuildResult] | None, Stamp | None]:
    """The output folder and the last build's outcome if nothing changed since it (None
    means build), and the stamp of the inputs as the check found them, if it listed them:
    the build keeps that one instead of listing a second time (a tenth of an edit's build
    at 10,000 articles). The output's lock is held while looking, so a build under way is
    waited for first."""
    started = time.perf_counter()
    # Before the lock, a peek: the build holding it may be stopped mid-write (cache.peek).
    recorded = peek(cache_folder, FILE, store_version(), ("unchanged",)).get("unchanged")
    if not isinstance(recorded, tuple) or len(recorded) != 4 or not isinstance(recorded[0], Stamp) \
            or recorded[0].command != command:
        return None, None
    with exclusive(Path(recorded[1]), "build", wait, notify), _store(cache_folder) as store:
        recorded = _row(store, "unchanged")  # as a build we waited for left it
        if not recorded or recorded[0].command != command:
            return None, None
        stamp, out_dir, pages, warnings = recorded
        now = Stamp(command, stamp.folders, listing_digest(stamp.folders))
        # The output's stats (37,000 at 10,000 articles) are read only if the inputs match.
        if (stamp.listing is None or now.listing != stamp.listing
                or leftovers(Path(out_dir))  # a killed build's: the build tidies them
                or not intact(Path(out_dir), _row(store, "outputs"))):
            return None, now
    said = f"cache: {pages} of {pages} pages unchanged, no input changed since the last build"
    return (Path(out_dir), BuildResult(0, pages, warnings, time.perf_counter() - started, (), said)), now


@contextmanager
def _store(cache_folder: Path):
    """The build store, open while the check looks under the output's lock; None if
    there is none yet (the build makes one, not this look) or it cannot be opened."""
    store = None
    if (cache_folder / FILE).is_file():
        store = open_store(cache_folder, store_version())[0]
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def _row(store, name: str):
    """The last build's record `name` (its stamp record, or its output's stats), or None."""
    if store is None:
        return None
    try:
        if name not in ROWS:
            return store.get("meta", name)
        return joined(store.get_many("meta", list(row_names(name))), name)
    except CacheError:
        return None
