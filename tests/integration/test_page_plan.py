"""The page plan of the real collection: each page's description, indexing,
sitemap entry and feed dates. Formulas are typeset by the real engine (Node), so
these run here rather than among the in-process unit tests."""
import dataclasses

import pytest
from conftest import CONTENT

from feedsite.build.bodies import render_bodies
from feedsite.build.content import load_articles
from feedsite.build.pages import plan_pages, site_context
from feedsite.build.pipeline import BuildState, typeset_formulas
from feedsite.build.taxonomy import index_site
from feedsite.urls import Urls


def planned(config, dated: dict[str, str] | None = None):
    """The real collection's page plan; `dated` gives some articles a date."""
    config = dataclasses.replace(config, content_dir=CONTENT)
    articles, problems = load_articles(config, "content", {})
    assert not [p for p in problems if p.severity == "error"]
    articles = [dataclasses.replace(a, date=(dated or {}).get(a.slug, "")) for a in articles]
    index = index_site(config, articles)
    state = BuildState()
    rendered = render_bodies(index.articles, state)
    typeset_formulas(index.articles, rendered, state.math)
    urls = Urls(config.base_path)
    return index, plan_pages(config, index, rendered, urls, state.math), site_context(config, index, urls)


def html_pages(pages):
    return [p for p in pages if p.path.endswith(".html")]


def test_every_page_has_its_own_description(config):
    _, pages, _ = planned(config)
    descriptions = {p.url: p.context["description"] for p in html_pages(pages)}
    assert all(descriptions.values())
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not repeated, repeated
    assert descriptions["/"] == config.description
    assert descriptions["/topics/"].startswith("全部主题")


def test_404_is_noindex_and_search_and_404_stay_out_of_the_sitemap(config):
    _, pages, _ = planned(config)
    by_url = {p.url: p for p in pages}
    assert by_url["/404.html"].noindex and not any(p.noindex for p in pages if p.url != "/404.html")
    listed = [url for url, _ in by_url["/sitemap.xml"].context["urls"]]
    assert "/search/" not in listed and "/404.html" not in listed
    assert {"/", "/topics/", "/tags/"} <= set(listed)
    assert all(u.startswith(("/articles/", "/topics/", "/tags/")) or u == "/" for u in listed)


def test_without_dates_no_lastmod_and_no_published_date(config):
    _, pages, site = planned(config)
    by_url = {p.url: p for p in pages}
    assert all(lastmod == "" for _, lastmod in by_url["/sitemap.xml"].context["urls"])
    entries = by_url["/atom.xml"].context["entries"]
    assert {(updated, published) for _, updated, published, _, _ in entries} == {(config.updated, "")}
    assert site["updated"] == config.updated and not site["dated"]


def test_real_dates_reach_the_sitemap_the_feed_and_the_cards(config):
    index, _, _ = planned(config)
    slug = index.articles[-1].slug  # the last in capture order: a date must move it first
    _, pages, site = planned(config, {slug: "2027-03-04"})
    by_url = {p.url: p for p in pages}
    lastmod = dict(by_url["/sitemap.xml"].context["urls"])
    article = by_url[f"/articles/{slug}/"]
    assert lastmod[article.url] == "2027-03-04" == lastmod["/"] == lastmod["/tags/"]
    # home, /topics/, /tags/, the article, its topic and each of its tags; nothing else.
    assert sum(1 for v in lastmod.values() if v) == 3 + 1 + 1 + len(article.context["article"].tags)
    card, updated, published, _, _ = by_url["/atom.xml"].context["entries"][0]
    assert (card.url, updated, published) == (article.url, "2027-03-04", "2027-03-04")
    assert by_url["/"].context["latest"][0].date == "2027-03-04"
    assert site["updated"] == "2027-03-04" and site["dated"]


@pytest.mark.parametrize("name", ["style.css", "theme.js", "search.js", "search-index.js", "favicon.svg"])
def test_every_linked_asset_has_a_content_hash(config, name):
    from feedsite.build.static import asset_versions
    versions = asset_versions(config)
    assert len(versions[name]) == 10 and int(versions[name], 16) >= 0
