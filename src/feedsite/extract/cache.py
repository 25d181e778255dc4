"""The extraction cache: `.feedsite-cache/extract.sqlite` beside site.yaml when the CLI
extracts (the Python API uses none unless asked), so a re-extraction does only the work
whose inputs changed.

Every entry is keyed by all that its value was made from:

- `dumps`: a dump's excerpts and problems, by its shown path and bytes;
- `readings`: an article's terms and counts (`salience.Reading`), by its text;
- `rarity`: how rare each term is in Chinese at large, one table for the whole vocabulary;
- `derived`: an article's title, topic, tags and body, by its text and its `Salience`,
  which is all that titles and tags read of the collection: an article whose salience a
  new dump changed is derived again, every other one is not;
- `files`: a content file as read, by its path and stat (mtime, ctime, size, inode);
- `updates`: the text a content file is rewritten to, by its path, its old text and the
  article (its derived key, id, sources and title); a run that writes a file fills the
  entry the next run will look for.

The file belongs to one version: feedsite's code version and a digest of the rules in
site.yaml that extraction reads (topics, tags). Entries a run did not use are dropped
when it saves, so the file holds one collection, not every one it ever saw.

It is only a cache: one that cannot be read is a warning, never a failed run, and the
run goes on without it. Cached or not, a run writes the same files.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from ..cache import CacheError, Store, code_version, open_or_renew
from ..config import SiteConfig
from ..errors import SourceError, shown_path, warning

FILE = "extract.sqlite"
TABLES = ("dumps", "readings", "rarity", "derived", "files", "updates")
PRUNED = ("dumps", "readings", "derived", "files", "updates")  # rarity only grows
RARITY_KEY = "all"


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def version(config: SiteConfig) -> str:
    """The code and the rules of site.yaml that titles, topics and tags depend on."""
    rules = pickle.dumps((config.topics, config.tags, config.default_topic), protocol=5)
    return f"{code_version()} {digest(rules)}"


class Memo:
    """One run's view of the cache: what it finds, what it adds, saved at the end.
    Without a store (`--no-cache`, the Python API, a cache that failed) it finds nothing
    and keeps nothing, and every stage does its work."""

    def __init__(self, store: Store | None = None, shown: str = "", notes: list[SourceError] | None = None):
        self.store = store
        self.shown = shown
        self.notes: list[SourceError] = list(notes or [])
        self.puts: dict[str, dict] = {t: {} for t in TABLES}
        self.used: dict[str, set[str]] = {t: set() for t in TABLES}

    @property
    def active(self) -> bool:
        return self.store is not None

    def get_many(self, table: str, keys) -> dict:
        keys = list(keys)
        self.used[table].update(keys)
        if self.store is None:
            return {}
        try:
            return self.store.get_many(table, keys)
        except CacheError as exc:
            self._give_up(f"cache ignored: {exc}; extracting without it")
            return {}

    def get(self, table: str, key: str):
        return self.get_many(table, [key]).get(key)

    def put(self, table: str, key: str, value) -> None:
        if self.store is not None:
            self.puts[table][key] = value
            self.used[table].add(key)

    def forget(self, table: str, key: str) -> None:
        """Drop an entry when this run saves: the next one works it out again."""
        self.puts[table].pop(key, None)
        self.used[table].discard(key)

    def save(self) -> None:
        """Write what this run added and drop what it did not use, in one transaction."""
        if self.store is None:
            return
        try:
            drops = {t: self.store.keys(t) - self.used[t] for t in PRUNED}
            self.store.write({t: v for t, v in self.puts.items() if v}, drops)
        except CacheError as exc:
            self._give_up(f"cache not saved: {exc}; the next run extracts without it")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def _give_up(self, message: str) -> None:
        self.notes.append(warning(self.shown, 0, message))
        self.close()
        self.store = None


def open_memo(folder: Path | None, config: SiteConfig) -> Memo:
    """The cache in `folder` (None: no cache). One that cannot be read is started afresh
    with a warning; one that is busy or cannot even be made is done without, with a warning."""
    if folder is None:
        return Memo()
    shown = shown_path(Path(folder) / FILE, config.root)
    _, store, why = open_or_renew(folder, version(config), FILE, TABLES, _readable)
    if store is None:
        return Memo(None, shown, [warning(shown, 0, f"{why}; extracting without it")])
    return Memo(store, shown, [warning(shown, 0, why)] if why else [])


def _readable(store: Store) -> Store:
    store.get("meta", "version")  # a file SQLite opens may still be unreadable
    return store
