"""The persistent caches' floor: one SQLite file of pickled values by text key, and
the code version every entry belongs to. The build (`build/cache.py`,
`.feedsite-cache/build.sqlite`) and the extraction (`extract/memo.py`,
`.feedsite-cache/extract.sqlite`) each keep one file beside site.yaml.

A file belongs to one code version: feedsite's version and a digest of its own source
(plus whatever its user adds). Any other version finds it empty. It is only a cache:
one that cannot be opened, read or written raises CacheError, which its user turns
into a warning, never a failure. SQLite rather than one pickle: a small change reads
and writes a few rows, not the whole site.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import sqlite3
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")

FOLDER = ".feedsite-cache"
_PACKAGE = Path(__file__).resolve().parent


@contextmanager
def collector_paused():
    """Python's cycle collector off while a run builds many objects that live to its
    end (excerpts, readings, a cache's rows) and makes almost no reference cycles: left
    on, it walks those objects again and again, a quarter of a re-extraction's time and
    about half a second of loading a 10,000-article build cache. It runs again, as it
    was, afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            # What was made meanwhile is all in the youngest generation: the first
            # allocation after `enable` would walk it (0.14 s after loading a 10,000-article
            # build cache). Frozen and unfrozen, it moves to the oldest without a pass.
            if not gc.get_freeze_count():  # unfreeze would also free what another froze
                gc.freeze()
                gc.unfreeze()
            gc.enable()


class CacheError(Exception):
    """The cache cannot be used; the message says why, in words."""


class CacheBusy(CacheError):
    """Another process held the store's write lock longer than this one would wait: the
    store is sound, so it is left as it is, never started afresh."""


# SQLite's own default: how long a run under its output's lock waits for another
# process's transaction (a build writing to the same cache for another --out).
WAIT = 5.0


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """feedsite's version and a digest of its Python and JavaScript: a changed line of
    code is a new version, even without a release. The installed versions of the
    libraries whose output lands in the pages or the files are in it too: an upgraded
    Pygments highlights anew, and no cached body keeps the old colours."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".js") and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    h.update("\0".join(library_versions()).encode())
    return f"{__version__}+{h.hexdigest()[:16]}"


# Distributions (names as pip normalises them) whose code decides what a build or an
# extraction writes: Markdown, highlighting, templates, YAML, slugs, word segmentation.
SHAPING = frozenset({"jinja2", "markupsafe", "markdown_it_py", "mdurl", "linkify_it_py", "pygments",
                     "pyyaml", "pypinyin", "python_slugify", "text_unidecode", "unidecode",
                     "rjieba", "django_static_mathjax"})


def library_versions(path: list[str] | None = None) -> list[str]:
    """`name-version` of each SHAPING distribution installed on `path` (sys.path), read
    from the names of their metadata folders: one listing per folder, no import."""
    found = set()
    for folder in sys.path if path is None else path:
        try:
            names = os.listdir(folder or ".")
        except OSError:  # a zip, a folder gone: nothing installed there as a folder
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                dist, _, version = stem.partition("-")
                if dist.lower().replace("-", "_").replace(".", "_") in SHAPING:
                    found.add(f"{dist.lower()}-{version}")
    return sorted(found)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        from .faults import cause
        return cause(exc)
    return str(exc) or type(exc).__name__


class Store:
    """Tables of pickled values by text key. Reads and writes raise CacheError."""

    def __init__(self, folder: Path, version: str, file: str, tables: tuple[str, ...]):
        self.path = Path(folder) / file
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            for table in ("meta", *tables):
                self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (k TEXT PRIMARY KEY, v BLOB)")
            if self.get("meta", "version") != version:
                self._db.execute("BEGIN")
                for table in ("meta", *tables):
                    self._db.execute(f"DELETE FROM {table}")
                # A table an older version kept and this one does not: its rows would stay.
                for (table,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                                 ).fetchall():
                    if table not in ("meta", *tables):
                        self._db.execute(f"DROP TABLE {table}")
                self._db.execute("INSERT INTO meta VALUES ('version', ?)", (pickle.dumps(version),))
                self._db.execute("COMMIT")
        except (sqlite3.Error, OSError, CacheError) as exc:
            raise _failed("cannot open it", exc) from None

    def _connect(self) -> sqlite3.Connection:
        self._pid = os.getpid()
        return sqlite3.connect(self.path, timeout=WAIT, check_same_thread=False,
                               isolation_level=None)

    @property
    def db(self) -> sqlite3.Connection:
        """This process's connection: a forked render worker (parallel.py) must not
        use its parent's, so it opens its own (it only reads)."""
        if self._pid != os.getpid():
            self._inherited = self._db  # kept, not closed: closing it would touch the parent's
            self._db = self._connect()
        return self._db

    def get(self, table: str, key: str):
        return self.get_many(table, [key]).get(key)

    def get_many(self, table: str, keys) -> dict:
        keys = list(keys)
        out = {}
        try:
            if len(keys) >= 1000 and self._rows(table) <= 2 * len(keys):
                # Most of the table: one pass over it costs less than a lookup per key.
                wanted = set(keys)
                for k, v in self.db.execute(f"SELECT k, v FROM {table}"):
                    if k in wanted:
                        out[k] = pickle.loads(v)
                return out
            for at in range(0, len(keys), 500):  # SQLite caps the number of parameters
                chunk = keys[at:at + 500]
                marks = ",".join("?" * len(chunk))
                for k, v in self.db.execute(f"SELECT k, v FROM {table} WHERE k IN ({marks})", chunk):
                    out[k] = pickle.loads(v)
        except (sqlite3.Error, OSError, pickle.UnpicklingError, EOFError, AttributeError,
                ImportError, TypeError, ValueError) as exc:
            raise _failed("cannot read it", exc) from None
        return out

    def _rows(self, table: str) -> int:
        return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def all(self, table: str) -> dict:
        try:
            return {k: pickle.loads(v) for k, v in self.db.execute(f"SELECT k, v FROM {table}")}
        except (sqlite3.Error, OSError, pickle.UnpicklingError, EOFError, AttributeError,
                ImportError, TypeError, ValueError) as exc:
            raise _failed("cannot read it", exc) from None

    def has(self, table: str, key: str) -> bool:
        try:
            return self.db.execute(f"SELECT 1 FROM {table} WHERE k = ?", (key,)).fetchone() is not None
        except sqlite3.Error as exc:
            raise _failed("cannot read it", exc) from None

    def keys(self, table: str) -> set[str]:
        try:
            return {k for (k,) in self.db.execute(f"SELECT k FROM {table}")}
        except sqlite3.Error as exc:
            raise _failed("cannot read it", exc) from None

    def write(self, puts: dict[str, dict], drops: dict[str, set] | None = None) -> None:
        """One transaction: every put and drop, or (killed, failed) none of them."""
        try:
            self.db.execute("BEGIN")
            for table, keys in (drops or {}).items():
                self.db.executemany(f"DELETE FROM {table} WHERE k = ?", ((k,) for k in keys))
            for table, items in puts.items():
                self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                                     ((k, pickle.dumps(v, protocol=5)) for k, v in items.items()))
            self.db.execute("COMMIT")
        except (sqlite3.Error, OSError, pickle.PicklingError) as exc:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise _failed("cannot write it", exc) from None

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass


def _failed(doing: str, exc: BaseException) -> CacheError:
    busy = isinstance(exc, CacheBusy) or getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
    return (CacheBusy if busy else CacheError)(f"{doing}: {_why(exc)}")


def peek(folder: Path, file: str, version: str, keys: tuple[str, ...]) -> dict:
    """Rows `keys` of the store's `meta`, read without taking any lock (SQLite's
    immutable mode), or {} if it has none for `version` or cannot be read.

    For a look before the output's lock: the build holding that lock may be stopped in
    the middle of opening or writing the store, and a locking read then waits, in
    SQLite's WAL retry loop, about 10 s that no busy timeout bounds (CI caught `--no-wait`
    taking 20 s). Without locks a row may be stale or torn, so callers take what this
    returns only as a hint, checked again under the lock or by its own key. It reads the
    main file, not the WAL: what a connection still open has not yet moved into the file
    is missed (a build's store moves it when the build closes it), which costs the slower
    path, never a wrong result."""
    path = Path(folder).absolute() / file  # a URI needs an absolute path
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)
    except sqlite3.Error:
        return {}
    try:
        marks = ",".join("?" * (len(keys) + 1))
        found = {k: pickle.loads(v) for k, v in db.execute(
            f"SELECT k, v FROM meta WHERE k IN ({marks})", ("version", *keys))}
    except Exception:  # noqa: BLE001 - a torn row can fail to unpickle in any way
        return {}
    finally:
        db.close()
    return found if found.pop("version", None) == version else {}


def open_store(folder: Path, version: str, file: str, tables: tuple[str, ...],
               fresh: bool = False) -> tuple[Store | None, CacheError | None]:
    """The store `file` in `folder` with `tables` besides `meta` (`fresh`: its old file
    removed first), or None and why not (CacheBusy: it is sound, so not to be started
    afresh)."""
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(Path(folder) / (file + suffix))
            except FileNotFoundError:
                pass
            except OSError as exc:
                return None, CacheError(f"cannot remove it: {_why(exc)}")
    try:
        return Store(folder, version, file, tables), None
    except CacheError as exc:
        return None, exc


def open_or_renew(folder: Path, version: str, file: str, tables: tuple[str, ...],
                  read: Callable[[Store], T]) -> tuple[T | None, Store | None, str]:
    """The store `file` in `folder`, what `read` makes of it, and what a warning must say
    ("" when all went well). Both caches open their store so:

    - it opens and reads: (value, store, "");
    - it cannot be read: it is started afresh, (read of the fresh store or None, store,
      "cache ignored: …; it is rebuilt");
    - it is busy (sound, only held by another process, so kept as it is), or cannot even
      be made: (None, None, "cache not used: …"), and the caller goes without it."""
    store, why = open_store(folder, version, file, tables)
    if store is not None:
        try:
            return read(store), store, ""
        except CacheError as exc:
            why = exc
            store.close()
    if isinstance(why, CacheBusy):
        return None, None, f"cache not used: {why}"
    store, again = open_store(folder, version, file, tables, fresh=True)
    if store is None:
        return None, None, f"cache not used: {again}"
    try:
        value = read(store)
    except CacheError:
        value = None
    return value, store, f"cache ignored: {why}; it is rebuilt"
