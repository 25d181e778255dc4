"""The extract side: feed dumps -> excerpts -> drafts (title, structure, topic,
tags) -> content/*.md, keeping every hand edit. `run` is its one entry point."""
from .pipeline import ExtractResult, discover_dumps, run
from .review import PAGE_PATH as REVIEW_PATH
from .review import page as review_page
from .review import review

__all__ = ["REVIEW_PATH", "ExtractResult", "discover_dumps", "review", "review_page", "run"]
