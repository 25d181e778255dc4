"""MathJax, which every built site carries.

It must work offline: nothing is fetched at build time or when a reader opens a
page, so MathJax is copied from the installed `django-static-mathjax` package.
(The search index is written by searchindex.py, from the articles themselves.)
"""
from __future__ import annotations

import json
import shutil
from importlib.util import find_spec
from pathlib import Path

from ..errors import BuildFailed, SourceError

# What a page needs to typeset TeX with CHTML output, relative to MathJax's es5/
# folder. The layout under `dest` mirrors es5/ because tex-chtml.js finds its
# fonts ("[mathjax]/output/chtml/fonts/woff-v2") and its TeX extensions
# ("[mathjax]/input/tex/extensions", used by \require and autoload) relative to
# the URL it was itself loaded from.
MATHJAX_FILES = ("tex-chtml.js", "ui/safe.js")
MATHJAX_DIRS = ("output/chtml/fonts/woff-v2", "input/tex/extensions")

INSTALL_HINT = "run `make site` to install the site's dependencies"


def mathjax_es5_dir() -> Path:
    """The es5/ folder of the installed MathJax, without assuming site-packages."""
    spec = find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise BuildFailed([SourceError(
            "site.yaml", 0,
            f"MathJax is not installed (python package django-static-mathjax); {INSTALL_HINT}")])
    for root in spec.submodule_search_locations:
        es5 = Path(root) / "static" / "mathjax" / "es5"
        if (es5 / "tex-chtml.js").is_file():
            return es5
    raise BuildFailed([SourceError(
        "site.yaml", 0,
        f"the installed mathjax package has no static/mathjax/es5/tex-chtml.js; {INSTALL_HINT}")])


def copy_mathjax(dest: Path) -> list[Path]:
    """Copy tex-chtml.js, its woff-v2 fonts and the TeX extensions into `dest`.

    Returns the written files in sorted order. About 2.1 MB in total.
    """
    es5 = mathjax_es5_dir()
    sources = [es5 / name for name in MATHJAX_FILES]
    for sub in MATHJAX_DIRS:
        if not (es5 / sub).is_dir():
            raise BuildFailed([SourceError(
                "site.yaml", 0, f"MathJax is incomplete, {es5 / sub} is missing; {INSTALL_HINT}")])
        sources.extend(p for p in (es5 / sub).rglob("*") if p.is_file())
    written = []
    for src in sorted(sources):
        target = dest / src.relative_to(es5)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)  # contents only: build output need not keep package mtimes
        written.append(target)
    return written


def mathjax_config_js() -> str:
    """The `window.MathJax = {...}` script that must run before tex-chtml.js.

    Only spans with class `math` are typeset: the site puts `tex2jax_ignore` on
    <body>, so a stray \\(x\\) in prose or code stays text, and `$` is never a
    delimiter because Chinese notes talk about prices ("$5 到 $10").

    No chtml.fontURL or loader path is set: the es5 tex-chtml.js computes
    "[mathjax]" from document.currentScript, so fonts and extensions load from
    next to the script whatever the site's URL prefix (checked by the browser
    test). This holds for a classic <script> (async/defer are fine), not for
    type="module".
    """
    config = {
        "tex": {
            "inlineMath": [["\\(", "\\)"]],
            "displayMath": [["\\[", "\\]"]],
            # Keep "\$" as written; no `$` delimiters means nothing to escape.
            "processEscapes": False,
        },
        "options": {
            "ignoreHtmlClass": "tex2jax_ignore",
            "processHtmlClass": "math",
            # Formulas come from outside feeds: \href, \style, \class and
            # \cssId (the autoloaded html extension) must not smuggle a
            # javascript: link or a request to another host into the page.
            "safeOptions": {
                "allow": {"URLs": "safe", "classes": "safe", "cssIDs": "safe", "styles": "safe"},
                "safeProtocols": {"http": True, "https": True, "file": False,
                                  "javascript": False, "data": False},
            },
        },
        # ui/safe filters what the html extension puts into the page.
        "loader": {"load": ["ui/safe"]},
    }
    return "window.MathJax = " + json.dumps(config, indent=2) + ";\n"
