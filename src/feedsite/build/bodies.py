"""The articles' bodies in HTML: rendered once per body text, in the Markdown workers when
many are new, with what earlier builds learnt of headings and code kept between builds."""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

from ..parallel import forked_each, worth_forking
from ..progress import Progress
from .backed import Backed
from .content import Article, body_key
from .excerpts import opening_pieces
from .markdown import Rendered, render_markdown
from .state import BuildState

ANCHORS_KEPT = 200_000  # heading slugs remembered (markdown.render_markdown's `anchors`)
# Code blocks whose highlighting is remembered (`highlighted`): those of the bodies an edit's
# build rendered lately. A cold build's thousands are not kept: every build loads the row.
HIGHLIGHTS_KEPT = 64


class Bodies(Mapping):
    """slug -> Rendered, looked up in the state's renders only when asked for."""

    def __init__(self, keys: dict[str, str], renders: dict):
        self.keys, self.renders = keys, renders

    def __getitem__(self, slug: str) -> Rendered:
        return self.renders[self.keys[slug]]

    def __iter__(self):
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


def render_bodies(articles, state: BuildState, progress: Progress | None = None) -> Bodies:
    """Markdown for every article; bodies rendered before (this process or the cache) are not."""
    keys = {a.slug: a.body_digest or body_key(a) for a in articles}
    todo = {k: a for a in articles if (k := keys[a.slug]) not in state.rendered}
    if len(state.anchors) > ANCHORS_KEPT:
        state.anchors = {}
    # An edit's few bodies are rendered here, with the code blocks highlighted before:
    # an edit seldom changes its article's code, and Pygments takes 60 ms to ready a
    # language's lexer in a new process. Forked workers neither read nor fill the memo.
    few = not worth_forking(len(todo))
    render = functools.partial(render_article, anchors=state.anchors,
                               highlighted=state.highlighted if few else None)
    done = forked_each(render, list(todo.values()), progress, "Markdown")
    for key, body in zip(todo, done, strict=True):
        if body.highlighted:
            for block, html in body.highlighted:  # to the end: the memo is in order of use
                state.highlighted.pop(block, None)
                state.highlighted[block] = html
            body = dataclasses.replace(body, highlighted=())  # the cached body holds its HTML once
        state.rendered[key] = body
        state.anchors.update(body.anchors)
    for old in list(state.highlighted)[:max(0, len(state.highlighted) - HIGHLIGHTS_KEPT)]:
        del state.highlighted[old]  # the least lately used
    state.hits["rendered"] += len(set(keys.values())) - len(todo)
    if not isinstance(state.rendered, Backed):  # in memory: keep only what is used
        state.rendered = {k: state.rendered[k] for k in set(keys.values())}
    return Bodies(keys, state.rendered)


def render_article(article: Article, anchors: dict[str, str] | None = None,
                   highlighted: dict | None = None) -> Rendered:
    """The article's body in HTML, and its opening as an excerpt sees it: worked out
    here, in the Markdown's workers, and cached with the body."""
    body = render_markdown(article.body, article.title, anchors, highlighted)
    return dataclasses.replace(body, opening=opening_pieces(body.html, article.title))
