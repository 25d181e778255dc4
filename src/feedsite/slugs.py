"""ASCII slugs from Chinese titles: pinyin of the Han characters plus Latin words."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from slugify import slugify

MAX_SLUG = 60
# What a slug may be: it names a file, a URL segment and an anchor.
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify_title(title: str, max_length: int = MAX_SLUG) -> str:
    """`旋转式位置编码(ROPE)` -> `xuan-zhuan-shi-wei-zhi-bian-ma-rope`.

    lazy_pinyin reads heteronyms in context (银行 -> yin-hang), which slugify's own
    transliteration does not. The result only ever holds [a-z0-9-], so a title
    like `../../x` can never name a path outside the content folder.
    """
    slug = _truncate(slugify(" ".join(pinyin_of(title))), max_length)
    if not slug:
        digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
        slug = f"article-{digest}"
    return slug


def pinyin_of(title: str) -> list[str]:
    """`lazy_pinyin(title)`, a run of Han characters at a time. pypinyin itself splits a
    text into Han and other runs and reads each on its own, so the runs' readings joined
    are the title's; a collection's titles share many runs, and each is read once."""
    # Imported here: pypinyin's phrase dictionary takes 0.35 s to load, a third of a
    # no-change build, and most builds slugify nothing.
    from pypinyin.seg.simpleseg import simple_seg

    return [syllable for run in simple_seg(title) for syllable in _run_pinyin(run)]


@lru_cache(maxsize=8192)
def _run_pinyin(run: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(run))


def _truncate(slug: str, max_length: int) -> str:
    """Cut at a hyphen so no syllable is split (slugify's own cut can drop words)."""
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1].rsplit("-", 1)[0]
    return (cut or slug[:max_length]).strip("-")


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … whichever is free, still within MAX_SLUG."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
