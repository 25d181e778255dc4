"""An excerpt cut at its spaces: the model the layout rules work on.

The feed joined every line of a note with one space, so a block boundary can
only be one of the spaces in prose. `Pieces` numbers the text between those
spaces; a rule marks the piece a block starts at. `Block` is the result: a
range of the source text and what kind of block it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..spans import DISPLAY, PROSE, split_spans

PARA, HEADING, ITEM, CODE = "para", "heading", "item", "code"


@dataclass(frozen=True)
class Block:
    start: int  # text[start:end] is the block's source text
    end: int
    kind: str = PARA  # para, heading, item or code
    level: int = 0  # for headings: 2..4
    lines: tuple[int, ...] = ()  # for code: positions of spaces that become line breaks


@dataclass(frozen=True)
class Mark:
    kind: str
    level: int = 0
    lines: tuple[int, ...] = ()


class Pieces:
    """The text between the cuttable spaces, and which of it is prose."""

    def __init__(self, text: str):
        self.text = text
        self.prose, self.display_ends = prose_mask(text)
        self.spaces = cuttable_spaces(text, self.prose)
        self.starts = [0] + [p + 1 for p in self.spaces]
        self.ends = [*self.spaces, len(text)]
        self.marks: dict[int, Mark] = {}  # piece index -> the block that starts there

    def __len__(self) -> int:
        return len(self.starts)

    def piece(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]

    def between(self, i: int, j: int) -> str:
        """Pieces i..j-1 with the spaces between them."""
        return self.text[self.starts[i]:self.ends[j - 1]]

    def all_prose(self, i: int, j: int) -> bool:
        """Pieces i..j-1 hold no math (the spaces between them are prose by definition)."""
        return all(self._prose_pieces[i:j])

    @cached_property
    def _prose_pieces(self) -> list[bool]:
        prose = self.prose
        return [all(prose[a:b]) for a, b in zip(self.starts, self.ends, strict=True)]

    def mark(self, i: int, kind: str, level: int = 0, lines: tuple[int, ...] = ()) -> None:
        """A block of `kind` starts at piece i; a heading, item or code block wins over a paragraph."""
        if i not in self.marks or self.marks[i].kind == PARA:
            self.marks[i] = Mark(kind, level, lines)

    def blocks(self) -> list[Block]:
        starts = sorted(self.marks.keys() | {0})
        out = []
        for a, b in zip(starts, [*starts[1:], len(self)], strict=True):
            mark = self.marks.get(a, Mark(PARA))
            out.append(Block(self.starts[a], self.ends[b - 1], mark.kind, mark.level, mark.lines))
        return out


@lru_cache(maxsize=64)
def prose_mask(text: str) -> tuple[list[bool], frozenset[int]]:
    """For each character whether it is prose; and where display formulas end."""
    mask, ends, pos = [], set(), 0
    for span in split_spans(text):
        mask += [span.kind == PROSE] * len(span.text)
        pos += len(span.text)
        if span.kind == DISPLAY:
            ends.add(pos)
    return mask, frozenset(ends)


_LONE_SPACE = re.compile(r"(?<=[^ ]) (?=[^ ])")
_BACKSLASHES = re.compile(r"\\+$")


def cuttable_spaces(text: str, prose: list[bool]) -> list[int]:
    """Single spaces in prose with a character on each side, never the second half of
    an escape pair such as `\\ `."""
    found = []
    for m in _LONE_SPACE.finditer(text):
        i = m.start()
        if not prose[i]:
            continue
        if text[i - 1] == "\\":  # taken by the backslash when an odd run of them precedes it
            run = _BACKSLASHES.search(text, 0, i)
            if run and len(run.group()) % 2 and all(prose[run.start():i]):
                continue
        found.append(i)
    return found
