"""Titles unique across the site: the one rule of the plan that couples every article
to every other, kept apart from the file store it serves."""
from __future__ import annotations

import re

from ..errors import SourceError, warning
from .drafts import Generated, source_key
from .titles import MAX_TITLE


def dedupe_titles(articles: list[Generated], taken: set[str]) -> tuple[dict[str, str], list[SourceError]]:
    """Make every title unique across the site: a later article whose title is
    already taken gets ` (2)`, ` (3)` … and a warning naming both places. Returns the
    new title of each article renamed, by id (the caller makes the one copy it needs)."""
    first_at: dict[str, str] = {t: "an existing file" for t in taken}
    # Where the search for a free number resumes: titles are only ever added, so a
    # number found taken stays taken, and many articles sharing a title stay linear.
    next_number: dict[str, int] = {}
    renamed, problems = {}, []
    for article in articles:
        title = article.title
        if title in first_at:
            n = next_number.get(title, 2)
            while (candidate := _numbered(title, n)) in first_at:
                n += 1
            next_number[title] = n + 1
            path, line = source_key(article.first_seen)
            problems.append(warning(path, line, f"title '{title}' is also inferred for "
                                                f"{first_at[title]}; using '{candidate}'"))
            renamed[article.id] = title = candidate
        first_at[title] = article.first_seen
    return renamed, problems


_TRAILING = re.compile(r"[ …]+$")


def _numbered(title: str, n: int) -> str:
    suffix = f" ({n})"
    base = title[: MAX_TITLE - len(suffix)]
    return _TRAILING.sub("", base) + suffix
