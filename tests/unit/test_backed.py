"""Backed answers from its store's table: a few keys one lookup each, then the table's
keys read whole, with the same answers either way (a real store in a temporary folder)."""
from __future__ import annotations

import pytest

from feedsite.build.backed import Backed
from feedsite.build.cache import open_store


@pytest.fixture
def store(tmp_path):
    opened, _ = open_store(tmp_path, "test")
    opened.write({"rendered": {f"k{i}": f"v{i}" for i in range(5)}})
    yield opened
    opened.close()


def test_the_first_keys_are_looked_up_one_by_one_and_then_the_table_is_read(store, monkeypatch):
    monkeypatch.setattr(Backed, "ASKED", 3)
    read = []
    keys = type(store).keys
    monkeypatch.setattr(type(store), "keys", lambda self, table: read.append(table) or keys(self, table))
    backed = Backed(store, "rendered")
    assert ["k0" in backed, "nope" in backed, "k4" in backed] == [True, False, True]
    assert read == []  # three lookups, no read of the whole table
    assert "k1" in backed and "gone" not in backed and read == ["rendered"]
    assert backed["k2"] == "v2" and backed.hits == 1
    with pytest.raises(KeyError):
        backed["gone"]


def test_what_is_written_is_found_before_and_after_the_keys_are_read(store, monkeypatch):
    monkeypatch.setattr(Backed, "ASKED", 1)
    backed = Backed(store, "rendered")
    backed["new"] = "fresh"
    backed.spill()  # written to the store, let go from memory
    assert "new" in backed  # the one lookup
    assert "new" in backed and "k3" in backed and "other" not in backed  # from the keys read
    store.write({"rendered": {"later": "x"}})
    backed.written(["later"])
    assert "later" in backed and backed["later"] == "x"


def test_a_store_that_cannot_be_read_is_a_miss_not_a_failure(store):
    backed = Backed(store, "rendered")
    store.close()
    assert "k0" not in backed
    with pytest.raises(KeyError):
        backed["k0"]
