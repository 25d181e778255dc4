"""New sites and new hand-written articles: `feedsite init` and `feedsite new`.

Both only ever create files; an existing file is never overwritten.
"""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from . import frontmatter
from .config import SiteConfig
from .errors import BuildFailed, SourceError, shown_path
from .slugs import slugify_title

STARTER = Path(__file__).resolve().parent / "starter"


def init_site(folder: Path) -> list[Path]:
    """Copy the starter site (site.yaml, content/welcome.md) into `folder` and make
    an empty feeds/; returns the files written. Refuses a folder that already has a
    site.yaml, so a person's configuration is never replaced."""
    if (folder / "site.yaml").exists():
        raise BuildFailed([SourceError(shown_path(folder / "site.yaml"), 0,
                                       "a site is already here; nothing was written")])
    written = []
    for source in sorted(STARTER.rglob("*")):
        target = folder / source.relative_to(STARTER)
        if source.is_dir() or target.exists():
            continue  # a content file of the same name is the person's: keep it
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    (folder / "feeds").mkdir(parents=True, exist_ok=True)
    return written


def new_article(config: SiteConfig, title: str, topic: str | None = None,
                tags: tuple[str, ...] = (), date: str | None = None) -> Path:
    """content/<slug>.md for a hand-written article, with valid front matter.

    It has no `id` and no `fingerprint`, so extraction never claims or rewrites it.
    The date is today's unless given: written once into the file, so every later
    build of it is reproducible."""
    title = " ".join(title.split())
    topic = topic or config.default_topic
    problems = []
    if not title:
        problems.append(SourceError("new", 0, "the title is empty"))
    if config.topic(topic) is None:
        known = ", ".join(t.slug for t in config.topics)
        problems.append(SourceError("new", 0, f"unknown topic '{topic}' (known: {known})"))
    slug = slugify_title(title)
    path = config.content_dir / f"{slug}.md"
    if path.exists():
        problems.append(SourceError(shown_path(path), 0, "an article with this slug already exists; "
                                                         "choose another title or edit that file"))
    if problems:
        raise BuildFailed(problems)
    fields = {"title": title, "slug": slug, "topic": topic, "tags": list(tags),
              "date": date or datetime.date.today().isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
        out.write(frontmatter.dump(fields, "在这里写正文。"))
    return path
