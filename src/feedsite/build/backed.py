"""A dict backed by a table of the build's store: what a build reads of the rendered
bodies and typeset formulas, which are most of the cache's bytes, and what it adds to
them, written back as it goes so that a big site's are never all in memory."""
from __future__ import annotations

from .cache import CacheError, Store
from .formulas import Formula


def formula_key(formula: Formula) -> str:
    return ("D" if formula.display else "I") + formula.tex


class Backed(dict):
    """A dict whose misses are looked up in a table of the store. What is set here is
    `fresh` and written back by `persist`; what is read stays in memory for the build.

    At most LIMIT entries are held: past that, the fresh ones are written to the store
    and all are let go, to be read again if asked for. A cold build of 10,000 articles
    makes 340 MB of typeset formulas; held until the end they were most of its memory."""

    LIMIT = 2048
    # Keys asked about one by one before the table's keys are read whole: an edit's
    # build asks about a few formulas of 34,000 (reading their keys took 17 to 90 ms).
    ASKED = 64

    def __init__(self, store: Store, table: str, encode=str):
        super().__init__()
        self.store, self.table, self.encode = store, table, encode
        self._known: set | None = None
        self._asked = 0
        self.fresh: dict = {}
        self.hits = 0
        self.limit = self.LIMIT

    @property
    def known(self) -> set:
        """The keys the store's table holds (read when first needed)."""
        if self._known is None:
            try:
                self._known = self.store.keys(self.table)
            except CacheError:
                self._known = set()  # read fails now: every entry is the caller's miss
        return self._known

    def _stored(self, code: str) -> bool:
        if self._known is None and self._asked < self.ASKED:
            self._asked += 1
            try:
                return self.store.has(self.table, code)
            except CacheError:
                return False
        return code in self.known

    def __missing__(self, key):
        code = self.encode(key)
        if self._known is not None and code not in self._known:
            raise KeyError(key)
        try:
            value = self.store.get(self.table, code)
        except CacheError:
            value = None  # read fails now: the build recomputes it (the caller's miss)
        if value is None:
            if self._known is not None:
                self._known.discard(code)
            raise KeyError(key)
        self.hits += 1
        self._hold(key, value)
        return value

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or self._stored(self.encode(key))

    def written(self, codes) -> None:
        """`codes` are in the store now (as the table's key set knows, once read)."""
        if self._known is not None:
            self._known |= set(codes)

    def __setitem__(self, key, value) -> None:
        self.fresh[self.encode(key)] = value
        self._hold(key, value)

    def _hold(self, key, value) -> None:
        if len(self) >= self.limit:
            self.spill()
        dict.__setitem__(self, key, value)

    def spill(self) -> None:
        """Write the fresh entries to the store and let every entry go. A store that
        cannot be written keeps them all in memory (persist then warns)."""
        if self.fresh:
            try:
                self.store.write({self.table: self.fresh})
            except CacheError:
                self.limit = float("inf")
                return
            self.written(self.fresh)
            self.fresh = {}
        dict.clear(self)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def clear(self) -> None:
        """Every entry gone, the stored ones too (a new engine version's formulas)."""
        dict.clear(self)
        self.fresh.clear()
        try:
            self.store.write({}, {self.table: set(self.known)})
        except CacheError:
            pass  # persist fails the same way and warns
        self.known.clear()

    def update(self, *args, **kwargs) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
