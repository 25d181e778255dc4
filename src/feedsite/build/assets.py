"""Static assets every built site carries: MathJax's fonts and the Pagefind search index.

Both must work offline: nothing is fetched at build time or when a reader opens
a page. Formulas are typeset at build time (typeset.py), so no MathJax script
reaches the site; only the fonts its CSS names are copied, from the installed
`django-static-mathjax` package. Pagefind runs from the binary shipped in
`pagefind_bin_extended`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib.util import find_spec
from pathlib import Path

from ..errors import BuildFailed, SourceError

# MathJax 3.2.2 keeps its CHTML fonts here. The folder says woff-v2, but the
# files are WOFF 1.0 (their magic is "wOFF"); real WOFF2 would save only about
# a tenth (348 KB to 312 KB for all of them) at the cost of fontTools.
FONTS_DIR = "output/chtml/fonts/woff-v2"

INSTALL_HINT = "run `make site` to install the site's dependencies"

# Pagefind's language for the whole site; pages say <html lang="zh-CN">.
SEARCH_LANGUAGE = "zh-cn"


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


def build_search_index(site_dir: Path) -> None:
    """Index the built HTML in `site_dir` with Pagefind into `site_dir/pagefind/`.

    Pages carry `data-pagefind-body`, so Pagefind indexes only those elements.
    Result URLs are relative to the site root; the search page passes the base
    path to Pagefind's UI as `baseUrl`. Keep `data-pagefind-filter` out of the
    templates: Pagefind writes filters in an unstable order, which made two
    identical builds differ.
    The extended binary is required: it segments Chinese words, the plain one
    finds nothing for 位置编码.
    """
    try:
        import pagefind_bin_extended
        binary = pagefind_bin_extended.get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise BuildFailed([SourceError(
            "site.yaml", 0, f"the Pagefind extended binary is missing ({exc}); {INSTALL_HINT}")]) from None
    site_dir = Path(site_dir).resolve()
    out_dir = site_dir / "pagefind"
    # Start clean so a previous build's fragments (e.g. of deleted pages) cannot
    # linger: the bundle then depends only on the HTML now in site_dir.
    shutil.rmtree(out_dir, ignore_errors=True)
    # Settings come only from here: drop PAGEFIND_* variables, and run in an empty
    # directory so a stray pagefind.yml/toml/json in the caller's cwd is not read.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    cmd = [str(binary), "--site", str(site_dir), "--output-path", str(out_dir),
           "--force-language", SEARCH_LANGUAGE, "--quiet"]
    with tempfile.TemporaryDirectory(prefix="feedsite-pagefind-") as cwd:
        try:
            proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True,
                                  text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildFailed([SourceError(str(site_dir), 0, f"pagefind could not run: {exc}")]) from None
    if proc.returncode != 0 or not (out_dir / "pagefind.js").is_file():
        output = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()
        detail = "\n".join(dict.fromkeys(line.rstrip() for line in output))  # it repeats its error
        raise BuildFailed([SourceError(
            str(site_dir), 0,
            f"pagefind failed (exit {proc.returncode}) while indexing the site: {detail}")])
