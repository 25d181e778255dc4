"""Tests on short stretches of an excerpt that the layout rules share: is this a noun
phrase that could be a heading or a label, does a sentence end here, what a word
that opens a clause looks like. Pure functions of text; no rule lives here.
"""
from __future__ import annotations

import re
from functools import lru_cache

MAX_PHRASE_CHARS = 24
SENTENCE_END = re.compile(r"(?:[。!?\uff01\uff1f]|(?<=[^\d\s.])\.)[”’」』)】\"']*$")
HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-/+']*|\([A-Za-z][A-Za-z0-9 \-/+']*\)")
# Full-width forms are written as escapes: the dumps use ASCII `,:;!?()` but others may not.
_CLAUSE_PUNCT = re.compile(r"[,。\uff0c;\uff1b!\uff01、:\uff1a…\"“”「」《》]|\.\.\.|\.(?!\d)")
# A heading is a noun phrase: it neither starts nor ends on a function word.
BAD_START = set("的了着过们和与及或并而但等也都就还又则即且来去所因被把将给让使于之其")
BAD_END = set("的了着为是在和与及或对把被将从向给让使等之其于以而但并且则即也都就还又个种些")
_PRONOUNS = re.compile(r"我们|你们|他们|笔者|我|你")
# What a sentence opens with when its subject stood before the space: a copula,
# after any adverbs (`Medusa 是…`, `重参数(…) 实际上是…`). `为了…`, `为什么…` open a
# sentence of their own.
PREDICATE = re.compile(r"^(?:(?:实际上|其实|本质上|也|就|都|还|则|便|又|通常|一般|主要)\s*)*"
                        r"(?:是|有|没有|不是|为(?!了|什么)|即|指|叫|称为|又称|也叫|可以|能够|会)")
# After a lone Latin word, more openings mean it was the subject (`DDPM 有…`, `Medusa 在…`).
LATIN_PREDICATE = re.compile(r"^(?:是|有|没|不|在|将|把|被|的|也|就|都|还|会|可|能|则|并|和|与|等|对|从|用|"
                              r"通过|使用|采用|提出|利用)")
FOLLOWER_BAD = set("的了着过们等之和与及或")
_PHRASE_START = re.compile(r"[\w\u3400-\u9fff(\uff08\U0001F300-\U0001FAFF\u2600-\u27BF]")
_LATIN_PHRASE = re.compile(r"[A-Za-z0-9 \-/+'()]+")


def is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


@lru_cache(maxsize=4096)  # a window of pieces is tried as a heading from several places
def is_phrase(phrase: str) -> bool:
    """A short unpunctuated noun phrase: 2–16 CJK characters or up to 4 Latin words."""
    if len(phrase) > 48:
        return False
    if _CLAUSE_PUNCT.search(phrase.rstrip("?\uff1f")) or _PRONOUNS.search(phrase):
        return False
    if not _PHRASE_START.match(phrase):
        return False  # `- x`, `# x`, `*x*` are the text's own marks, not a heading
    if phrase.count("(") + phrase.count("\uff08") != phrase.count(")") + phrase.count("\uff09"):
        return False
    han = len(HAN.findall(phrase))
    latin = _LATIN_WORD.findall(HAN.sub(" ", phrase))
    if han == 0:
        return 1 <= len(latin) <= 4 and _LATIN_PHRASE.fullmatch(phrase) is not None \
            and phrase[0].isupper()
    if not 2 <= han <= 16 or len(phrase) > MAX_PHRASE_CHARS or len(latin) > 3:
        return False
    core = phrase.rstrip("?\uff1f")
    if any(word and word[-1] in BAD_END for word in core.split(" ")[:-1]):
        return False  # `曾经优秀的 ReLUs 怎么了`: a phrase does not break after a function word
    return core[0] not in BAD_START and core[-1] not in BAD_END
