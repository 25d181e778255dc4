"""An extraction whose articles are segmented, derived and rendered in forked workers
writes the same files, byte for byte, as one in a single process, with the cache filling
or not, and the cache it fills is the one the next run finds. The real dumps hold
fewer articles than parallel.MIN_ITEMS, so the threshold is lowered to make them fork."""
from __future__ import annotations

import pytest
from conftest import copy_corpus
from test_parallel_build import files, fork_everything

from feedsite import extract, parallel
from feedsite.config import load_config
from feedsite.extract import drafts


@pytest.mark.skipif(parallel.cores() < 2, reason="one core: nothing forks")
def test_forked_extraction_writes_what_a_single_process_writes(tmp_path, monkeypatch):
    project = copy_corpus(tmp_path / "site", content=False)
    config = load_config(project / "site.yaml")
    single = extract.run(config, [project / "feeds"], tmp_path / "single")
    pools = fork_everything(monkeypatch)
    forked = extract.run(config, [project / "feeds"], tmp_path / "forked")
    cached = extract.run(config, [project / "feeds"], tmp_path / "cached", cache=tmp_path / "cache")
    monkeypatch.undo()
    # Each run segments, derives and renders the files; the cached one parses them for the next.
    assert pools == ["fork"] * 7
    assert single.articles > 30 and single.new == single.articles
    for result in (forked, cached):
        assert result.summary() == single.summary()
        assert [str(p) for p in result.report.warnings] == [str(p) for p in single.report.warnings]
    assert files(tmp_path / "forked") == files(tmp_path / "single") == files(tmp_path / "cached")
    # What the forked run kept is what the next run finds: nothing is derived again.
    monkeypatch.setattr(drafts, "derive", lambda *_, **__: pytest.fail("derived again"))
    again = extract.run(config, [project / "feeds"], tmp_path / "cached", cache=tmp_path / "cache")
    assert again.unchanged == single.articles and not again.cache_warnings
    assert files(tmp_path / "cached") == files(tmp_path / "single")
