"""Planned pages into text: for an edit's few pages, into memory; for a whole site,
straight into the staging folder, across cores.

A whole site is never held in memory as text: each page is written as soon as it is
rendered (by whichever worker rendered it), and only its path comes back. At 10,000
articles the pages' HTML, with each page's math CSS inline, is several hundred MB.
"""
from __future__ import annotations

from pathlib import Path

from ..config import SiteConfig
from ..errors import Report, SourceError
from ..files import write_file
from ..parallel import forked_map
from ..progress import Progress
from .pages import Page
from .render import make_env, render_template
from .static import asset_url


class PageRenderer:
    """Renders one page with the site's templates; the environment is made (and every
    template compiled) once, before any worker forks, so each child has them already."""

    def __init__(self, config: SiteConfig, site: dict, pages: list[Page], compiled: dict | None = None):
        self.config, self.site = config, site
        self.env = make_env(config.templates_dir, compiled)
        self.env.globals["asset_url"] = asset_url
        self.root: Path | None = None  # set: pages are written under it, not returned
        for name in sorted({p.template for p in pages}):
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001 - render_template reports it at its line
                pass

    def __call__(self, page: Page) -> tuple[str, str | None, SourceError | None]:
        # page.make(), not page.context: the cached view would stay alive with the page
        # list, a whole site's views in memory by the end of the build.
        text, problem = render_template(self.env, page.template,
                                        {"site": self.site, "page": page, **page.make()},
                                        self.config.root)
        if text is not None and self.root is not None:
            target = self.root / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, text)
            text = None  # written: nothing to send back
        return page.path, text, problem


def render_pages(config: SiteConfig, pages: list[Page], site: dict, report: Report,
                 progress: Progress, compiled: dict | None = None) -> dict[str, str]:
    """path -> text of every page that rendered; template problems go to `report`.
    `compiled` keeps the compiled templates for the next build (render.KeptBytecode)."""
    return dict(_render(config, pages, site, report, progress, None, compiled))


def write_pages(config: SiteConfig, pages: list[Page], site: dict, report: Report,
                progress: Progress, root: Path, compiled: dict | None = None) -> list[str]:
    """Render every page into `root`; the paths written. An OSError names its file."""
    return [path for path, _ in _render(config, pages, site, report, progress, root, compiled)]


def _render(config, pages, site, report, progress, root: Path | None, compiled
            ) -> list[tuple[str, str | None]]:
    renderer = PageRenderer(config, site, pages, compiled)
    renderer.root = root
    done = forked_map(renderer, pages, progress, "pages")
    _report_templates(pages, done, report)
    return [(path, text) for path, text, problem in done if problem is None]


def _report_templates(pages: list[Page], done: list, report: Report) -> None:
    """One broken template is one error, not one per page that uses it."""
    seen = set()
    for page, (_, _, problem) in zip(pages, done, strict=True):
        if problem is not None and page.template not in seen:
            seen.add(page.template)
            report.add(problem)
