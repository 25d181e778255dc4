"""A progress bar for long builds and extractions, on a terminal only.

`rich` draws it on stderr when stderr is a terminal and `CI` is not set; piped, in CI,
or for short work (under MIN_ITEMS) nothing is drawn, so logs and tests see only the
summary line. rich is imported only when a bar is drawn (it costs 0.1 s to import).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
MIN_ITEMS = 200  # below this a stage takes well under a second: no bar


def wanted(stream=None) -> bool:
    """A bar only for a person watching a terminal: not in CI, not when piped."""
    stream = stream or sys.stderr
    return not os.environ.get("CI") and hasattr(stream, "isatty") and stream.isatty()


class Progress:
    """`each(label, items)` yields the items, drawing a bar if `show` (default: `wanted()`)."""

    def __init__(self, show: bool | None = None):
        self.show = wanted() if show is None else show

    def each(self, label: str, items: Iterable[T]) -> Iterator[T]:
        items = list(items)
        if not self.show or len(items) < MIN_ITEMS:
            yield from items
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        with Bar(TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
                 TimeRemainingColumn(), transient=True, console=_console()) as bar:
            task = bar.add_task(label, total=len(items))
            for item in items:
                yield item
                bar.advance(task)


def _console():
    from rich.console import Console
    return Console(file=sys.stderr)
