"""Build the site: load, index, render, then hand the pages to `output` to write.

Every page has a key, the digest of its inputs (pages.py). A build renders only pages
whose key is not the one the output already holds: the preview keeps a BuildState
between rebuilds, and the CLI keeps one on disk (cache.py, state.py). A build without
either renders and writes everything.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

from ..cache import collector_paused
from ..config import SiteConfig
from ..errors import Report, SourceError, shown_path, warning
from ..files import Notify, exclusive
from ..parallel import Meanwhile, worth_forking
from ..progress import Progress
from ..urls import Urls
from . import replan
from .backed import Backed
from .bodies import render_bodies
from .cache import CacheError, code_version
from .commit import commit_changes
from .content import Article, load_articles
from .excerpts import excerpt_formulas, summary_formulas
from .formulas import MathCache
from .markdown import Rendered
from .output import (
    MARKER,
    check_replaceable,
    copy_static,
    inputs_of,
    write_files,
    write_in_place,
    write_swapped,
)
from .outstat import intact, snapshot
from .pages import digest, path_collisions, plan_pages, site_context
from .render import template_dirs
from .result import BuildResult
from .searchstage import search_stage, whole_index
from .state import BuildState, cached_state, look_at_output, persist, scratch_state
from .static import asset_versions
from .taxonomy import index_site
from .typeset import typeset_all
from .unchanged import Stamp
from .writepages import render_pages, write_pages

__all__ = ["BuildResult", "BuildState", "build", "typeset_formulas"]


def _templates_digest(config: SiteConfig) -> str:
    h = hashlib.sha256()
    for folder in template_dirs(config.templates_dir):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                h.update(str(path).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _settings(config: SiteConfig) -> tuple:
    """The settings pages are made from: not the extractor's (keyword rules, tag aliases)."""
    return (config.title, config.description, config.author, config.language, config.base_url,
            config.updated, config.latest_count,
            tuple((t.slug, t.name, t.description) for t in config.topics),
            tuple((t.name, t.slug) for t in config.tags), sorted(config.retired))


def typeset_formulas(articles: list[Article], rendered: Mapping[str, Rendered], cache: MathCache,
                     notes: dict | None = None, dirty: set | None = None) -> list[SourceError]:
    """Typeset every formula of the site (cached ones are not typeset again);
    each one MathJax rejects is a warning at its line in the content file.

    An article whose digest is in `notes` had all its formulas typeset by an earlier build
    (the cache holds them), and `notes` holds its warnings: it is not looked at again."""
    prune = notes is None and not isinstance(cache.formulas, Backed)
    notes = {} if notes is None else notes
    todo = [a for a in articles if not a.digest or a.digest not in notes]
    typeset_all(site_formulas(todo, rendered), cache, prune=prune)
    found = {}
    for a in todo:
        found[a.slug] = tuple(_warnings_of(a, rendered, cache))
        if a.digest:
            notes[a.digest] = found[a.slug]
            if dirty is not None:
                dirty.add(a.digest)
    return [w for a in articles for w in found.get(a.slug, notes.get(a.digest, ()))]


def site_formulas(articles: list[Article], rendered: Mapping[str, Rendered]) -> list:
    """Every formula the articles' pages and cards show, in order."""
    wanted = []
    for a in articles:
        body = rendered[a.slug]
        wanted += [f for f, _ in body.formulas] + excerpt_formulas(a, body.opening)
    return wanted


def _warnings_of(a: Article, rendered, cache: MathCache) -> list[SourceError]:
    places = [(f, a.body_line + line) for f, line in rendered[a.slug].formulas]
    places += [(f, a.line("summary")) for f in summary_formulas(a)]
    return [warning(a.path, line, f"TeX error in {_short(formula.source)}: {error}")
            for formula, line in places if (error := cache.error_of(formula))]


def _short(source: str, limit: int = 60) -> str:
    return source if len(source) <= limit else source[: limit - 1] + "…"


def build(config: SiteConfig, out_dir: Path | None = None, strict: bool = False,
          state: BuildState | None = None, in_place: bool = False, search: bool = True,
          wait: bool = True, notify: Notify | None = None, cache: Path | None = None,
          progress: Progress | None = None, stamp: Stamp | None = None, keep: dict | None = None
          ) -> BuildResult:
    """Build the site or raise BuildFailed listing every problem at once.

    A full build holds the output's lock from the start, so a second build says at once
    that it waits (through `notify`), or with `wait=False` fails, instead of rendering
    everything first and then hanging in silence. `cache` is the folder of the on-disk
    cache (the CLI's `.feedsite-cache/`); a cache that cannot be used is a warning.
    `stamp` (unchanged.py, taken before anything was read) is kept with the cache, so the
    next CLI build can tell that nothing changed. `keep`: more meta rows for the cache
    (the CLI's parsed site.yaml), written with it, under the lock.
    """
    out_dir = (out_dir or config.output_dir).resolve()
    progress = progress or Progress()
    if in_place and out_dir.is_dir():
        with ExitStack() as cleanup:
            return _build(config, out_dir, strict, state or BuildState(), True, search, progress, (),
                          cleanup)
    # Before the lock: a refused folder gets nothing beside it.
    check_replaceable(out_dir, inputs_of(config))
    with exclusive(out_dir, "build", wait, notify), ExitStack() as cleanup:
        notes: list[SourceError] = []
        looked = None
        if cache is not None:
            looked = look_at_output(cache, out_dir)
            if looked is not None:
                cleanup.callback(looked[1].close)
            with collector_paused():
                state, notes = cached_state(cache, config)
                # What was loaded lives to the end of the build: later collections skip it
                # (frozen while paused, so collector_paused need not move it itself).
                gc.freeze()
            cleanup.callback(gc.unfreeze)  # and then it is collected as usual again
            state.kept.update(keep or {})
        elif state is None:
            state = scratch_state(cleanup)
        try:
            return _build(config, out_dir, strict, state, False, search, progress, tuple(notes),
                          cleanup, stamp, looked)
        finally:
            if state.store is not None:
                state.store.close()


def _build(config: SiteConfig, out_dir: Path, strict: bool, state: BuildState, in_place: bool,
           search: bool, progress: Progress, cache_notes: tuple, cleanup: ExitStack,
           stamp: Stamp | None = None, looked: tuple[dict, Meanwhile] | None = None) -> BuildResult:
    started = time.perf_counter()
    report = Report()
    state.hits.clear()
    articles, problems = load_articles(config, shown_path(config.content_dir, config.root),
                                       state.parsed, state.dirty)
    report.extend(problems)
    report.raise_if_errors(strict)

    index = index_site(config, articles, state.neighbours)
    rendered = render_bodies(index.articles, state, progress)
    urls = Urls(config.base_path)
    # With no index on record, the search stage builds it whole. Neither it nor MathJax
    # needs the other, and MathJax runs in Node: the index is built in a child meanwhile.
    ahead = None
    if search and not state.search and worth_forking(len(index.articles)):
        ahead = Meanwhile(functools.partial(whole_index, index, rendered, urls))
        cleanup.callback(ahead.close)  # a build that fails before its search stage leaves no child
    report.extend(typeset_formulas(index.articles, rendered, state.math, state.notes, state.dirty))
    site = site_context(config, index, urls, asset_versions(config))
    templates = _templates_digest(config)
    # An article's page inputs are its file's digest (content.py): digesting every
    # Article again, bodies and all, was a third of a no-change build's page planning.
    sources = {a.slug: a.digest or digest(a) for a in index.articles}
    common = digest(code_version(), _settings(config), templates, site, state.math.version)

    # Write only what changed: in the preview's folder, or in a folder the last cached
    # build left exactly as it was (and then only for an edit's share of the pages).
    incremental = in_place or (state.store is not None and not strict and state.templates == templates
                               and state.out_dir == str(out_dir) and (out_dir / MARKER).is_file()
                               and (looked[1].result() if looked and looked[0] == state.outputs
                                    else intact(out_dir, state.outputs)))
    previous = state.page_digests if incremental else {}
    # Pages that show no edited article keep the keys they had (replan.py): in a folder
    # that holds them, only the edited articles' pages are planned.
    found = replan.touched(state.plan, common, index.articles, sources) if incremental else None
    pages, plan = _plan(config, index, rendered, urls, state, sources, common, found)
    report.extend(path_collisions(pages))
    report.raise_if_errors(strict)
    todo = [p for p in pages if previous.get(p.path) != p.key]
    if incremental and not in_place and len(todo) > max(64, len(plan.keys) // 20):
        # A whole new site: staged and swapped, every page written.
        incremental, previous = False, {}
        if found is not None:
            pages, plan = _plan(config, index, rendered, urls, state, sources, common, None)
        todo = pages
    total = len(plan.keys)
    state.hits["pages"] = total - len(todo)
    keys = dict(plan.keys)
    changed_index = (search_stage(index, rendered, urls, state, previous, keys, out_dir,
                                  ahead.result if ahead else None) if search else {})

    if in_place or incremental:  # an edit's share of the pages: held, then written
        texts = render_pages(config, todo, site, report, progress, state.compiled)
        report.raise_if_errors(strict)
        texts.update(changed_index)
        if in_place:
            write_in_place(out_dir, texts, set(keys), set(state.page_digests))
            if templates != state.templates:
                copy_static(config, out_dir)
        else:
            state.outputs = commit_changes(out_dir, texts, set(previous) - set(keys), state.outputs)
        written = sorted(texts)
    else:
        written = []

        def stage_pages(stage: Path) -> None:
            written.extend(write_pages(config, todo, site, report, progress, stage, state.compiled))
            report.raise_if_errors(strict)  # before the swap: the old site stays
            write_files(stage, changed_index)
            written.extend(changed_index)

        write_swapped(config, out_dir, stage_pages, check_links=strict)
        written.sort()
        state.outputs = snapshot(out_dir) if state.store is not None else {}
    state.templates, state.page_digests, state.out_dir, state.plan = templates, keys, str(out_dir), plan
    # Only a build that searched: the CLI's always does, and its check replays this one.
    state.unchanged = (stamp, str(out_dir), total, tuple(report.warnings)) \
        if stamp is not None and search and not in_place else ()
    if state.store is not None:
        try:
            persist(state)
        except CacheError as exc:
            cache_notes += (warning(shown_path(state.store.path, config.root), 0,
                                    f"cache not saved: {exc}; the next build starts without it"),)
    return BuildResult(len(written), total, tuple(report.warnings),
                       time.perf_counter() - started, tuple(written),
                       _hits(state, total) if state.store is not None else "", cache_notes)


def _plan(config, index, rendered, urls, state, sources, common, found) -> tuple[list, replan.Plan]:
    """The pages to consider, and the plan the next build starts from: every page, or
    (`found`, from replan.touched) only those that show an edited article."""
    only, changed = found if found is not None else (None, None)
    pages = plan_pages(config, index, rendered, urls, state.math, sources, common, only)
    before = state.plan if found is not None else None
    return pages, replan.record(common, index.articles, sources, pages, before, changed)


def _hits(state: BuildState, pages: int) -> str:
    math = state.math.reused
    return (f"cache: {state.hits['pages']} of {pages} pages unchanged, "
            f"{state.hits['rendered']} bodies and {math} formulas reused")
