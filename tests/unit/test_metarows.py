"""The big meta rows stored as a base and a delta (build/metarows.py): whatever the
changes, the base with its delta applied is the row the build persisted."""
from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from feedsite.build.metarows import DELTA, GONE, TOKEN, joined, stored, to_write
from feedsite.build.replan import Plan


def plan(keys: dict, sources: dict | None = None) -> Plan:
    sources = sources or {"a": "1", "b": "2"}
    return Plan("common", tuple(sources), sources, {s: "shape" for s in sources},
                {s: ("/", f"/articles/{s}/") for s in sources}, keys)


def persisted(name: str, values: list) -> list[dict]:
    """The meta rows a store holds after each of `values` was persisted in turn, as
    state.persist writes them (puts after drops), each reloaded as load_state does."""
    rows: dict = {}
    held = None
    out = []
    for value in values:
        puts, drops, held = to_write(name, value, held)
        for row in drops:
            rows.pop(row, None)
        rows.update(pickle.loads(pickle.dumps(puts, protocol=5)))
        out.append(dict(rows))
        held = stored(rows).get(name)  # the next build starts from the store, not memory
    return out


def test_gone_pickles_as_itself():
    assert pickle.loads(pickle.dumps(GONE, protocol=5)) is GONE


def test_a_small_change_writes_only_the_delta_and_reads_back_the_row():
    keys = {f"/p{i}/index.html": str(i) for i in range(100)}
    edited = {**keys, "/p3/index.html": "changed", "/new/index.html": "new"}
    del edited["/p7/index.html"]
    first, second = persisted("plan", [plan(keys), plan(edited)])
    assert "plan" + DELTA not in first
    assert second["plan"] == plan(keys)  # the base as it was
    assert second["plan" + DELTA] == (first["plan" + TOKEN], {"keys": (
        "keys", {"/p3/index.html": "changed", "/new/index.html": "new", "/p7/index.html": GONE})})
    assert joined(second, "plan") == plan(edited)


def test_a_big_change_writes_the_row_anew_and_drops_the_delta():
    keys = {f"/p{i}/index.html": str(i) for i in range(16)}
    small = {**keys, "/p0/index.html": "x"}
    big = {k: v + "!" for k, v in keys.items()}
    rows = persisted("outputs", [keys, small, big])
    assert "outputs" + DELTA in rows[1]
    assert rows[2] == {"outputs": big, "outputs" + TOKEN: rows[2]["outputs" + TOKEN]}
    assert rows[2]["outputs" + TOKEN] != rows[1]["outputs" + TOKEN]  # a new base, a new token


def test_no_change_since_the_last_delta_writes_nothing():
    keys = {str(i): i for i in range(40)}
    puts, drops, held = to_write("outputs", keys, None)
    puts, drops, held = to_write("outputs", {**keys, "1": -1}, held)
    assert set(puts) == {"outputs" + DELTA}
    assert to_write("outputs", {**keys, "1": -1}, held)[:2] == ({}, set())


def test_the_row_a_build_gets_is_never_the_base_it_is_compared_with():
    """A build that changes its row in place must still have the change written."""
    rows = persisted("outputs", [{str(i): i for i in range(40)}])[-1]
    value = joined(rows, "outputs")
    held = stored(rows)["outputs"]
    value["0"] = "changed in place"
    puts, _, _ = to_write("outputs", value, held)
    assert puts == {"outputs" + DELTA: (rows["outputs" + TOKEN], {"": ("keys", {"0": "changed in place"})})}


def test_tuple_parts_change_by_place_and_other_parts_whole():
    search = {"key": "k", "files": tuple((f"f{i}", "d") for i in range(30)), "total": 30}
    edited = {**search, "key": "k2", "files": search["files"][:5] + (("f5", "new"),) + search["files"][6:]}
    rows = persisted("search", [search, edited])[-1]
    assert rows["search" + DELTA][1] == {"key": ("whole", "k2"), "files": ("places", {5: ("f5", "new")})}
    assert joined(rows, "search") == edited


def test_a_row_that_changes_shape_is_written_anew():
    beyond = {f"/s{i}.bin": str(i) for i in range(20)}
    rows = persisted("pages", [(beyond, ()), {"/a/": "1"}])[-1]
    assert set(rows) == {"pages", "pages" + TOKEN} and joined(rows, "pages") == {"/a/": "1"}
    assert persisted("plan", [plan({"/": "1"}), None])[-1] == {}


def test_a_delta_made_against_another_base_reads_as_missing_never_as_a_mix():
    """Two builds into different folders load the same rows; one writes a new base, the
    other (later) a delta against the old one. The row must not be that delta applied
    to the new base: it reads as missing, and the next build does all of it again."""
    keys = {str(i): i for i in range(40)}
    rows = persisted("outputs", [keys])[-1]
    first, second = stored(rows)["outputs"], stored(rows)["outputs"]
    puts_a, drops_a, _ = to_write("outputs", {str(i): -i for i in range(40)}, first)  # a new base
    puts_b, drops_b, _ = to_write("outputs", {**keys, "0": "b"}, second)  # a delta
    assert "outputs" in puts_a and set(puts_b) == {"outputs" + DELTA}
    for puts, drops in ((puts_a, drops_a), (puts_b, drops_b)):
        for row in drops:
            rows.pop(row, None)
        rows.update(puts)
    assert joined(rows, "outputs") is None and "outputs" not in stored(rows)
    # Written the other way round, the new base drops the delta: the row is the new base.
    rows = persisted("outputs", [keys])[-1]
    for puts, drops in ((puts_b, drops_b), (puts_a, drops_a)):
        for row in drops:
            rows.pop(row, None)
        rows.update(puts)
    assert joined(rows, "outputs") == {str(i): -i for i in range(40)}


values = st.dictionaries(st.text(max_size=3), st.one_of(st.integers(), st.text(max_size=2)), max_size=30)


@given(st.lists(values, min_size=1, max_size=6))
def test_any_run_of_builds_reads_back_what_each_persisted(runs):
    for rows, value in zip(persisted("recency", runs), runs, strict=True):
        assert joined(rows, "recency") == value
