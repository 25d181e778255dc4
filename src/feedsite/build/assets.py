"""Static assets every built site carries: MathJax's fonts.

They must work offline: nothing is fetched at build time or when a reader opens
a page. Formulas are typeset at build time (typeset.py), so no MathJax script
reaches the site; only the fonts its CSS names are copied, from the installed
`django-static-mathjax` package. (The search index is written by searchindex.py,
from the articles themselves.)
"""
from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

from ..errors import BuildFailed, SourceError

# MathJax 3.2.2 keeps its CHTML fonts here. The folder says woff-v2, but the
# files are WOFF 1.0 (their magic is "wOFF"); real WOFF2 would save only about
# a tenth (348 KB to 312 KB for all of them) at the cost of fontTools.
FONTS_DIR = "output/chtml/fonts/woff-v2"

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
        if (es5 / "startup.js").is_file() and (es5 / "adaptors" / "liteDOM.js").is_file():
            return es5
    raise BuildFailed([SourceError(
        "site.yaml", 0,
        f"the installed mathjax package has no static/mathjax/es5/startup.js and adaptors/liteDOM.js; "
        f"{INSTALL_HINT}")])


def copy_math_fonts(dest: Path) -> list[Path]:
    """Copy MathJax's CHTML fonts into `dest`; returns the written files, sorted.

    All of them (about 350 KB on disk): a page's CSS names only the fonts its
    glyphs use and a browser fetches only those, while the preview, which
    rewrites pages in place, can show a new formula without copying fonts again.
    """
    fonts = mathjax_es5_dir() / FONTS_DIR
    if not fonts.is_dir():
        raise BuildFailed([SourceError(
            "site.yaml", 0, f"MathJax is incomplete, {fonts} is missing; {INSTALL_HINT}")])
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(fonts.glob("*.woff")):
        shutil.copyfile(src, dest / src.name)  # contents only: build output need not keep package mtimes
        written.append(dest / src.name)
    return written
