"""What a content file says: a new article's file, or an existing file brought up to date
with the dumps while every field a person edited stays as they left it. Pure: text in,
text out; `store.py` decides which files get which.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import frontmatter
from ..slugs import SLUG_RE
from ..spans import formula_fields
from .drafts import Generated
from .fingerprint import EDITABLE, carried_over

if TYPE_CHECKING:  # store.py imports this module
    from .store import Existing


def _slug_of(existing: Existing) -> str:
    slug = str((existing.fields or {}).get("slug") or existing.path.stem)
    return slug if SLUG_RE.fullmatch(slug) else existing.path.stem


def new_fields(gen: Generated, slug: str) -> dict:
    """The front matter of a new article's file."""
    return {
        "title": gen.title, "slug": slug, "topic": gen.topic, "tags": list(gen.tags),
        "sources": list(gen.sources), "truncated": gen.truncated,
        "lost_formulas": gen.lost_formulas, "cut_formulas": gen.cut_formulas,
        "title_source": gen.title_source, "id": gen.id, "fingerprint": gen.fingerprint,
    }


def render(gen: Generated, slug: str) -> str:
    return frontmatter.dump(new_fields(gen, slug), gen.body)


def update(existing: Existing, gen: Generated) -> str:
    """The existing file brought up to date: fields a person edited stay as they
    are (with their old hash, so they stay marked as edited), the rest follow the
    new extraction, and keys the person added are kept."""
    return frontmatter.dump(*updated(existing, gen))


def updated(existing: Existing, gen: Generated) -> tuple[dict, str]:
    """The (front matter, body) that `update` writes."""
    edited = existing.edited
    mine, theirs = gen.editable(), existing.values()
    values = {k: theirs[k] if k in edited else mine[k] for k in EDITABLE}
    fields = dict(existing.fields)
    theirs_source = fields.get("title_source", gen.title_source)
    fields.update(title=values["title"], slug=_slug_of(existing), topic=values["topic"],
                  tags=values["tags"], sources=list(gen.sources), truncated=gen.truncated,
                  **formula_fields(values["body"]),
                  # A title a person wrote keeps the file as it was: the review queue tells
                  # it apart by the fingerprint, so title_source is not rewritten.
                  title_source=theirs_source if "title" in edited else gen.title_source, id=gen.id)
    refreshed = carried_over(existing.fields.get("fingerprint"), edited, values)
    if refreshed is not None:
        fields["fingerprint"] = refreshed
    return fields, values["body"]
