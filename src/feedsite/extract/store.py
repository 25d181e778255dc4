"""The content folder: read what is there, decide what to write, write it safely.

Hand edits are sacred. Each editable field (title, topic, tags, body) carries a
hash in `fingerprint` of the value the machine wrote. A field that no longer
matches its hash was edited by a person and is kept as it is; the other fields
and the machine fields (sources, truncated, lost_formulas, cut_formulas) follow
the dumps.
"""
from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from .. import faults, frontmatter
from ..errors import SourceError
from ..parallel import forked_map
from ..progress import Progress
from ..slugs import slugify_title, unique_slug
from .cache import Memo, digest
from .collisions import dedupe_titles
from .drafts import Generated
from .filetext import render, update
from .fingerprint import edited_fields

UNCHANGED = ("unchanged", "kept-unchanged", "retired")
RETIRED = "retired"  # `status: retired`: a person took the article out for good


@dataclass(frozen=True)
class Existing:
    path: Path
    fields: dict | None  # None when the file cannot be parsed
    body: str
    id: str | None
    sources: frozenset[str]
    text: str = ""  # the file as read, to tell whether a rewrite would change it

    @property
    def parsed(self) -> bool:
        """Its front matter could be read (a file that cannot be is never written over)."""
        return self.fields is not None

    @property
    def status(self) -> str | None:
        return (self.fields or {}).get("status")

    def values(self) -> dict:
        f = self.fields or {}
        return {"title": f.get("title"), "topic": f.get("topic"), "tags": f.get("tags") or [],
                "body": self.body}

    @cached_property
    def edited(self) -> frozenset[str]:
        """The editable fields a person changed."""
        return edited_fields((self.fields or {}).get("fingerprint"), self.values())

    @cached_property
    def digest(self) -> str:
        """Of `text`: what the cache keys a plan of this file by (kept with the file's
        cache entry, so a run does not hash every file again)."""
        return digest(self.text)


class Remembered(Existing):
    """A content file as the cache kept it. Its front matter is unpickled, and its body cut
    from its text, only when asked for: a run asks only of the files it rewrites, and
    leaves most as they are (at 12,000 files, unpickling every front matter took 0.15 s)."""

    def __init__(self, path: Path, packed: tuple):
        fields, status, body, id_, sources, edited, text_digest, text = packed
        # What the dataclass's fields and cached_properties hold, set as they would be.
        self.__dict__.update(path=path, id=id_, sources=frozenset(sources), text=text,
                             edited=edited, digest=text_digest, _fields=fields, _status=status,
                             _body=body)

    @cached_property
    def fields(self) -> dict:  # type: ignore[override]
        try:
            return pickle.loads(self.__dict__["_fields"])
        except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError, ImportError,
                IndexError, KeyError):
            return frontmatter.parse(self.text)[0]  # the text it was parsed from, once

    @cached_property
    def body(self) -> str:  # type: ignore[override]
        body = self.__dict__["_body"]
        return self.text[body:] if isinstance(body, int) else body

    @property
    def parsed(self) -> bool:
        return True  # only a file whose front matter was read is cached

    @property
    def status(self) -> str | None:
        return self.__dict__["_status"]


@dataclass(frozen=True)
class Write:
    path: Path
    text: str
    status: str  # new, updated, unchanged, kept (edited, machine fields changed), kept-unchanged, retired
    before: str | None = None  # the text it was planned from: a rewrite needs the file to still hold it
    article: Generated | None = None  # what the text was made from (new and rewritten files)
    made_from: str | None = None  # the article's derived key, as `plan` was given it


def read_existing(content_dir: Path, shown: str, memo: Memo | None = None
                  ) -> tuple[list[Existing], list[SourceError]]:
    """Every content file as it is. With a `memo`, a file whose stat (mtime, ctime, size,
    inode) is as the cache saw it is not read again; a rewrite checks its text all the same."""
    existing, problems = [], []
    memo = memo or Memo()
    names = _listing(content_dir)
    folder = str(content_dir)
    keys = [os.path.join(folder, n) for n in names]  # str(content_dir / n), without a Path each
    seen = memo.get_many("files", keys) if memo.active else {}
    for file, key in zip(names, keys, strict=True):
        path = content_dir / file
        name = f"{shown}/{file}"
        stamp = stamp_of(key) if memo.active else None
        if stamp is not None and (hit := seen.get(key)) is not None and hit[0] == stamp:
            existing.append(Remembered(path, hit[1]))
            continue
        try:
            found = parsed_file(path, path.read_text(encoding="utf-8"))
            existing.append(found)
            if stamp is not None:
                memo.put("files", str(path), (stamp, packed_entry(found)))
        except OSError as exc:  # a dangling link, a file we may not read: never written over
            problems.append(SourceError(name, 0, f"cannot read: {faults.cause(exc)}; left as it is"))
            existing.append(Existing(path, None, "", None, frozenset()))
        except (frontmatter.FrontMatterError, UnicodeDecodeError) as exc:
            line = getattr(exc, "line", 1)
            message = getattr(exc, "message", "not valid UTF-8")
            problems.append(SourceError(name, line, f"{message}; file left as it is"))
            # Still claim its id and slug so no duplicate of it is created.
            raw = path.read_bytes().decode("utf-8", "replace")
            found = re.search(r"^id: ['\"]?(\w+)", raw, re.M)
            existing.append(Existing(path, None, "", found.group(1) if found else None,
                                     frozenset()))
    return existing, problems


def _listing(content_dir: Path) -> list[str]:
    """The names `content_dir.glob("*.md")` finds, sorted as its paths sort (one folder:
    by name), without making and comparing a Path per file."""
    try:
        with os.scandir(content_dir) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".md"))
    except OSError:  # no folder yet, or one glob would not list either
        return []


def parsed_file(path: Path, text: str) -> Existing:
    """Raises FrontMatterError."""
    fields, parts = frontmatter.parse(text)
    found = Existing(path, fields, parts.body, _str(fields.get("id")),
                     frozenset(map(str, fields.get("sources") or [])), text)
    found.edited  # noqa: B018 - worked out now, so a cache keeps it too
    return found


def packed_entry(e: Existing) -> tuple:
    """A parsed Existing as plain values for the cache (a pickled Path costs more than its
    file), as `Remembered` takes them: the front matter pickled apart, with the one field
    every run reads of every file beside it. The body is the end of the text, so it is
    kept as where it starts, not stored twice; the text comes last, so a worker can send
    the rest and the parent add the text it has."""
    body = len(e.text) - len(e.body) if e.text.endswith(e.body) else e.body
    return (pickle.dumps(e.fields, protocol=5), e.status, body, e.id, tuple(e.sources), e.edited,
            e.digest, e.text)


def update_key(existing: Existing, gen: Generated, made_from: str | None = None) -> str:
    """All that `update` reads: the file's text, its path (a file without a valid slug
    is known by its name) and the article. `made_from` stands for all of the article
    but its id, sources and deduped title (the key its derived fields are cached by),
    so the article's body is not hashed again."""
    article = repr((gen.id, gen.title, gen.sources)) if made_from else repr(gen)
    return digest(str(existing.path), existing.digest, made_from or "", article)


def stamp_of(path: Path | str) -> tuple[int, int, int, int] | None:
    """What tells a file apart from its earlier self without reading it. The change time
    is in it because no program can set it back, as `touch -d` sets the mtime."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


def _str(value) -> str | None:
    return None if value is None else str(value)


def match_files(generated: list[Generated], existing: list[Existing]) -> dict[str, Existing]:
    """Article id -> the file that already holds it: by the id written in the
    file, else (for a file that lost its id) by a shared `file:line` source.
    A file is claimed by one article at most."""
    by_id = {e.id: e for e in existing if e.id}
    matches: dict[str, Existing] = {}
    claimed: set[Path] = set()
    for gen in generated:
        if gen.id in by_id:
            matches[gen.id] = by_id[gen.id]
            claimed.add(by_id[gen.id].path)
    # Files by each source they name, in listing order: a lookup per source, not a scan.
    by_source: dict[str, list[Existing]] = {}
    for e in existing:
        for source in e.sources:
            by_source.setdefault(source, []).append(e)
    order = {id(e): k for k, e in enumerate(existing)}
    for gen in generated:
        if gen.id not in matches:
            sharing = {id(e): e for s in gen.sources for e in by_source.get(s, ())
                       if e.path not in claimed}
            match = sharing[min(sharing, key=order.__getitem__)] if sharing else None
            if match is not None:
                matches[gen.id] = match
                claimed.add(match.path)
    return matches


def plan(generated: list[Generated], existing: list[Existing], content_dir: Path,
         memo: Memo | None = None, made_from: dict[str, str] | None = None,
         progress: Progress | None = None) -> tuple[list[Write], list[SourceError]]:
    """What to write for every article. With a `memo`, a file whose text and article a
    run has seen before gets the text it got then, without rendering it again.
    `made_from` is, by article id, the key of what its derived fields were made from."""
    memo = memo or Memo()
    found = match_files(generated, existing)
    matches = {k: e for k, e in found.items() if e.parsed}
    unparseable = set(found) - set(matches)
    # Titles the machine writes this run must be unique, also against titles a
    # person chose and files no dump carries any more.
    drafted = [g for g in generated if g.id not in unparseable
               and (g.id not in matches or "title" not in matches[g.id].edited)]
    drafted_paths = {matches[g.id].path for g in drafted if g.id in matches}
    taken_titles = {str(e.fields.get("title")) for e in existing
                    if e.path not in drafted_paths and e.fields}
    renamed, problems = dedupe_titles(drafted, taken_titles)

    taken_slugs = {e.path.stem for e in existing}
    final = [replace(gen, title=renamed[gen.id]) if gen.id in renamed else gen
             for gen in generated if gen.id not in unparseable]  # unparseable: never overwritten
    made_from = made_from or {}
    keys = {gen.id: update_key(matches[gen.id], gen, made_from.get(gen.id)) for gen in final
            if gen.id in matches} if memo.active else {}
    known = memo.get_many("updates", keys.values()) if memo.active else {}
    # Rendering is the plan's long loop when many files are new or rewritten: it runs across
    # the cores, and a new file is drafted under the slug its title gives, which the loop
    # below keeps unless another file took it.
    todo = [(gen, matches.get(gen.id)) for gen in final if gen.id not in matches or (
        keys.get(gen.id) not in known and matches[gen.id].status != RETIRED)]
    drafted = dict(zip((gen.id for gen, _ in todo), forked_map(_drafted, todo, progress, "rendering"),
                       strict=True))
    writes = []
    for gen in final:
        match = matches.get(gen.id)
        if match is None:
            base, text = drafted[gen.id]
            slug = unique_slug(base, taken_slugs)
            taken_slugs.add(slug)
            writes.append(Write(content_dir / f"{slug}.md", text if slug == base else render(gen, slug),
                                "new", None, gen, made_from.get(gen.id)))
            continue
        if match.status == RETIRED:
            writes.append(Write(match.path, match.text, RETIRED))  # left exactly as it is
            continue
        key = keys.get(gen.id)
        if key in known:
            text = known[key] if known[key] is not None else match.text
        else:
            text = drafted[gen.id][1]
            if key is not None:
                memo.put("updates", key, text if text != match.text else None)
        status = ("kept" if match.edited else "updated") if text != match.text else \
            ("kept-unchanged" if match.edited else "unchanged")
        writes.append(Write(match.path, text, status, match.text, gen, made_from.get(gen.id)))
    return writes, problems


def _drafted(job: tuple[Generated, Existing | None]) -> tuple[str, str]:
    """(slug, text) of an article's file: a new one under its title's slug, an existing
    one brought up to date under its own."""
    gen, match = job
    if match is None:
        slug = slugify_title(gen.title)
        return slug, render(gen, slug)
    return "", update(match, gen)
