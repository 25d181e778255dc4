"""Planning only the pages an edit touches (build/replan.py), on the real collection.

The contract: after any edit, the page keys a build ends up with (the few pages it
planned, the others kept from the last plan) are exactly the keys a whole new plan
gives. An edit that changes the site's shape plans everything; a body edit plans only
the pages that show the article.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import CONTENT
from test_build_cache import edit, tree

from feedsite.build import build, replan
from feedsite.build.content import load_articles
from feedsite.build.formulas import MathCache
from feedsite.build.pages import digest, plan_pages
from feedsite.build.taxonomy import index_site
from feedsite.config import load_config
from feedsite.serve.preview import Preview
from feedsite.urls import Urls


@pytest.fixture(scope="module")
def base(config):
    config = dataclasses.replace(config, content_dir=CONTENT)
    articles, problems = load_articles(config, "content", {})
    assert not [p for p in problems if p.severity == "error"]
    return config, articles


def plan(config, articles, only=None, common="site"):
    index = index_site(config, articles)
    sources = {a.slug: a.digest for a in index.articles}
    pages = plan_pages(config, index, {}, Urls(config.base_path), MathCache(), sources, common, only)
    return index, sources, pages


def edited(article, **changes):
    """The article as a changed file: a new digest, and the changed fields."""
    return dataclasses.replace(article, digest=digest(article.digest, changes), **changes)


def replanned(config, before, after, common="site"):
    """(keys after a partial plan or a whole one, as the pipeline chooses; pages planned)."""
    index, sources, pages = plan(config, before)
    last = replan.record("site", index.articles, sources, pages)
    index, sources, _ = plan(config, after, frozenset())
    found = replan.touched(last, common, index.articles, sources)
    if found is None:
        return None, None
    only, changed = found
    _, _, pages = plan(config, after, only, common)
    return replan.record(common, index.articles, sources, pages, last, changed).keys, pages


def whole(config, articles, common="site"):
    return {p.path: p.key for p in plan(config, articles, common=common)[2]}


def test_a_body_edit_plans_only_the_pages_that_show_the_article(base):
    config, articles = base
    index = index_site(config, articles)
    slug = index.articles[len(index.articles) // 2].slug  # not among the home page's latest
    after = [edited(a, body=a.body + "\n\n新的一段。") if a.slug == slug else a for a in articles]
    keys, pages = replanned(config, articles, after)
    assert keys == whole(config, after)
    planned = {p.url for p in pages}
    assert f"/articles/{slug}/" in planned
    shown_on = {p.url for p in plan(config, articles)[2] if slug in p.shows}
    assert planned == shown_on
    assert len(planned) < len(keys) // 4


def test_the_newest_articles_edit_replans_home_feed_and_lists(base):
    config, articles = base
    newest = index_site(config, articles).articles[0].slug
    after = [edited(a, body="只剩一句。") if a.slug == newest else a for a in articles]
    keys, pages = replanned(config, articles, after)
    assert keys == whole(config, after)
    assert {"/", "/atom.xml", "/topics/"} <= {p.url for p in pages}


def test_nothing_changed_plans_nothing(base):
    config, articles = base
    keys, pages = replanned(config, articles, articles)
    assert pages == [] and keys == whole(config, articles)


@pytest.mark.parametrize("change", [
    dict(title="换了的标题"), dict(tags=("RoPE",)), dict(date="2030-01-01"), dict(topic="algorithms"),
    dict(aliases=("old-name",)), dict(summary="新的摘要。"), dict(slug="renamed-article")])
def test_a_change_of_shape_plans_everything(base, change):
    config, articles = base
    slug = articles[3].slug
    if change.get("topic") == articles[3].topic:
        change = dict(topic="llm-transformer")
    after = [edited(a, **change) if a.slug == slug else a for a in articles]
    assert replanned(config, articles, after) == (None, None)


def test_an_added_or_removed_article_plans_everything(base):
    config, articles = base
    extra = edited(articles[0], slug="one-more", title="再多一篇", path="content/one-more.md")
    assert replanned(config, articles, articles + [extra]) == (None, None)
    assert replanned(config, articles, articles[1:]) == (None, None)


def test_other_site_wide_inputs_plan_everything(base):
    config, articles = base
    assert replanned(config, articles, articles, common="other settings") == (None, None)


def test_the_shape_counts_every_field_but_the_text():
    assert {"body", "digest", "body_digest"}.isdisjoint(replan._SHAPE)
    fields = {f.name for f in dataclasses.fields(replan.Article)}
    assert fields - set(replan._SHAPE) == {"body", "digest", "body_digest"}


def test_the_preview_after_each_kind_of_edit_is_a_clean_build(project):
    """The preview keeps its state and plans only touched pages; after every edit its
    folder must hold exactly what a clean build of the same inputs writes."""
    origin = "http://127.0.0.1:8000/"
    preview = Preview(project / "site.yaml", origin, project / "preview")
    assert preview.rebuild() and not preview.problems
    content = project / "content"
    newest = index_site(load_config(project / "site.yaml"),
                        load_articles(load_config(project / "site.yaml"), "content", {})[0]).articles[0]
    edits = [
        lambda: edit(content / "rnn.md", "## 概述\n", "## 概述\n\n预览里新加的一段。\n"),
        lambda: edit(content / Path(newest.path).name, "\n---\n", "\n---\n\n最新一篇的开头。\n"),
        lambda: edit(content / "rnn.md", "title: RNN", "title: 循环神经网络 RNN"),
        lambda: edit(content / "rnn.md", "tags:\n", "tags:\n- 新标签\n"),
        lambda: (content / "rnn.md").unlink(),
    ]
    for number, change in enumerate(edits):
        change()
        assert preview.rebuild() and not preview.problems, preview.problems
        config = dataclasses.replace(load_config(project / "site.yaml"), base_url=origin)
        clean = project / f"clean-{number}"
        build(config, clean)
        built, expected = tree(project / "preview"), tree(clean)
        assert sorted(built) == sorted(expected), number
        assert [p for p in expected if built[p] != expected[p]] == [], number
