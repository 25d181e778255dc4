"""MathJax assets: the fonts copied out of the installed package, and nothing else of it."""
from __future__ import annotations

import pytest

from feedsite.build.assets import copy_math_fonts
from feedsite.errors import BuildFailed


def test_copy_math_fonts_copies_the_chtml_fonts_only(tmp_path):
    dest = tmp_path / "assets" / "mathjax" / "fonts"
    written = copy_math_fonts(dest)

    assert written == sorted(p for p in dest.rglob("*") if p.is_file())
    names = {p.name for p in written}
    assert {"MathJax_Main-Regular.woff", "MathJax_Math-Italic.woff", "MathJax_Zero.woff"} <= names
    assert len(names) >= 20 and all(n.startswith("MathJax_") and n.endswith(".woff") for n in names)
    # Real font files (WOFF 1.0, whatever MathJax's folder name says), not pointers.
    assert all(p.read_bytes()[:4] == b"wOFF" for p in written)
    total = sum(p.stat().st_size for p in written)
    assert 200_000 < total < 600_000, total


def test_copy_math_fonts_without_package_tells_user_to_make_site(tmp_path, monkeypatch):
    from feedsite.build import assets

    monkeypatch.setattr(assets, "find_spec", lambda name: None)  # as if it were not installed
    with pytest.raises(BuildFailed) as failed:
        copy_math_fonts(tmp_path / "fonts")
    assert str(failed.value).startswith("site.yaml: error:") and "make site" in str(failed.value)
    assert not (tmp_path / "fonts").exists()
