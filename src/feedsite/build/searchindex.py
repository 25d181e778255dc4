"""The search index: article bigrams (and lone non-ASCII letters, so 熵 is found as well
as 交叉熵) sharded into small JSON files, fetched on demand.

Layout under `search/data/` (all JSON, UTF-8, sorted keys, so two builds of the
same site are byte-identical):

- `meta.json`: the format, a version hash of everything below (appended as `?v=`
  so a browser never mixes two builds), the shard and article counts, and the
  case-folding table of searchtext.fold_table.
- `t/<k>.json`: shard k of the lists, `{gram: postings}` (a gram is a bigram or one
  non-ASCII letter, searchtext.index_keys), with a gram in
  shard `fnv1a(gram) % shards`. The first query fetches only the shards of its
  own bigrams, so its bytes grow with the longest bigram lists, not with the site.
- `d/<id>.json`: one article as search shows it (URL, title, topic, tags, body
  text), fetched for the results on screen, to check the match, rank it exactly
  and cut the snippet.

Postings are (article id, value) pairs in id order (ids count from 0 in the
site's order, newest first), written as varints in a base-32 alphabet: the id as
the gap from the previous one, minus one, and value = body count * 4 + 2 * (in a
tag) + (in the title). Ranking needs only these: title, then tag, then count.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from itertools import islice

from .searchtext import SearchDoc, fold, fold_table, index_keys

FORMAT = 2  # 2: lone non-ASCII letters are listed too
DATA_DIR = "search/data"
CHUNK = 2 + 128  # a list entry's length at which its codes (two a posting) are joined
TARGET_SHARD_BYTES = 6_000  # shards stay small; a query fetches one per bigram at most
MAX_SHARDS = 4096
IN_TITLE, IN_TAG, COUNT_SHIFT = 1, 2, 2
# The last digit of a number, then the digits that say "more follows" (5 bits each).
END_DIGITS = "0123456789abcdefghijklmnopqrstuv"
MORE_DIGITS = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"


def fnv1a(gram: str) -> int:
    """FNV-1a over code points; search-index.js computes the same with Math.imul."""
    h = 0x811C9DC5
    for c in gram:
        h = ((h ^ ord(c)) * 0x01000193) & 0xFFFFFFFF
    return h


def varint(n: int) -> str:
    out = []
    while n >= 32:
        out.append(MORE_DIGITS[n & 31])
        n >>= 5
    out.append(END_DIGITS[n])
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _codes() -> list[str]:
    """`varint(n)` of every n below 2**15: nearly every gap and value is, and looking them
    up makes encoding 4x faster. Made when first needed, a digit position at a time (low
    digits first, as `varint` writes them): 4 ms, where calling `varint` 32,768 times
    took 9 ms of every edit's build."""
    end, more = END_DIGITS, MORE_DIGITS
    return [*end[:32], *(m + e for e in end[1:32] for m in more),
            *(m1 + m2 + e for e in end[1:32] for m2 in more for m1 in more)]


def doc_postings(doc: SearchDoc) -> dict[str, int]:
    """key (bigram or lone character, searchtext.index_keys) -> packed value for one article."""
    values: Counter = Counter()
    for gram, count in Counter(index_keys(fold(doc.body))).items():
        values[gram] = count << COUNT_SHIFT
    for gram in set(index_keys(fold(doc.title))):
        values[gram] |= IN_TITLE
    for gram in {g for tag in doc.tags for g in index_keys(fold(tag))}:
        values[gram] |= IN_TAG
    return values


def encode(postings: list[tuple[int, int]]) -> str:
    codes = _codes()
    out, previous, small = [], -1, len(codes)
    for doc_id, value in postings:
        gap = doc_id - previous - 1
        out.append(codes[gap] if gap < small else varint(gap))
        out.append(codes[value] if value < small else varint(value))
        previous = doc_id
    return "".join(out)


def shard_count(total_bytes: int) -> int:
    shards = 1
    while shards * TARGET_SHARD_BYTES < total_bytes and shards < MAX_SHARDS:
        shards *= 2
    return shards


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def doc_record(doc: SearchDoc) -> dict:
    return {"u": doc.url, "t": doc.title, "p": doc.topic, "g": list(doc.tags), "b": doc.body}


def search_files(docs: list[SearchDoc]) -> dict[str, str]:
    """Every file of the index, path (relative to the output folder) -> text."""
    return build_index(docs)[0]


def build_index(docs: Iterable[SearchDoc]) -> tuple[dict[str, str], dict]:
    """The index's files, and what searchpatch.py needs to patch them later (the shard
    count and the total size that sets it). `docs` is read once, one at a time: each
    one's record is made as it comes, so a big site's texts are never all held."""
    # Encoded as they are collected (what `encode` would give), and joined every CHUNK
    # postings: a posting is then about three characters of a string, not two list
    # references (ten million postings at 10,000 articles were 160 MB of lists).
    lists: dict[str, list] = {}  # gram -> [last id, [joined chunks], code, code, ...]
    codes = _codes()
    small = len(codes)
    records = {}
    for doc_id, doc in enumerate(docs):  # ids ascend: lists stay sorted
        records[f"{DATA_DIR}/d/{doc_id}.json"] = _json(doc_record(doc))
        for gram, value in doc_postings(doc).items():
            entry = lists.get(gram)
            if entry is None:
                entry = lists[gram] = [-1, []]
            elif len(entry) >= CHUNK:
                entry[1].append("".join(islice(entry, 2, None)))
                del entry[2:]
            gap = doc_id - entry[0] - 1
            entry[0] = doc_id
            entry.append(codes[gap] if gap < small else varint(gap))
            entry.append(codes[value] if value < small else varint(value))
    encoded = {gram: "".join(entry[1]) + "".join(islice(entry, 2, None)) for gram, entry in lists.items()}
    del lists
    total = sum(gram_bytes(g, p) for g, p in encoded.items())
    shards = shard_count(total)
    buckets: list[dict[str, str]] = [{} for _ in range(shards)]
    for gram, postings in encoded.items():
        buckets[fnv1a(gram) % shards][gram] = postings
    del encoded
    files = {f"{DATA_DIR}/t/{k}.json": _json(bucket) for k, bucket in enumerate(buckets)}
    del buckets
    files.update(records)
    files[f"{DATA_DIR}/meta.json"] = meta_file({p: file_digest(t) for p, t in files.items()}, shards,
                                               len(records))
    return files, {"shards": shards, "total": total}


def gram_bytes(gram: str, postings: str) -> int:
    """What one bigram adds to the index's size, which sets the number of shards."""
    return len(gram.encode()) + len(postings) + 6


def file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def meta_file(digests: dict[str, str], shards: int, docs: int) -> str:
    """meta.json, whose version is a digest of every other file's digest (so an edit's
    patch can make it without reading the files it did not change)."""
    version = hashlib.sha256("".join(f"{p}\0{d}\0" for p, d in sorted(digests.items())).encode())
    return _json({"format": FORMAT, "version": version.hexdigest()[:16], "shards": shards, "docs": docs,
                  "fold": fold_table()})
