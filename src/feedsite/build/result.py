"""What a build returns: made by the pipeline, and by the CLI's no-change check
(unchanged.py) without importing the pipeline."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import SourceError


@dataclass(frozen=True)
class BuildResult:
    written: int
    pages: int
    warnings: tuple[SourceError, ...]
    seconds: float
    changed: tuple[str, ...]  # output paths rewritten (for the preview's reload)
    cache: str = ""  # what the cache gave, in words ("" without one)
    cache_warnings: tuple[SourceError, ...] = ()  # a cache that could not be used: never fatal
