"""What a broken edit looks like in the browser.

While an edit is broken the last good site stays served, and every HTML page carries an
overlay listing each problem as `file:line: error: …`, escaped, so the person sees what to
fix on the page they were reading; CSS, scripts and fonts are served untouched. Only when
no build has ever succeeded is there nothing to show, and the error page stands alone.
"""
from __future__ import annotations

import html
import re

OVERLAY_ID = "feedsite-build-errors"
_BODY_END = re.compile(rb"</body\s*>", re.I)


def _items(problems: list[str]) -> str:
    return "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)


def overlay(problems: list[str]) -> str:
    # Inline styles under one id: the site's own CSS must not hide it, nor it restyle the site.
    return f"""<div id="{OVERLAY_ID}" role="alert" style="position:fixed;z-index:2147483647;\
left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:.75rem 1rem;\
background:#fff4f4;color:#1a1a1a;border-top:3px solid #b00020;\
font:15px/1.5 system-ui,sans-serif;box-shadow:0 -2px 12px rgba(0,0,0,.25)">
<strong style="color:#b00020">Build failed</strong>: this is the last good site. Fix these and
save; the page reloads by itself.
<ul style="margin:.25rem 0 0;padding-left:1.25rem">
{_items(problems)}
</ul></div>
"""


def with_overlay(page: bytes, problems: list[str]) -> bytes:
    """`page` with the overlay as the last thing in its body."""
    block = overlay(problems).encode("utf-8")
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + block
    at = ends[-1].start()
    return page[:at] + block + page[at:]


def error_page(problems: list[str]) -> str:
    """The page for every URL when no build has succeeded yet."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed · feedsite</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
li{{margin:.5rem 0}} code{{white-space:pre-wrap;color:#b00020}}</style></head>
<body><h1>Build failed</h1><p>Fix these and save; this page reloads by itself.</p>
<ul class="problems">
{_items(problems)}
</ul></body></html>
"""
