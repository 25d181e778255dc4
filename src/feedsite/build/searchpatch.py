"""An edit's share of the search index, patched into the files the output holds.

Rebuilding the index means folding and cutting every article into bigrams: about a
second per thousand articles, most of an edit's rebuild at 10,000. When articles keep
their ids (same count, same order) and only a few changed, the files can be patched
instead: an article's old entries are re-read from its own `d/<id>.json` (the text the
index was made from), the bigrams whose value for it changed are looked up in their
shards, and only those shards, its `d/` file and `meta.json` are rewritten.

The result is byte for byte the index a full rebuild makes (tested against it), or
None when a patch cannot promise that: other articles moved, too many changed, the
shard count would change, or a file is missing or unreadable.
"""
from __future__ import annotations

import json
from pathlib import Path

from .searchindex import (
    DATA_DIR,
    END_DIGITS,
    MORE_DIGITS,
    _json,
    doc_postings,
    doc_record,
    encode,
    fnv1a,
    gram_bytes,
    meta_file,
    shard_count,
)
from .searchtext import SearchDoc

MAX_CHANGED = 32  # beyond this a full rebuild is about as fast and simpler to trust
_END = {c: i for i, c in enumerate(END_DIGITS)}
_MORE = {c: i for i, c in enumerate(MORE_DIGITS)}


def decode(text: str) -> list[tuple[int, int]]:
    """The (article id, value) pairs `encode` wrote."""
    numbers, n, shift = [], 0, 0
    for c in text:
        if c in _MORE:
            n |= _MORE[c] << shift
            shift += 5
        else:
            numbers.append(n | _END[c] << shift)
            n, shift = 0, 0
    out, previous = [], -1
    for gap, value in zip(numbers[::2], numbers[1::2], strict=True):
        previous += gap + 1
        out.append((previous, value))
    return out


def patch_index(out_dir: Path, before: dict, doc_keys: tuple[str, ...], changed_docs,
                previous: dict[str, str], digest_of) -> tuple[dict[str, str], dict] | None:
    """(changed files: path -> text, the index's new state), or None for a full rebuild.

    `before` is the state the last build left ({"docs", "shards", "total"}), `doc_keys`
    the key of each article's search inputs in the site's order, `changed_docs(ids)` the
    new SearchDocs of the articles at those ids, `previous` the digest of every output
    file, and `digest_of(text)` how those digests are made."""
    old_keys = before.get("docs", ())
    if len(old_keys) != len(doc_keys) or "shards" not in before:
        return None
    ids = [i for i, (old, new) in enumerate(zip(old_keys, doc_keys, strict=True)) if old != new]
    if not ids or len(ids) > MAX_CHANGED:
        return None
    shards, total = before["shards"], before["total"]
    data = Path(out_dir) / DATA_DIR
    try:
        new_docs = dict(zip(ids, changed_docs(ids), strict=True))
        delta: dict[str, dict[int, int]] = {}  # gram -> {id: new value, 0 = gone}
        for i in ids:
            old = doc_postings(_read_doc(data / f"d/{i}.json"))
            new = doc_postings(new_docs[i])
            for gram in old.keys() | new.keys():
                if old.get(gram) != new.get(gram):
                    delta.setdefault(gram, {})[i] = new.get(gram, 0)
        by_shard: dict[int, list[str]] = {}
        for gram in delta:
            by_shard.setdefault(fnv1a(gram) % shards, []).append(gram)
        files = {}
        for k, grams in sorted(by_shard.items()):
            path = f"{DATA_DIR}/t/{k}.json"
            bucket = json.loads((Path(out_dir) / path).read_text(encoding="utf-8"))
            for gram in grams:
                postings = dict(decode(bucket.get(gram, "")))
                if gram in bucket:
                    total -= gram_bytes(gram, bucket[gram])
                for i, value in delta[gram].items():
                    postings.pop(i, None) if value == 0 else postings.__setitem__(i, value)
                if postings:
                    bucket[gram] = encode(sorted(postings.items()))
                    total += gram_bytes(gram, bucket[gram])
                else:
                    bucket.pop(gram, None)
            files[path] = _json(bucket)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # the output is not what the last build left: rebuild it
    if shard_count(total) != shards:
        return None
    files.update({f"{DATA_DIR}/d/{i}.json": _json(doc_record(doc)) for i, doc in new_docs.items()})
    digests = {p: d for p, d in previous.items() if p.startswith(DATA_DIR + "/")}
    digests.pop(f"{DATA_DIR}/meta.json", None)
    digests.update((p, digest_of(t)) for p, t in files.items())
    files[f"{DATA_DIR}/meta.json"] = meta_file(digests, shards, len(doc_keys))
    return files, {"docs": doc_keys, "shards": shards, "total": total}


def _read_doc(path: Path) -> SearchDoc:
    record = json.loads(path.read_text(encoding="utf-8"))
    return SearchDoc(url=record["u"], title=record["t"], topic=record["p"], tags=tuple(record["g"]),
                     body=record["b"])
