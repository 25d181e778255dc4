"""Plan every output page: which template, which URL, what its inputs are.

Pure: the SiteIndex and rendered bodies in, a list of Pages out. Nothing is rendered
or written here, and no view model is built until a page's `context` is asked for: each
page carries `key`, a digest of exactly the inputs its view model is made from (the
articles it shows, by the digest of their files, and the site-wide inputs), so a build
that finds a page's key unchanged skips it without building its view at all.

Long lists (a topic's or a tag's articles) are cut into pages of LIST_PAGE cards:
`/tags/x/`, `/tags/x/page/2/`, … so no page grows with the site.
"""
from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
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
LIST_PAGE = 30  # cards on one page of a topic or tag


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output folder
    url: str
    template: str
    key: str  # digest of every input of the page's view model
    make: Callable[[], dict] = field(repr=False, compare=False)  # builds `context`
    shows: tuple[str, ...] = ()  # slugs of the articles it shows (their digests are in `key`)
    listed: bool = True  # in the sitemap
    origin: tuple[str, int] = ("site.yaml", 0)  # the file (and line) that asked for the page
    noindex: bool = False  # kept out of search engines: no canonical URL either
    lastmod: str = ""  # ISO date the content last changed, only where the articles say

    @functools.cached_property
    def context(self) -> dict:
        """What the template sees, besides `site` (always `math_css`); built on demand."""
        return self.make()


def digest(*parts: object) -> str:
    # pickle, not repr: it walks frozen data in C, several times faster.
    return hashlib.sha256(pickle.dumps(parts, protocol=5)).hexdigest()


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


def chunks(slugs: tuple[str, ...], size: int = LIST_PAGE) -> list[tuple[str, ...]]:
    """A list cut into pages; an empty list is still one (empty) page."""
    return [slugs[i:i + size] for i in range(0, len(slugs), size)] or [()]


def plan_pages(config: SiteConfig, index: SiteIndex, rendered: dict[str, Rendered],
               urls: Urls, math: MathCache, sources: dict[str, str] | None = None,
               common: str = "", only: frozenset[str] | set[str] | None = None) -> list[Page]:
    """`sources` gives each article's digest (of its file), `common` a digest of what
    every page depends on (site context, templates, settings, code); without them
    (tests) keys are still computed, from the articles themselves.

    `only` (URLs): plan just those pages, for a build that knows which pages an edit
    touches (replan.py); a page's key and view are the same as in a whole plan. The
    sitemap, made from every page, is planned only in a whole plan."""
    views = ViewBuilder(index, urls, rendered, math)
    base = urls.base_path
    pages: list[Page] = []
    font_url = urls.asset(FONTS)
    if sources is None:
        sources = {a.slug: digest(a) for a in index.articles}
    # Cards show tag links: every tag's slug is an input of every card.
    common = digest(common, math.version, tuple((t.name, t.slug) for t in index.tags))
    wanted = (lambda url: True) if only is None else only.__contains__  # noqa: E731

    def add(url: str, template: str, key: tuple, make: Callable[[], dict], shows: tuple[str, ...] = (),
            listed: bool = True, origin=("site.yaml", 0), noindex=False, lastmod: str = "") -> None:
        """`key` holds the page's own inputs; `shows`, the slugs of the articles it shows,
        whose files' digests are inputs too."""
        if not wanted(url):
            return

        def context() -> dict:
            found = make()
            found["math_css"] = "" if template.endswith(".xml") else math_css(found, math, font_url)
            return found
        inputs = digest(common, template, url, key, tuple(sources[s] for s in shows))
        pages.append(Page(output_path(url, base), url, template, inputs, context, shows, listed,
                          origin, noindex, lastmod))

    def newest(slugs) -> str:
        return max((index.article(s).date for s in slugs), default="")

    cloud = tuple(views.tag_link(t) for t in index.tags)
    topics = tuple((views.topic_link(t.slug), len(t.articles)) for t in index.topics)
    latest = tuple(a.slug for a in index.articles[: config.latest_count])
    everything = tuple(a.slug for a in index.articles)
    last = newest(everything)
    add(urls.home(), "index.html", (topics, cloud, len(everything), last),
        lambda: dict(title=config.title, description=config.description, topics=topics,
                     latest=tuple(map(views.card, latest)), cloud=cloud, total=len(everything)),
        latest, lastmod=last)
    topic_list = tuple((t, t.articles[:TOPIC_PREVIEW]) for t in index.topics)
    add(urls.topics(), "topics.html",
        (tuple((t.slug, t.name, t.description, len(t.articles)) for t, _ in topic_list), last),
        lambda: dict(title="主题", description="全部主题：" + "、".join(
            f"{t.name}（{len(t.articles)} 篇）" for t in index.topics) + "。",
            topics=tuple((views.topic_link(t.slug), t.description, len(t.articles),
                          tuple(map(views.card, first))) for t, first in topic_list)),
        tuple(s for _, first in topic_list for s in first), lastmod=last)
    for topic in index.topics:
        parts = chunks(topic.articles)
        # The topic by its own fields and size: its article list is in the pages' shows.
        about = (topic.slug, topic.name, topic.description, len(topic.articles))
        for number, part in enumerate(parts, 1):
            if not wanted(urls.page(urls.topic(topic.slug), number)):
                continue
            pager = views.pager(urls.topic(topic.slug), number, len(parts))
            title = topic.name if number == 1 else f"{topic.name}（第 {number} 页）"
            add(pager.url, "topic.html", (about, title, number, len(parts)),
                lambda topic=topic, part=part, pager=pager, title=title: dict(
                    title=title,
                    description=topic.description or f"{topic.name}:{len(topic.articles)} 篇笔记。",
                    topic=topic, total=len(topic.articles), cards=tuple(map(views.card, part)), pager=pager),
                part, lastmod=newest(part))
    for article in index.articles:
        slug = article.slug
        if wanted(urls.article(slug)):
            around = index.neighbours_of(slug)
            around_titles = tuple(index.article(s).title if s else "" for s in (around.previous, around.next))
            add(urls.article(slug), "article.html", (around, around_titles),
                functools.partial(_article_context, views, slug), (slug, *around.related),
                origin=(article.path, article.line("slug")), lastmod=article.date)
        # Published URLs do not break: each old slug redirects to the article.
        for alias in article.aliases:
            add(urls.article(alias), "redirect.html", (article.title, slug),
                lambda article=article: dict(title=article.title, target=urls.article(article.slug)),
                listed=False, noindex=True)
    tags_description = (f"全部 {len(cloud)} 个标签，按拼音排序：" + "、".join(t.name for t in cloud[:30])
                        + ("…" if len(cloud) > 30 else "。"))
    add(urls.tags(), "tags.html", (cloud, last),
        lambda: dict(title="标签", description=tags_description, cloud=cloud), lastmod=last)
    for tag in index.tags:
        parts = chunks(tag.articles)
        if only is not None and not any(wanted(urls.page(urls.tag(tag.slug), n))
                                        for n in range(1, len(parts) + 1)):
            continue
        first = index.article(tag.articles[0])
        description = tag_description(tag.name, [index.article(s).title for s in tag.articles])
        link = views.tag_link(tag)
        for number, part in enumerate(parts, 1):
            if not wanted(urls.page(urls.tag(tag.slug), number)):
                continue
            pager = views.pager(urls.tag(tag.slug), number, len(parts))
            title = f"标签：{tag.name}" + ("" if number == 1 else f"（第 {number} 页）")
            add(pager.url, "tag.html", (link, title, description, number, len(parts)),
                lambda part=part, link=link, pager=pager, title=title, description=description: dict(
                    title=title, description=description, tag=link,
                    cards=tuple(map(views.card, part)), pager=pager),
                part, origin=(first.path, first.line("tags")), lastmod=newest(part))
    # A search page has nothing of its own to index; the 404 page must not be indexed.
    add(urls.search(), "search.html", (), lambda: dict(
        title="搜索", description=f"在{config.title}的全部笔记中搜索。"), listed=False)
    add(urls.file("404.html"), "404.html", (), lambda: dict(
        title="页面不存在", description="没有找到这个地址。"), listed=False, noindex=True)
    # Entry ids come from the article's stable id, not its URL, so a new slug is not a new entry.
    feed = index.articles[:ATOM_ENTRIES]
    add(urls.file("atom.xml"), "atom.xml", (), lambda: dict(
        title=config.title, entries=tuple((views.card(a.slug), a.date or config.updated, a.date,
                                           views.article(a.slug).feed_html, a.entry_id) for a in feed)),
        tuple(a.slug for a in feed), listed=False)
    if only is None:
        listed = tuple((p.url, p.lastmod) for p in pages if p.listed and not p.noindex)
        add(urls.file("sitemap.xml"), "sitemap.xml", listed, lambda: dict(title="sitemap", urls=listed),
            listed=False)
    add(urls.file("robots.txt"), "robots.txt", (), lambda: dict(title="robots"), listed=False)
    return pages


def _article_context(views: ViewBuilder, slug: str) -> dict:
    view = views.article(slug)
    return {"title": view.title, "description": view.description, "article": view}
