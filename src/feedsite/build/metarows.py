"""The cache's big meta rows kept as a base and the changes since it.

Every cached build reads the page plan, the output's stats, the page keys, the
recency memo and the search index's record whole (9 MB at 10,000 articles), and an
edit changes a few dozen of their 90,000 entries. Written whole, they were half of an
edit's `persist`: pickling 9 MB and writing it (and SQLite moving it from its log
into the file). So each is stored as a base row `name` and a delta row `name+`
holding what changed since the base, and an edit writes only the delta. Once the
delta holds more than a DELTA_SHARE of the entries, the base is written anew and the
delta dropped, so a long run of edits neither grows the delta nor slows the loading.

Each base carries a token (row `name@`), and its delta names the token of the base it
was worked out against. Two builds into different folders share the cache and may
persist at once: if one wrote a new base while the other wrote a delta against the old
one, the delta would be applied to a base it does not describe. Its token then differs,
and the row reads as missing (the next build plans, checks and writes all of it again),
never as a mix.

A row is taken apart into named parts (a plan's fields, the search record's keys,
or the whole row as one part): a dict part changes key by key, a tuple part of the
same length place by place, any other part as a whole.
"""
from __future__ import annotations

import secrets
from dataclasses import fields

ROWS = ("plan", "outputs", "pages", "recency", "search")
DELTA = "+"  # the delta row of `name` is `name + DELTA`
TOKEN = "@"  # and the token of its base is row `name + TOKEN`
DELTA_SHARE = 8  # the base is written anew once the delta holds 1/8 of the entries


class _Gone:
    """Stands for a key a dict part lost; pickled by name, so it unpickles as itself."""

    def __reduce__(self) -> str:
        return "GONE"

    def __repr__(self) -> str:
        return "GONE"


GONE = _Gone()


def row_names(name: str) -> tuple[str, str, str]:
    """The meta rows that hold row `name`: what a reader of it must fetch."""
    return name, name + DELTA, name + TOKEN


def joined(rows: dict, name: str):
    """Row `name` of the meta `rows` with its delta applied; None if it has no base, or
    a delta made against another base."""
    return value_of(name, _held(rows, name))


def value_of(name: str, held: tuple | None):
    """Row `name` from what `stored` found of it (None for nothing)."""
    if held is None:
        return None
    # Applied even to an empty delta: the row the build gets is never the base itself.
    return _together(name, applied(*held[:2]))


def stored(rows: dict) -> dict:
    """What persist diffs against: each big row's base in parts, its delta and its token."""
    return {name: found for name in ROWS if (found := _held(rows, name)) is not None}


def _held(rows: dict, name: str) -> tuple | None:
    base, token = rows.get(name), rows.get(name + TOKEN)
    if base is None:
        return None
    against, delta = rows.get(name + DELTA) or (token, {})
    return (_apart(name, base), delta, token) if against == token else None


def to_write(name: str, value, before: tuple | None) -> tuple[dict, set, tuple | None]:
    """(rows to put, rows to drop, what the store then holds) for `value` of row `name`,
    given what the store holds (`stored`): only the delta when it is small and new."""
    if value is None:
        return {}, {name, name + DELTA, name + TOKEN}, None
    parts = _apart(name, value)
    if before is not None:
        base, delta_before, token = before
        delta = changes(base, parts)
        if delta is not None and _size(delta) * DELTA_SHARE <= _entries(base):
            if delta == delta_before:
                return {}, set(), before
            return {name + DELTA: (token, delta)}, set(), (base, delta, token)
    token = secrets.token_hex(8)
    return {name: value, name + TOKEN: token}, {name + DELTA}, (parts, {}, token)


def changes(old: dict, new: dict) -> dict | None:
    """What turns parts `old` into parts `new`, part by part (unchanged parts are left
    out); None when they are not made of the same parts."""
    if old.keys() != new.keys():
        return None
    out = {}
    for name, part in new.items():
        before = old[name]
        if part is before:
            continue
        if type(part) is dict and type(before) is dict:
            changed = {k: v for k, v in part.items() if before.get(k, GONE) != v}
            changed.update((k, GONE) for k in before.keys() - part.keys())
            if changed:
                out[name] = ("keys", changed)
        elif type(part) is tuple and type(before) is tuple and len(part) == len(before):
            changed = {i: v for i, (u, v) in enumerate(zip(before, part, strict=True)) if u != v}
            if changed:
                out[name] = ("places", changed)
        elif part != before:
            out[name] = ("whole", part)
    return out


def applied(parts: dict, delta: dict) -> dict:
    """`parts` with `delta` applied. Every dict part is a new dict, so a build that
    changes one in place never changes the base persist compares it with."""
    out = {name: dict(part) if type(part) is dict else part for name, part in parts.items()}
    for name, (how, what) in delta.items():
        if how == "whole":
            out[name] = what
        elif how == "keys":
            part = out[name]
            for k, v in what.items():
                if v is GONE:
                    part.pop(k, None)
                else:
                    part[k] = v
        else:  # places
            part = list(out[name])
            for i, v in what.items():
                part[i] = v
            out[name] = tuple(part)
    return out


def _size(delta: dict) -> int:
    return sum(len(what) if how != "whole" else _entries({"": what}) for how, what in delta.values())


def _entries(parts: dict) -> int:
    return sum(len(part) if isinstance(part, (dict, tuple)) else 1 for part in parts.values())


def _apart(name: str, value) -> dict:
    if name == "plan":
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if name == "search":
        return dict(value)
    if name == "pages" and isinstance(value, tuple):  # state._stored_page_keys
        return {"beyond": value[0], "dropped": value[1]}
    return {"": value}


def _together(name: str, parts: dict):
    if name == "plan":
        # Imported here: the no-change check reads only the output's row, and the plan's
        # module brings the page planning with it (50 ms).
        from .replan import Plan

        return Plan(**parts)
    if name == "search":
        return parts
    if name == "pages" and "beyond" in parts:
        return parts["beyond"], parts["dropped"]
    return parts[""]
