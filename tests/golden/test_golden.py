"""A small fixed site, built and compared byte for byte with tests/golden/site-expected/.

After an intended change to the output, run `pytest tests/golden --regen-golden`
and review `git diff tests/golden/site-expected` like any other change.
"""
import shutil
from pathlib import Path

from feedsite.build import build
from feedsite.config import load_config

HERE = Path(__file__).parent
EXPECTED = HERE / "site-expected"
STATIC = HERE.parents[1] / "templates" / "static"
# Third-party output is checked for presence, not bytes: it is not ours to pin.
# Static files are copied verbatim from templates/static and checked against it.
NOT_PINNED = ("assets/mathjax/", "pagefind/", *(f"assets/{p.name}" for p in STATIC.iterdir()))


def built_files(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(NOT_PINNED):
            files[rel] = path.read_bytes()
    return files


def test_golden_site_matches_expected_byte_for_byte(tmp_path, request):
    out = tmp_path / "public"
    result = build(load_config(HERE / "site" / "site.yaml"), out)
    assert result.warnings == ()
    got = built_files(out)
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in got.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = built_files(EXPECTED)
    assert sorted(got) == sorted(expected)
    for rel in expected:
        assert got[rel] == expected[rel], f"{rel} differs; run with --regen-golden and review the diff"
    for static in STATIC.iterdir():
        assert (out / "assets" / static.name).read_bytes() == static.read_bytes()
    # Formulas are typeset into the pages: MathJax's fonts ship, its script does not.
    assert (out / "assets/mathjax/fonts/MathJax_Main-Regular.woff").is_file()
    assert not [p for p in out.rglob("*.js") if "pagefind" not in p.parts and p.name != "search.js"]
    assert (out / "pagefind/pagefind.js").is_file()


def test_two_builds_are_byte_identical(tmp_path):
    config = load_config(HERE / "site" / "site.yaml")
    build(config, tmp_path / "a")
    build(config, tmp_path / "b")
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b
