"""A build holds at most Backed.LIMIT rendered bodies and typeset formulas: past that it
writes them to its store (the cache, or a scratch one without it) and reads them again
when a page needs them. Here the limit is 3, far below the real collection's 40 bodies
and 130 formulas, so every stage lets go and reads back many times; the site must be
byte for byte the one a build holding everything writes, with the same warnings, on
one core and forked."""
from __future__ import annotations

import pytest
from conftest import copy_corpus
from test_parallel_build import files

from feedsite import parallel
from feedsite.build import build
from feedsite.build.backed import Backed
from feedsite.build.state import BuildState
from feedsite.config import load_config

LIMIT = 3


@pytest.fixture
def held(monkeypatch):
    """The most entries any Backed held at once, while the limit is LIMIT."""
    most = [0]
    hold = Backed._hold

    def counted(self, key, value):
        hold(self, key, value)
        most[0] = max(most[0], len(self))

    monkeypatch.setattr(Backed, "LIMIT", LIMIT)
    monkeypatch.setattr(Backed, "_hold", counted)
    return most


def test_a_build_that_lets_go_gives_the_same_site(tmp_path, monkeypatch, held):
    root = copy_corpus(tmp_path / "site")
    config = load_config(root / "site.yaml")
    # In memory, as the preview builds: nothing is let go.
    whole = build(config, tmp_path / "whole", state=BuildState())
    assert held[0] == 0
    scratch = build(config, tmp_path / "scratch")  # no cache: a scratch store
    assert 0 < held[0] <= LIMIT
    cold = build(config, tmp_path / "cached", cache=root / ".feedsite-cache")
    again = build(config, tmp_path / "again", cache=root / ".feedsite-cache")  # all read back
    assert "40 bodies" in again.cache
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    forked = build(config, tmp_path / "forked", cache=root / ".feedsite-cache")
    for result, name in ((scratch, "scratch"), (cold, "cached"), (again, "again"), (forked, "forked")):
        assert result.warnings == whole.warnings, name
        assert files(tmp_path / name) == files(tmp_path / "whole"), name
    assert held[0] <= LIMIT
