"""Build the site: load, index, render, then hand the pages to `output` to write.

A full build renders every page; the preview server keeps a BuildState between
rebuilds and renders only pages whose view model changed.
"""
from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SiteConfig
from ..errors import Report, SourceError, shown_path, warning
from ..files import Notify, exclusive
from ..urls import Urls
from .content import Article, load_articles
from .excerpts import excerpt_formulas, summary_formulas
from .formulas import MathCache
from .markdown import Rendered, render_markdown
from .output import check_replaceable, copy_static, inputs_of, write_in_place, write_swapped
from .pages import Page, path_collisions, plan_pages, site_context
from .render import make_env, render_template, template_dirs
from .searchindex import search_files
from .searchtext import search_docs
from .static import asset_url, asset_versions
from .taxonomy import index_site
from .typeset import typeset_all


@dataclass
class BuildState:
    """What one build leaves for the next, so the preview rebuilds only what changed."""
    rendered: dict[str, Rendered] = field(default_factory=dict)  # body digest -> html
    parsed: dict = field(default_factory=dict)  # content file -> (stat, Article, problems)
    page_digests: dict[str, str] = field(default_factory=dict)  # output path -> inputs digest
    templates: str = ""  # digest of every template and static file
    math: MathCache = field(default_factory=MathCache)  # typeset formulas, by TeX and display mode


@dataclass(frozen=True)
class BuildResult:
    written: int
    pages: int
    warnings: tuple[SourceError, ...]
    seconds: float
    changed: tuple[str, ...]  # output paths rewritten (for the preview's reload)


def _digest(*parts: object) -> str:
    # pickle, not repr: it walks the frozen view models in C, several times faster.
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


def _templates_digest(config: SiteConfig) -> str:
    h = hashlib.sha256()
    for folder in template_dirs(config.templates_dir):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                h.update(str(path).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def render_bodies(articles, state: BuildState) -> dict[str, Rendered]:
    """Markdown for every article; unchanged bodies come from the last build."""
    out, cache = {}, {}
    for article in articles:
        key = hashlib.sha256(f"{article.title}\0{article.body}".encode("utf-8", "surrogatepass")).hexdigest()
        cache[key] = state.rendered.get(key) or render_markdown(article.body, article.title)
        out[article.slug] = cache[key]
    state.rendered = cache
    return out


def typeset_formulas(articles: list[Article], rendered: dict[str, Rendered], cache: MathCache
                     ) -> list[SourceError]:
    """Typeset every formula of the site (cached ones are not typeset again);
    each one MathJax rejects is a warning at its line in the content file."""
    wanted = []
    for a in articles:
        body = [f for f, _ in rendered[a.slug].formulas]
        wanted += body + excerpt_formulas(a, body)
    typeset_all(wanted, cache)
    problems = []
    for a in articles:
        places = [(f, a.body_line + line) for f, line in rendered[a.slug].formulas]
        places += [(f, a.line("summary")) for f in summary_formulas(a)]
        for formula, line in places:
            error = cache.formulas[formula].error
            if error:
                problems.append(warning(a.path, line, f"TeX error in {_short(formula.source)}: {error}"))
    return problems


def _short(source: str, limit: int = 60) -> str:
    return source if len(source) <= limit else source[: limit - 1] + "…"


def build(config: SiteConfig, out_dir: Path | None = None, strict: bool = False,
          state: BuildState | None = None, in_place: bool = False, search: bool = True,
          wait: bool = True, notify: Notify | None = None) -> BuildResult:
    """Build the site or raise BuildFailed listing every problem at once.

    A full build holds the output's lock from the start, so a second build says at once
    that it waits (through `notify`), or with `wait=False` fails, instead of rendering
    everything first and then hanging in silence.
    """
    out_dir = (out_dir or config.output_dir).resolve()
    state = state if state is not None else BuildState()
    if in_place and out_dir.is_dir():
        return _build(config, out_dir, strict, state, True, search)
    # Before the lock: a refused folder gets nothing beside it.
    check_replaceable(out_dir, inputs_of(config))
    with exclusive(out_dir, "build", wait, notify):
        return _build(config, out_dir, strict, state, False, search)


def _build(config: SiteConfig, out_dir: Path, strict: bool, state: BuildState, in_place: bool,
           search: bool) -> BuildResult:
    started = time.perf_counter()
    report = Report()
    articles, problems = load_articles(config, shown_path(config.content_dir, config.root),
                                       state.parsed)
    report.extend(problems)
    report.raise_if_errors(strict)

    index = index_site(config, articles)
    rendered = render_bodies(index.articles, state)
    report.extend(typeset_formulas(index.articles, rendered, state.math))
    urls = Urls(config.base_path)
    pages = plan_pages(config, index, rendered, urls, state.math)
    report.extend(path_collisions(pages))
    report.raise_if_errors(strict)
    site = site_context(config, index, urls, asset_versions(config))

    templates = _templates_digest(config)
    if templates != state.templates or not in_place:
        state.page_digests = {}
    digests = {p.path: _digest(site, p.template, p.context) for p in pages}
    todo = [p for p in pages if state.page_digests.get(p.path) != digests[p.path]]
    texts = _render_all(config, todo, site, report)
    report.raise_if_errors(strict)
    # The search index is rebuilt every time (40 ms for the real site), so the
    # preview's search follows edits; only its files that changed are rewritten.
    index_files = search_files(search_docs(index, rendered, urls)) if search else {}
    for path, text in index_files.items():
        digests[path] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if state.page_digests.get(path) != digests[path]:
            texts[path] = text

    if in_place:
        write_in_place(out_dir, texts, set(digests), set(state.page_digests))
        if templates != state.templates:
            copy_static(config, out_dir)
    else:
        write_swapped(config, out_dir, texts, check_links=strict)
    state.templates = templates
    state.page_digests = digests
    return BuildResult(len(texts), len(pages), tuple(report.warnings),
                       time.perf_counter() - started, tuple(sorted(texts)))


def _render_all(config: SiteConfig, pages: list[Page], site: dict, report: Report) -> dict[str, str]:
    env = make_env(config.templates_dir)
    env.globals["asset_url"] = asset_url
    texts = {}
    failed_templates = set()
    for page in pages:
        if page.template in failed_templates:
            continue  # one broken template is one error, not one per page
        text, problem = render_template(env, page.template, {"site": site, "page": page,
                                                             **page.context}, config.root)
        if problem:
            report.add(problem)
            failed_templates.add(page.template)
        else:
            texts[page.path] = text
    return texts
