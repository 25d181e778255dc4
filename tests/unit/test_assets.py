"""MathJax assets: what is copied out of the installed package, and the page config."""
from __future__ import annotations

import json

import pytest

from feedsite.build.assets import copy_mathjax, mathjax_config_js
from feedsite.errors import BuildFailed


def test_copy_mathjax_mirrors_es5_layout(tmp_path):
    dest = tmp_path / "assets" / "mathjax"
    written = copy_mathjax(dest)

    assert written == sorted(p for p in dest.rglob("*") if p.is_file())
    names = {p.relative_to(dest).as_posix() for p in written}
    assert {"tex-chtml.js", "ui/safe.js"} <= names
    fonts = {n for n in names if n.startswith("output/chtml/fonts/woff-v2/")}
    assert "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff" in fonts
    assert len(fonts) >= 20
    assert {"input/tex/extensions/mhchem.js", "input/tex/extensions/cancel.js"} <= names
    # Nothing beyond the parts a page needs.
    assert all(n in ("tex-chtml.js", "ui/safe.js") or n.startswith(("output/chtml/fonts/woff-v2/", "input/tex/extensions/"))
               for n in names)
    total = sum(p.stat().st_size for p in written)
    assert 1_500_000 < total < 3_000_000, total



def test_copy_mathjax_without_package_tells_user_to_make_site(tmp_path, monkeypatch):
    from feedsite.build import assets

    monkeypatch.setattr(assets, "find_spec", lambda name: None)  # as if it were not installed
    with pytest.raises(BuildFailed) as failed:
        copy_mathjax(tmp_path / "mj")
    assert str(failed.value).startswith("site.yaml: error:") and "make site" in str(failed.value)
    assert not (tmp_path / "mj").exists()



def test_mathjax_config_js_delimiters_and_classes():
    js = mathjax_config_js()
    assert js.startswith("window.MathJax = ") and js.rstrip().endswith(";")
    config = json.loads(js[len("window.MathJax = "):].rstrip().rstrip(";"))
    assert config["tex"]["inlineMath"] == [["\\(", "\\)"]]
    assert config["tex"]["displayMath"] == [["\\[", "\\]"]]
    assert config["tex"]["processEscapes"] is False
    options = config["options"]
    assert (options["ignoreHtmlClass"], options["processHtmlClass"]) == ("tex2jax_ignore", "math")
    # The safe filter is loaded and refuses javascript: links from \href.
    assert config["loader"]["load"] == ["ui/safe"]
    assert options["safeOptions"]["safeProtocols"]["javascript"] is False
    assert "$" not in js
