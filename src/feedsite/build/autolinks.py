"""Bare URLs in the notes become links (markdown-it's linkify with linkify-it-py).

Two things in these bodies make linkify's raw matches wrong, so every match is
trimmed after parsing:

- Chinese runs on without spaces: in `见https://github.com/x项目。` the URL ends at
  项, while linkify-it reads on through CJK letters and punctuation.
- The body linkify sees has math swapped for placeholders (private-use
  characters, see markdown.py) and Markdown escapes added by extraction
  (`bert\\_v8.pdf`). A URL stops at a placeholder, so `\\(..\\)` stays math, and its
  escapes are undone, as markdown-it does for the text around it.

Only URLs with a scheme (`https://…`) are linked: fuzzy matching would turn file
names such as `train.py` (.py is a country domain) into links.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Where a URL written inside Chinese prose really ends: CJK letters, CJK and
# full-width punctuation, and the private-use placeholders that stand for math.
_URL_END = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
                      "\ue000-\uf8ff\U000f0000-\U000ffffd]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: backslash + ASCII punctuation
_TRAILING = ".,;:!?'\""  # as linkify-it drops them at a URL's end


def enable_autolinks(md: MarkdownIt) -> None:
    md.options["linkify"] = True
    md.enable("linkify")
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})


def trim_autolinks(md: MarkdownIt, tokens: list[Token]) -> None:
    """Cut every linkify link at the end of its URL; what follows is text again."""
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            tok.children = _trimmed(md, tok.children)


def _trimmed(md: MarkdownIt, children: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(children):
        tok = children[i]
        if not (tok.type == "link_open" and tok.markup == "linkify" and i + 2 < len(children)):
            out.append(tok)
            i += 1
            continue
        label, close = children[i + 1], children[i + 2]
        found = _URL_END.search(label.content)
        kept = label.content[:found.start() if found else None].rstrip(_TRAILING + "\\")
        rest = label.content[len(kept):]
        url = _ESCAPE.sub(r"\1", kept)
        href = md.normalizeLink(url)
        if "://" in url and url.split("://", 1)[1] and md.validateLink(href):
            tok.attrs = {"href": href}
            label.content = md.normalizeLinkText(url)
            out += [tok, label, close]
        else:
            rest = label.content  # nothing is left of the URL: all of it is text
        if rest:
            text = Token("text", "", 0)
            text.content, text.level = _ESCAPE.sub(r"\1", rest), tok.level
            out.append(text)
        i += 3
    return out
