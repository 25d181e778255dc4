"""What one build leaves for the next: in memory for the preview, and in the on-disk
cache (cache.py) between CLI runs.

The preview keeps one BuildState across rebuilds. A CLI build loads one from the store
lazily: parsed articles (but their bodies) and the page manifest are read whole
(small); the articles' bodies, rendered bodies and typeset formulas only when a page
that changed needs them (most of the cache's bytes), so an edit at 10,000 articles
reads a few rows of those, not the whole site.
"""
from __future__ import annotations

import functools
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..cache import open_or_renew, peek
from ..config import SiteConfig
from ..errors import SourceError, shown_path, warning
from ..parallel import Meanwhile
from .backed import Backed, formula_key
from .cache import FILE, TABLES, CacheError, Store, open_store, store_version
from .content import Article, body_in_file
from .formulas import MathCache
from .markdown import Rendered
from .metarows import joined, row_names, stored, to_write, value_of
from .outstat import intact
from .replan import Plan


@dataclass
class BuildState:
    """What one build leaves for the next, so the next renders only what changed."""
    rendered: dict[str, Rendered] = field(default_factory=dict)  # body digest -> html
    # content file (its path as a str) -> (stat, Article, problems, digest)
    parsed: dict = field(default_factory=dict)
    page_digests: dict[str, str] = field(default_factory=dict)  # output path -> inputs digest
    templates: str = ""  # digest of every template and static file
    math: MathCache = field(default_factory=MathCache)  # typeset formulas, by TeX and display mode
    notes: dict = field(default_factory=dict)  # article digest -> its TeX warnings
    # The output folder a CLI build last wrote, and each file in it: path -> (bytes digest,
    # stat), so the next can check that the folder still holds exactly that.
    out_dir: str = ""
    outputs: dict = field(default_factory=dict)
    search: dict = field(default_factory=dict)  # searchindex's state, for incremental updates
    neighbours: dict = field(default_factory=dict)  # taxonomy's memo of neighbours and related
    neighbours_stored: str = ""  # the key of the neighbours the store holds (see persist)
    plan: Plan | None = None  # what the last build planned (replan.py)
    compiled: dict = field(default_factory=dict)  # compiled templates (render.KeptBytecode)
    anchors: dict = field(default_factory=dict)  # heading text -> slug, as rendered before
    highlighted: dict = field(default_factory=dict)  # (language, code) -> HTML (bodies.render_bodies)
    kept: dict = field(default_factory=dict)  # meta rows a caller adds (the CLI's site.yaml)
    stored: dict = field(default_factory=dict)  # the big meta rows as the store holds them (metarows.py)
    store: Store | None = None
    hits: Counter = field(default_factory=Counter)  # this build's cache hits, by kind
    dirty: set = field(default_factory=set)  # parsed/notes keys changed this build
    # What the no-change check (unchanged.py) compares: this build's inputs, pages, warnings.
    unchanged: tuple = ()


def _stored(row: tuple) -> tuple[tuple, str | None]:
    """A parsed row as the store keeps it, and its article's body, which is a row of its
    own: an edit's build at 10,000 articles reads every parsed row and a few bodies, and
    the bodies were five sixths of the rows' bytes and half of unpickling them."""
    stat, article, problems, digest = row
    if article is None:
        return row, None
    return (stat, article.bodiless(), problems, digest), article.body


def _loaded(store: Store, path: str, row: tuple) -> tuple:
    """A parsed row from the store, its article's body fetched only if asked for."""
    stat, values, problems, digest = row
    if values is None:
        return row
    return stat, Article.without_body(values, functools.partial(_body, store, path)), problems, digest


def _body(store: Store, path: str) -> str:
    try:
        body = store.get("bodies", path)
    except CacheError:
        body = None  # the store cannot be read now (or is closed): the file has it
    return body if isinstance(body, str) else body_in_file(path)


def load_state(store: Store) -> BuildState:
    """A BuildState backed by `store` (raises CacheError if it cannot be read)."""
    meta = store.all("meta")
    held = stored(meta)
    meta.update((name, value_of(name, found)) for name, found in held.items())
    version, base, font_base = meta.get("math", ("", (), ()))
    math = MathCache(version, base, font_base)
    math.formulas = Backed(store, "math", formula_key)
    return BuildState(
        rendered=Backed(store, "rendered"),
        parsed={path: _loaded(store, path, row) for path, row in store.all("parsed").items()},
        page_digests=page_keys(meta), templates=meta.get("templates", ""),
        math=math, notes=store.all("notes"), out_dir=meta.get("out", ""),
        outputs=meta.get("outputs", {}), search=meta.get("search", {}),
        neighbours={**meta.get("neighbours", {}), "recency": meta.get("recency", {})},
        neighbours_stored=meta.get("neighbours", {}).get("key", ""), plan=meta.get("plan"),
        compiled=meta.get("compiled", {}), anchors=meta.get("anchors", {}),
        highlighted=meta.get("highlighted", {}), stored=held, store=store)


def _stored_page_keys(state: BuildState) -> dict | tuple:
    """The page keys as stored: all but the search files' are the plan's own, so they
    are stored as what differs from the plan's, not twice (2.4 MB less to pickle, write
    and load per cached build at 10,000 articles)."""
    plan = state.plan
    if plan is None:
        return state.page_digests
    beyond = {k: v for k, v in state.page_digests.items() if plan.keys.get(k) != v}
    return beyond, tuple(k for k in plan.keys if k not in state.page_digests)


def page_keys(meta: dict) -> dict:
    """Output path -> page key, from a store's meta rows as `persist` wrote them."""
    keys, plan = meta.get("pages", {}), meta.get("plan")
    if not isinstance(keys, tuple):
        return keys
    if plan is None:  # cannot be, as both are written at once; then every page is written again
        return {}
    beyond, dropped = keys
    keys = {**plan.keys, **beyond}
    for path in dropped:
        del keys[path]
    return keys


def persist(state: BuildState) -> None:
    """Write what this build added or changed back to its store (raises CacheError)."""
    store = state.store
    if store is None:
        return
    rendered = state.rendered.fresh if isinstance(state.rendered, Backed) else {}
    formulas = state.math.formulas.fresh if isinstance(state.math.formulas, Backed) else {}
    parsed = {k: _stored(v) for k, v in state.parsed.items() if k in state.dirty}
    gone = store.keys("parsed") - set(state.parsed)
    # An edit changes the recency memo (it is keyed by file digest), seldom the
    # neighbours: they are written only when their key changed (16 ms of pickling).
    memo = dict(state.neighbours)
    recency = memo.pop("recency", {})
    neighbours = {"neighbours": memo} if memo.get("key", "") != state.neighbours_stored else {}
    # The big rows: an edit writes only what changed in them (metarows.py).
    big, drops, held = {}, set(), {}
    for name, value in (("plan", state.plan), ("outputs", state.outputs), ("recency", recency),
                        ("pages", _stored_page_keys(state)), ("search", state.search)):
        puts, dropped, held[name] = to_write(name, value, state.stored.get(name))
        big.update(puts)
        drops |= dropped
    store.write(
        {"parsed": {k: row for k, (row, _) in parsed.items()},
         "bodies": {k: body for k, (_, body) in parsed.items() if body is not None},
         "notes": {k: v for k, v in state.notes.items() if k in state.dirty},
         "rendered": rendered, "math": formulas,
         # The page keys and the output's stats are one row each (and its delta): read whole
         # by every cached build (the no-change check reads only them); 37,000 rows cost 0.3 s.
         "meta": {"math": (state.math.version, state.math.base, state.math.font_base),
                  "templates": state.templates, "out": state.out_dir, **neighbours, **big,
                  "unchanged": state.unchanged, "compiled": state.compiled, "anchors": state.anchors,
                  "highlighted": state.highlighted, **state.kept}},
        {"parsed": gone, "bodies": gone, "meta": drops})
    state.neighbours_stored = state.neighbours.get("key", "")
    state.stored = {name: rows for name, rows in held.items() if rows is not None}
    if isinstance(state.rendered, Backed):
        state.rendered.written(rendered)
        state.rendered.fresh = {}
    if isinstance(state.math.formulas, Backed):
        state.math.formulas.written(formulas)
        state.math.formulas.fresh = {}
    state.dirty = set()


def scratch_state(scratch: ExitStack) -> BuildState:
    """A build without a cache still keeps its rendered bodies and typeset formulas in a
    store, a scratch one removed when the build ends: held in memory, a big site's were
    most of the build's memory (state.Backed lets them go as they are written)."""
    folder = Path(scratch.enter_context(tempfile.TemporaryDirectory(prefix="feedsite-scratch-")))
    store, _ = open_store(folder, "scratch")
    if store is None:
        return BuildState()  # no room even for that: in memory, as before
    scratch.callback(store.close)
    try:
        return replace(load_state(store), store=None)  # nothing of it is kept
    except CacheError:
        return BuildState()


def cached_state(folder: Path, config: SiteConfig) -> tuple[BuildState, list[SourceError]]:
    """The state the cache in `folder` holds; one that cannot be read is started afresh."""
    shown = shown_path(folder / FILE, config.root)
    state, store, why = open_or_renew(folder, store_version(), FILE, TABLES, load_state)
    if store is None:
        return BuildState(), [warning(shown, 0, f"{why}; building without it")]
    # A fresh store that cannot be read either is still written: this build fills it.
    return state or BuildState(store=store), [warning(shown, 0, why)] if why else []


def look_at_output(cache: Path, out_dir: Path) -> tuple[dict, Meanwhile] | None:
    """Whether `out_dir` is as the last cached build left it (the stat of every file it
    wrote, 0.1 s at 10,000 articles), found by a child while the cache loads: the
    outputs it looks for, and the child. Forked before the cache is loaded, so the
    parent's loading does not copy the pages it shares with the child. The rows are only
    peeked: the build uses the answer only if the cache it loads records the same."""
    rows = peek(cache, FILE, store_version(), ("out", *row_names("outputs")))
    outputs = joined(rows, "outputs")
    if rows.get("out") != str(out_dir) or not outputs:
        return None
    return outputs, Meanwhile(functools.partial(intact, out_dir, outputs))
