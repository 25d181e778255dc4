"""Feed dumps into excerpts. Pure: bytes in, excerpts and problems out.

A dump is `INCOMING TRANSMISSION`, a blank line, `LATEST UPDATES`, then one
article excerpt per line, with the odd pagination strip such as `1 2`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SourceError, warning

HEADER = ("INCOMING TRANSMISSION", "LATEST UPDATES")
# One excerpt is a few thousand characters; a line far beyond that is a broken
# dump, and passing it on would make pages no browser can lay out.
MAX_EXCERPT_CHARS = 100_000
_PAGINATION = re.compile(r"\s*\d+(?:\s+\d+)*\s*")
# An article says something: a stray line such as `深度学习 笔记` is not one.
MIN_EXCERPT_CHARS = 12
_CLAUSE = re.compile(r"[,。,;;!?!?:\uff0c\uff1b\uff01\uff1f\uff1a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BOM = b"\xef\xbb\xbf"
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


@dataclass(frozen=True)
class Excerpt:
    source: str  # the dump's path as shown to the user
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 10


def parse_dump(source: str, data: bytes) -> tuple[list[Excerpt], list[SourceError]]:
    problems: list[SourceError] = []
    if not data.strip():
        return [], [SourceError(source, 1, "empty file: a feed dump needs a header and excerpts")]
    if looks_binary(data):
        return [], [SourceError(source, 1, "binary file, not a text feed dump; skipped")]
    if data.startswith(_BOM):
        problems.append(warning(source, 1, "UTF-8 byte order mark ignored"))
        data = data[len(_BOM):]
    if b"\r" in data:
        first = data[: data.index(b"\r")].count(b"\n") + 1
        problems.append(warning(source, first, "CRLF or CR line endings read as LF"))
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

    excerpts: list[Excerpt] = []
    header_seen: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        text = _decode(source, number, raw, problems)
        if text is None:
            continue
        if _CONTROL.search(text):
            problems.append(warning(source, number, "control characters removed"))
            text = _CONTROL.sub("", text)
        stripped = text.strip()
        if not stripped or _PAGINATION.fullmatch(stripped):
            continue
        if stripped in HEADER:
            header_seen.append(stripped)
            continue
        if not header_seen and not excerpts:
            problems.append(SourceError(
                source, number,
                f"missing header '{HEADER[0]}' / '{HEADER[1]}'; reading the lines as excerpts anyway"))
            header_seen.append("")  # report it once
        if len(stripped) > MAX_EXCERPT_CHARS:
            problems.append(SourceError(
                source, number,
                f"line has {len(stripped):,} characters, over the {MAX_EXCERPT_CHARS:,} an excerpt "
                "may have; skipped"))
            continue
        if too_short(stripped):
            problems.append(warning(source, number, f"line too short to be an article ({stripped!r}); "
                                                    "skipped"))
            continue
        excerpts.append(Excerpt(source, number, stripped))
    if not excerpts and not any(p.severity == "error" for p in problems):
        problems.append(SourceError(source, 1, "no excerpts found after the header"))
    return excerpts, problems


def too_short(text: str) -> bool:
    """Fewer than MIN_EXCERPT_CHARS characters, or two words and not one clause mark."""
    core = text.removesuffix("...").strip()
    return len(core.replace(" ", "")) < MIN_EXCERPT_CHARS or \
        (len(core.split()) <= 2 and not _CLAUSE.search(core))


def _decode(source: str, number: int, raw: bytes, problems: list[SourceError]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(SourceError(
            source, number,
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}); line skipped"))
        return None
