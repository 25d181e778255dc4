"""Build the site: load, index, render, write. The only module that writes public/.

A full build writes into a folder beside the output and swaps it in, so a
failed or interrupted build leaves the previous site intact. The preview server
instead rebuilds in place, rendering only pages whose view model changed.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import assets
from .config import SiteConfig
from .check import check_site
from .content import load_articles
from .errors import BuildFailed, Report, SourceError, shown_path
from .markdown import Rendered, render_markdown
from .pages import Page, plan_pages, site_context
from .render import make_env, render_template, template_dirs
from .taxonomy import index_site
from .urls import Urls

STATIC_DIR = "static"  # inside a templates folder; copied to assets/


@dataclass
class BuildState:
    """What one build leaves for the next, so the preview rebuilds only what changed."""
    rendered: dict[str, Rendered] = field(default_factory=dict)  # body digest -> html
    parsed: dict = field(default_factory=dict)  # content file -> (stat, Article, problems)
    page_digests: dict[str, str] = field(default_factory=dict)  # output path -> inputs digest
    templates: str = ""  # digest of every template and static file


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
        key = hashlib.sha256(article.body.encode("utf-8", "surrogatepass")).hexdigest()
        cache[key] = state.rendered.get(key) or render_markdown(article.body)
        out[article.slug] = cache[key]
    state.rendered = cache
    return out


def build(config: SiteConfig, out_dir: Path | None = None, strict: bool = False,
          state: BuildState | None = None, in_place: bool = False, search: bool = True
          ) -> BuildResult:
    """Build the site or raise BuildFailed listing every problem at once."""
    started = time.perf_counter()
    out_dir = (out_dir or config.output_dir).resolve()
    state = state if state is not None else BuildState()
    report = Report()
    articles, problems = load_articles(config, shown_path(config.content_dir, config.root),
                                       state.parsed)
    report.extend(problems)
    report.raise_if_errors(strict)

    index = index_site(config, articles)
    rendered = render_bodies(index.articles, state)
    urls = Urls(config.base_path)
    pages = plan_pages(config, index, rendered, urls)
    site = site_context(config, index, urls)

    templates = _templates_digest(config)
    if templates != state.templates or not in_place:
        state.page_digests = {}
    todo = [p for p in pages if state.page_digests.get(p.path) != _digest(site, p.template, p.context)]
    texts = _render_all(config, todo, site, report)
    report.raise_if_errors(strict)

    if in_place and out_dir.is_dir():
        _write_in_place(out_dir, texts, {p.path for p in pages}, state)
        if templates != state.templates:
            _copy_static(config, out_dir)
    else:
        _write_swapped(config, out_dir, texts, search, check_links=strict)
    state.templates = templates
    state.page_digests = {p.path: _digest(site, p.template, p.context) for p in pages}
    return BuildResult(len(texts), len(pages), tuple(report.warnings),
                       time.perf_counter() - started, tuple(sorted(texts)))


def _render_all(config: SiteConfig, pages: list[Page], site: dict, report: Report) -> dict[str, str]:
    env = make_env(config.templates_dir)
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


def _write_files(root: Path, texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def _copy_static(config: SiteConfig, root: Path) -> None:
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


def _write_swapped(config: SiteConfig, out_dir: Path, texts: dict[str, str], search: bool,
                   check_links: bool = False) -> None:
    with _exclusive(out_dir):
        _stage_and_swap(config, out_dir, texts, search, check_links)


def _stage_and_swap(config: SiteConfig, out_dir: Path, texts: dict[str, str], search: bool,
                    check_links: bool) -> None:
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        _write_files(stage, texts)
        _copy_static(config, stage)
        assets.copy_mathjax(stage / "assets" / "mathjax")
        (stage / "assets" / "mathjax-config.js").write_text(assets.mathjax_config_js(), encoding="utf-8")
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


def _write_in_place(out_dir: Path, texts: dict[str, str], planned: set[str], state: BuildState) -> None:
    """Preview rebuild: rewrite changed pages, drop pages that no longer exist."""
    for rel in set(state.page_digests) - planned:
        (out_dir / rel).unlink(missing_ok=True)
    for rel, text in texts.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, target)  # a reader never sees half a page

