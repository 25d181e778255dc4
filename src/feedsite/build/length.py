"""How long an article is to read. Worked out with its rendered body (markdown.py), so
a card shows it without the article's text: an edit's build loads no stored body."""
from __future__ import annotations

import re
from dataclasses import dataclass

CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Length:
    """How long an article is: its characters (a Han character or a word each, as
    Chinese word counts go) and the reading time that follows."""
    chars: int
    minutes: float

    @property
    def reading(self) -> str:
        # The notes are excerpts, nearly all under a minute: "约 1 分钟" on every
        # card told nothing, so below a minute it says so.
        return "不到 1 分钟" if self.minutes < 1 else f"约 {int(self.minutes + 0.5)} 分钟"


def reading_length(body: str) -> Length:
    """Chinese is read by characters (about 400 a minute), other text by words."""
    # Counted on the Markdown itself: its markup and escapes hold no Han or word letters.
    cjk = len(_CJK.findall(body))
    words = len(_WORD.findall(_CJK.sub(" ", body)))
    return Length(cjk + words, cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE)
