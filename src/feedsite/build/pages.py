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
from .markdown import LOST_LABEL, Rendered
from .taxonomy import SiteIndex
from .views import ArticleView, Card, Link, ViewBuilder, tag_description

ATOM_ENTRIES = 20
FONTS = "mathjax/fonts/"  # under assets/
TOPIC_PREVIEW = 3  # newest articles named under each topic on /topics/


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output folder
    url: str
    template: str
    context: dict  # what the template sees, besides `site` (always `math_css`)
    listed: bool = True  # in the sitemap
    origin: tuple[str, int] = ("site.yaml", 0)  # the file (and line) that asked for the page
    noindex: bool = False  # kept out of search engines: no canonical URL either
    lastmod: str = ""  # ISO date the content last changed, only where the articles say


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


def site_context(config: SiteConfig, index: SiteIndex, urls: Urls,
                 assets: dict[str, str] | None = None) -> dict:
    """What every template sees as `site`; `assets` maps each file under /assets/
    to its content hash, for `asset_url()`."""
    dates = [a.date for a in index.articles if a.date]
    return {
        "title": config.title, "description": config.description, "author": config.author,
        "language": config.language, "base_url": config.base_url.rstrip("/") + "/",
        # scheme://host of base_url, so feeds and the sitemap can give absolute URLs.
        "origin": "{0.scheme}://{0.netloc}".format(urlsplit(config.base_url))
        if urlsplit(config.base_url).netloc else "",
        # The feed's date: site.yaml's, or a later article date. Never the clock.
        "base_path": urls.base_path, "updated": max([config.updated, *dates]),
        "dated": bool(dates), "assets": dict(assets or {}), "lost_label": LOST_LABEL,
        "home": urls.home(), "topics_url": urls.topics(), "tags_url": urls.tags(),
        "search_url": urls.search(),
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

    def add(url: str, template: str, listed: bool = True, origin=("site.yaml", 0), noindex=False,
            lastmod: str = "", **context) -> None:
        context["math_css"] = "" if template.endswith(".xml") else math_css(context, math, font_url)
        pages.append(Page(output_path(url, base), url, template, context, listed, origin,
                          noindex, lastmod))

    def newest(slugs) -> str:
        return max((index.article(s).date for s in slugs), default="")

    cloud = tuple(views.tag_link(t) for t in index.tags)
    topics = tuple((views.topic_link(t.slug), len(t.articles)) for t in index.topics)
    latest = tuple(views.card(a.slug) for a in index.articles[: config.latest_count])
    everything = tuple(a.slug for a in index.articles)
    add(urls.home(), "index.html", lastmod=newest(everything), title=config.title,
        description=config.description, topics=topics, latest=latest, cloud=cloud,
        total=len(index.articles))
    add(urls.topics(), "topics.html", lastmod=newest(everything), title="主题",
        description="全部主题:" + "、".join(f"{t.name}({len(t.articles)} 篇)" for t in index.topics)
        + "。", topics=tuple((views.topic_link(t.slug), t.description, len(t.articles),
                             tuple(views.card(s) for s in t.articles[:TOPIC_PREVIEW]))
                            for t in index.topics))
    for topic in index.topics:
        add(urls.topic(topic.slug), "topic.html", lastmod=newest(topic.articles), title=topic.name,
            description=topic.description or f"{topic.name}:{len(topic.articles)} 篇笔记。",
            topic=topic, cards=tuple(views.card(s) for s in topic.articles))
    for article in index.articles:
        view = views.article(article.slug)
        add(urls.article(article.slug), "article.html", origin=(article.path, article.line("slug")),
            lastmod=article.date, title=article.title, description=view.description, article=view)
        # Published URLs do not break: each old slug redirects to the article.
        for alias in article.aliases:
            add(urls.article(alias), "redirect.html", listed=False, noindex=True, title=article.title,
                target=urls.article(article.slug))
    add(urls.tags(), "tags.html", lastmod=newest(everything), title="标签",
        description=f"全部 {len(cloud)} 个标签,按拼音排序:" + "、".join(t.name for t in cloud[:30])
        + ("…" if len(cloud) > 30 else "。"), cloud=cloud)
    for tag in index.tags:
        first = index.article(tag.articles[0])
        add(urls.tag(tag.slug), "tag.html", origin=(first.path, first.line("tags")),
            lastmod=newest(tag.articles), title=f"标签:{tag.name}",
            description=tag_description(tag.name, [index.article(s).title for s in tag.articles]),
            tag=views.tag_link(tag), cards=tuple(views.card(s) for s in tag.articles))
    # A search page has nothing of its own to index; the 404 page must not be indexed.
    add(urls.search(), "search.html", listed=False, title="搜索",
        description=f"在{config.title}的全部笔记中搜索。")
    add(urls.file("404.html"), "404.html", listed=False, noindex=True, title="页面不存在",
        description="没有找到这个地址。")
    # Entry ids come from the article's stable id, not its URL, so a new slug is not a new entry.
    entries = tuple((views.card(a.slug), a.date or config.updated, a.date,
                     views.article(a.slug).feed_html, a.entry_id)
                    for a in index.articles[:ATOM_ENTRIES])
    add(urls.file("atom.xml"), "atom.xml", listed=False, title=config.title, entries=entries)
    listed = tuple((p.url, p.lastmod) for p in pages if p.listed and not p.noindex)
    add(urls.file("sitemap.xml"), "sitemap.xml", listed=False, title="sitemap", urls=listed)
    add(urls.file("robots.txt"), "robots.txt", listed=False, title="robots")
    return pages
