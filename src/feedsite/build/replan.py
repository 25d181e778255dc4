"""Which pages an edit can touch, from what the last build's plan recorded.

Every page's key is made of inputs of two kinds (pages.py): the site's shape (code,
settings, templates, the site context, and each article's front matter and place in the
site's order, from which topics, tags and neighbours follow) and the digests of the
files of the articles the page shows (`Page.shows`). When an edit leaves the shape as it
was, only the pages that show an edited article can have a new key: the others keep
last build's, and planning them again (11,539 pages at 10,000 articles, most of an
edit's build) is skipped. Any change of shape plans every page, as before.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from .content import Article
from .pages import Page, digest

# What an article's pages show of its file beyond its shape: its digest covers these.
_CONTENT = frozenset({"body", "digest", "body_digest"})
_SHAPE = tuple(f.name for f in fields(Article) if f.name not in _CONTENT)


def shape_of(article: Article) -> str:
    """A digest of every field of the article but its text (a new field counts too)."""
    return digest(tuple(getattr(article, name) for name in _SHAPE))


@dataclass(frozen=True)
class Plan:
    """What a build planned: enough for the next to plan only what an edit touches."""
    common: str  # the site-wide inputs
    order: tuple[str, ...]  # the articles' slugs, in the site's order
    sources: dict[str, str]  # slug -> digest of its file
    shapes: dict[str, str]  # slug -> shape_of(article)
    shown_on: dict[str, tuple[str, ...]]  # slug -> URLs of the pages that show it
    keys: dict[str, str]  # output path -> key, of every planned page


def touched(plan: Plan | None, common: str, articles: tuple[Article, ...],
            sources: dict[str, str]) -> tuple[frozenset[str], dict[str, str]] | None:
    """The URLs of the pages whose key may have changed, and the shapes of the articles
    that changed; None when the site's shape changed (or nothing was recorded): plan all."""
    if plan is None or plan.common != common or len(articles) != len(plan.order):
        return None
    if any(a.slug != slug for a, slug in zip(articles, plan.order, strict=True)):
        return None
    changed = {a.slug: shape_of(a) for a in articles if plan.sources.get(a.slug) != sources[a.slug]}
    if any(plan.shapes.get(slug) != shape for slug, shape in changed.items()):
        return None
    return frozenset(url for slug in changed for url in plan.shown_on.get(slug, ())), changed


def record(common: str, articles: tuple[Article, ...], sources: dict[str, str], pages: list[Page],
           before: Plan | None = None, changed: dict[str, str] | None = None) -> Plan:
    """The plan of a whole planning (`before` None), or `before` updated with a partial
    one's `pages` and the `changed` articles' shapes."""
    if before is None:
        shown_on: dict[str, list[str]] = {}
        for page in pages:
            for slug in page.shows:
                shown_on.setdefault(slug, []).append(page.url)
        return Plan(common, tuple(a.slug for a in articles), dict(sources),
                    {a.slug: shape_of(a) for a in articles},
                    {slug: tuple(urls) for slug, urls in shown_on.items()},
                    {p.path: p.key for p in pages})
    keys = dict(before.keys)
    keys.update((p.path, p.key) for p in pages)
    return Plan(common, before.order, {**before.sources, **{s: sources[s] for s in changed or ()}},
                {**before.shapes, **(changed or {})}, before.shown_on, keys)
