"""The extract side: feed dumps -> excerpts -> drafts (title, structure, topic,
tags) -> content/*.md, keeping every hand edit. `run` is its one entry point."""
from .pipeline import ExtractResult, discover_dumps, run

__all__ = ["ExtractResult", "discover_dumps", "run"]
