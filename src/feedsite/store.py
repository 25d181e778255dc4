"""The content folder: read what is there, decide what to write, write it safely.

Hand edits are sacred. A file whose editable fields (title, topic, tags, body)
no longer match the fingerprint it was written with has been edited by a
person: only machine fields (sources, truncated, lost_formulas) are updated.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .errors import SourceError
from .extract import Generated, dedupe_titles, fingerprint
from .slugs import slugify_title, unique_slug
from .spans import count_lost

UNCHANGED = ("unchanged", "kept-unchanged")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Existing:
    path: Path
    fields: dict | None  # None when the file cannot be parsed
    body: str
    id: str | None
    sources: frozenset[str]
    text: str = ""  # the file as read, to tell whether a rewrite would change it

    @property
    def edited(self) -> bool:
        f = self.fields or {}
        return f.get("fingerprint") != fingerprint(
            f.get("title"), f.get("topic"), f.get("tags") or [], self.body)


@dataclass(frozen=True)
class Write:
    path: Path
    text: str
    status: str  # new, updated, unchanged, kept (edited, machine fields changed), kept-unchanged


def read_existing(content_dir: Path, shown: str) -> tuple[list[Existing], list[SourceError]]:
    existing, problems = [], []
    for path in sorted(content_dir.glob("*.md")) if content_dir.is_dir() else []:
        name = f"{shown}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
            fields, parts = frontmatter.parse(text)
            existing.append(Existing(path, fields, parts.body, _str(fields.get("id")),
                                     frozenset(map(str, fields.get("sources") or [])), text))
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
    for gen in generated:
        if gen.id not in matches:
            sources = set(gen.sources)
            match = next((e for e in existing if e.path not in claimed and e.sources & sources),
                         None)
            if match is not None:
                matches[gen.id] = match
                claimed.add(match.path)
    return matches


def plan(generated: list[Generated], existing: list[Existing], content_dir: Path
         ) -> tuple[list[Write], list[SourceError]]:
    matches = match_files(generated, existing)
    regenerate = [g for g in generated
                  if g.id not in matches or (matches[g.id].fields is not None
                                             and not matches[g.id].edited)]
    regenerated_paths = {matches[g.id].path for g in regenerate if g.id in matches}
    taken_titles = {str(e.fields.get("title")) for e in existing
                    if e.fields and e.path not in regenerated_paths}
    renamed, problems = dedupe_titles(regenerate, taken_titles)
    final = {g.id: g for g in renamed}

    taken_slugs = {e.path.stem for e in existing}
    writes = []
    for gen in generated:
        match = matches.get(gen.id)
        if match is not None and match.fields is None:
            continue  # unparseable file: reported, never overwritten
        if match is None:
            slug = unique_slug(slugify_title(final[gen.id].title), taken_slugs)
            taken_slugs.add(slug)
            path = content_dir / f"{slug}.md"
            writes.append(Write(path, render(final[gen.id], slug), "new"))
        elif gen.id in final:
            text = render(final[gen.id], _slug_of(match))
            writes.append(Write(match.path, text, "unchanged" if text == match.text else "updated"))
        else:
            text = keep_edits(match, gen)
            writes.append(Write(match.path, text, "kept" if text != match.text else "kept-unchanged"))
    return writes, problems


def _slug_of(existing: Existing) -> str:
    slug = str((existing.fields or {}).get("slug") or existing.path.stem)
    return slug if SLUG_RE.fullmatch(slug) else existing.path.stem


def render(gen: Generated, slug: str) -> str:
    fields = {
        "title": gen.title, "slug": slug, "topic": gen.topic, "tags": list(gen.tags),
        "sources": list(gen.sources), "truncated": gen.truncated,
        "lost_formulas": gen.lost_formulas, "id": gen.id,
        "fingerprint": fingerprint(gen.title, gen.topic, gen.tags, gen.body),
    }
    return frontmatter.dump(fields, gen.body)


def keep_edits(existing: Existing, gen: Generated) -> str:
    """The person's file with only the machine fields brought up to date."""
    fields = dict(existing.fields)
    fields.update(sources=list(gen.sources), truncated=gen.truncated,
                  lost_formulas=count_lost(existing.body), id=gen.id)
    return frontmatter.dump(fields, existing.body)


def apply(writes: list[Write], content_dir: Path) -> None:
    """Write changed files atomically; never outside the content folder."""
    root = content_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    for write in writes:
        if write.status in UNCHANGED:
            continue  # the file already holds exactly this text: leave it untouched
        target = write.path.resolve()
        if target.parent != root or target.suffix != ".md":
            raise ValueError(f"refusing to write outside {root}: {target}")
        # Write beside the target and rename over it: a reader (or the preview
        # server) sees the old file or the new one, never half of one.
        tmp = root / f".{target.name}.tmp"
        tmp.write_text(write.text, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
