"""Plan every output page: which template, which URL, which view model.

Pure: the SiteIndex and rendered bodies in, a list of Pages out. Nothing is
rendered or written here.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..errors import SourceError
from ..urls import Urls, output_path
from .formulas import MathCache, stylesheet
from .markdown import Rendered
from .taxonomy import SiteIndex
from .views import ArticleView, Card, Link, ViewBuilder

ATOM_ENTRIES = 20
FONTS = "mathjax/fonts/"  # under assets/


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output folder
    url: str
    template: str
    context: dict  # what the template sees, besides `site` (always `math_css`)
    listed: bool = True  # in the sitemap
    origin: tuple[str, int] = ("site.yaml", 0)  # the file (and line) that asked for the page


def path_collisions(pages: list[Page]) -> list[SourceError]:
    """One error per output path that two or more pages claim, naming all of them.

    Two pages at one path would silently overwrite each other (Pelican's writer and
    Zola refuse the same), so the build lists every collision before writing."""
    claims: dict[str, list[Page]] = {}
    for page in pages:
        claims.setdefault(page.path, []).append(page)
    problems = []
    for path, claimants in claims.items():
        if len(claimants) > 1:
            (first, line), others = claimants[0].origin, claimants[1:]
            names = ", ".join(f"{p}:{n}" if n else p for p, n in (o.origin for o in others))
            problems.append(SourceError(first, line, f"output path {path} is also claimed by {names}"))
    return problems


def site_context(config: SiteConfig, index: SiteIndex, urls: Urls) -> dict:
    return {
        "title": config.title, "description": config.description, "author": config.author,
        "language": config.language, "base_url": config.base_url.rstrip("/") + "/",
        # scheme://host of base_url, so feeds and the sitemap can give absolute URLs.
        "origin": "{0.scheme}://{0.netloc}".format(urlsplit(config.base_url))
        if urlsplit(config.base_url).netloc else "",
        "base_path": urls.base_path, "updated": config.updated,
        "home": urls.home(), "tags_url": urls.tags(), "search_url": urls.search(),
        "feed_url": urls.file("atom.xml"), "asset_base": urls.asset(""),
        "nav": tuple(Link(f"{t.name}", urls.topic(t.slug)) for t in index.topics),
    }


def math_css(context: dict, math: MathCache, font_url: str) -> str:
    """The CSS of every formula the page shows: its article's and its cards'."""
    formulas = []
    for value in context.values():
        for view in value if isinstance(value, tuple) else (value,):
            if isinstance(view, (ArticleView, Card)):
                formulas += view.formulas
    return stylesheet(formulas, math, font_url)


def plan_pages(config: SiteConfig, index: SiteIndex, rendered: dict[str, Rendered],
               urls: Urls, math: MathCache) -> list[Page]:
    views = ViewBuilder(index, urls, rendered, math)
    base = urls.base_path
    pages: list[Page] = []
    font_url = urls.asset(FONTS)

    def add(url: str, template: str, listed: bool = True, origin=("site.yaml", 0), **context) -> None:
        context["math_css"] = "" if template.endswith(".xml") else math_css(context, math, font_url)
        pages.append(Page(output_path(url, base), url, template, context, listed, origin))

    cloud = tuple(views.tag_link(t) for t in index.tags)
    topics = tuple((views.topic_link(t.slug), len(t.articles)) for t in index.topics)
    latest = tuple(views.card(a.slug) for a in index.articles[: config.latest_count])
    add(urls.home(), "index.html", title=config.title, topics=topics, latest=latest, cloud=cloud)
    for topic in index.topics:
        add(urls.topic(topic.slug), "topic.html", title=topic.name, topic=topic,
            cards=tuple(views.card(s) for s in topic.articles))
    for article in index.articles:
        add(urls.article(article.slug), "article.html", origin=(article.path, article.line("slug")),
            title=article.title,
            article=views.article(article.slug))
        # Published URLs do not break: each old slug redirects to the article.
        for alias in article.aliases:
            add(urls.article(alias), "redirect.html", listed=False, title=article.title,
                target=urls.article(article.slug))
    add(urls.tags(), "tags.html", title="标签", cloud=cloud)
    for tag in index.tags:
        first = index.article(tag.articles[0])
        add(urls.tag(tag.slug), "tag.html", origin=(first.path, first.line("tags")),
            title=f"标签:{tag.name}", tag=views.tag_link(tag),
            cards=tuple(views.card(s) for s in tag.articles))
    add(urls.search(), "search.html", title="搜索")
    add(urls.file("404.html"), "404.html", listed=False, title="页面不存在")
    # Entry ids come from the article's stable id, not its URL, so a new slug is not a new entry.
    entries = tuple((views.card(a.slug), a.date or config.updated, views.article(a.slug).feed_html,
                     a.entry_id)
                    for a in index.articles[:ATOM_ENTRIES])
    add(urls.file("atom.xml"), "atom.xml", listed=False, title=config.title, entries=entries)
    listed = tuple(p.url for p in pages if p.listed)
    add(urls.file("sitemap.xml"), "sitemap.xml", listed=False, title="sitemap", urls=listed)
    add(urls.file("robots.txt"), "robots.txt", listed=False, title="robots")
    return pages
