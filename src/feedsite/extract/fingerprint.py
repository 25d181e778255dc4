"""The hand-edit fingerprint: which editable fields a person changed.

`fingerprint: title:1a2b3c4d topic:… tags:… body:…` holds a short hash of each
editable field as the machine wrote it. A field whose value no longer matches
its hash was edited by a person, and re-extraction keeps that field as it is
while the others follow the dumps. The string format lives only here.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

EDITABLE = ("title", "topic", "tags", "body")


def field_hash(key: str, value) -> str:
    if isinstance(value, str):
        return _text_hash(key, value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return _text_hash(key, tuple(value))
    return _hash(key, value)  # a value a person wrote: True and 1 would share a memo entry


# A file's fields are hashed when it is drafted, written, read back and updated: a
# memo of the last few articles' hashes spares most of the JSON encoding and hashing.
@lru_cache(maxsize=512)
def _text_hash(key: str, value: str | tuple[str, ...]) -> str:
    return _hash(key, value)


def _hash(key: str, value) -> str:
    value = value.strip() if key == "body" and isinstance(value, str) else value
    if key == "tags" and isinstance(value, (list, tuple)):
        value = list(value)
    blob = json.dumps(value, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:8]


def _format(hashes: dict[str, str]) -> str:
    return " ".join(f"{key}:{hashes[key]}" for key in EDITABLE)


def fingerprint(values: dict) -> str:
    """The fingerprint of fields exactly as the machine wrote them."""
    return _format({key: field_hash(key, values[key]) for key in EDITABLE})


def parse(text) -> dict[str, str] | None:
    """field -> stored hash, or None when `text` is not a whole fingerprint."""
    if not isinstance(text, str):
        return None
    pairs = dict(part.partition(":")[::2] for part in text.split())
    return pairs if set(pairs) == set(EDITABLE) else None


def edited_fields(text, values: dict) -> frozenset[str]:
    """The editable fields a person changed. Without a fingerprint to compare
    with, every field counts as the person's."""
    stored = parse(text)
    if stored is None:
        return frozenset(EDITABLE)
    return frozenset(k for k in EDITABLE if stored[k] != field_hash(k, values[k]))


def carried_over(text, edited: frozenset[str], values: dict) -> str | None:
    """The fingerprint after an update: an edited field keeps its old hash, so it
    stays marked as edited; every other field is hashed as now written. None when
    there was no fingerprint: such a file stays the person's as a whole."""
    stored = parse(text)
    if stored is None:
        return None
    return _format({k: stored[k] if k in edited else field_hash(k, values[k]) for k in EDITABLE})
