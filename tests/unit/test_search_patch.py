"""An edit's share of the search index, patched into the files a full build wrote,
gives exactly the files a full rebuild of the edited site gives."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from conftest import CONTENT

from feedsite.build.bodies import render_bodies
from feedsite.build.content import load_articles
from feedsite.build.pipeline import BuildState
from feedsite.build.searchindex import build_index, file_digest
from feedsite.build.searchpatch import MAX_CHANGED, decode, patch_index
from feedsite.build.searchtext import search_docs
from feedsite.build.taxonomy import index_site
from feedsite.urls import Urls


@pytest.fixture(scope="module")
def docs(config):
    config = dataclasses.replace(config, content_dir=CONTENT)
    articles, _ = load_articles(config, "content")
    index = index_site(config, articles)
    return search_docs(index, render_bodies(index.articles, BuildState()), Urls(config.base_path))


def written(root: Path, files: dict[str, str]) -> dict[str, str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return {path: file_digest(text) for path, text in files.items()}


def edited(doc, rng: random.Random, others):
    body = doc.body
    cut = rng.randrange(len(body) + 1)
    choice = rng.randrange(4)
    if choice == 0:  # new words
        body = body[:cut] + "量子退火与 Simulated Annealing。" + body[cut:]
    elif choice == 1:  # text removed
        body = body[:cut]
    elif choice == 2:  # another article's text
        body = rng.choice(others).body
    return dataclasses.replace(doc, body=body, title=doc.title + ("改" if choice == 3 else ""),
                               tags=doc.tags[1:] if choice == 3 else doc.tags)


@pytest.mark.parametrize("seed", range(8))
def test_a_patched_index_is_the_full_rebuild_of_the_edited_site(docs, tmp_path, seed):
    rng = random.Random(seed)
    files, shape = build_index(docs)
    previous = written(tmp_path, files)
    ids = rng.sample(range(len(docs)), rng.randint(1, 4))
    new_docs = list(docs)
    for i in ids:
        new_docs[i] = edited(docs[i], rng, docs)
    old_keys = tuple(f"k{i}" for i in range(len(docs)))
    new_keys = tuple(f"k{i}" + ("'" if i in ids else "") for i in range(len(docs)))
    patched = patch_index(tmp_path, {"docs": old_keys, **shape}, new_keys,
                          lambda at: [new_docs[i] for i in at], previous, file_digest)
    full, full_shape = build_index(new_docs)
    if patched is None:  # only when the edit changes the number of shards
        assert full_shape["shards"] != shape["shards"]
        return
    changed, new_shape = patched
    assert new_shape == {"docs": new_keys, **full_shape}
    merged = {**files, **changed}
    assert merged == full
    assert set(changed) >= {f"search/data/d/{i}.json" for i in ids} | {"search/data/meta.json"}


def test_too_many_changes_or_moved_articles_ask_for_a_full_rebuild(docs, tmp_path):
    files, shape = build_index(docs)
    previous = written(tmp_path, files)
    keys = tuple(f"k{i}" for i in range(len(docs)))
    many = tuple(k + "'" if i <= MAX_CHANGED else k for i, k in enumerate(keys))
    get = lambda at: [docs[i] for i in at]  # noqa: E731
    assert patch_index(tmp_path, {"docs": keys, **shape}, many, get, previous, file_digest) is None
    assert patch_index(tmp_path, {"docs": keys, **shape}, keys[1:], get, previous, file_digest) is None
    (tmp_path / "search/data/d/0.json").unlink()  # the output is not what the last build left
    one = ("k0'", *keys[1:])
    assert patch_index(tmp_path, {"docs": keys, **shape}, one, get, previous, file_digest) is None


def test_decode_reads_what_encode_writes():
    from feedsite.build.searchindex import encode
    postings = [(0, 5), (3, 1 << 20), (40, 2), (41, 0b101)]
    assert decode(encode(postings)) == postings
