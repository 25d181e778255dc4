"""The extractor on the frozen real dumps, compared file for file with
tests/golden/content/. After an intended change to extraction, run
`pytest tests/golden --regen-golden` and review `git diff tests/golden/content`."""
import shutil
from pathlib import Path

from conftest import CONTENT, CORPUS_CONFIG, FEEDS

from feedsite import extract
from feedsite.config import load_config


def md_files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def test_the_real_dumps_give_exactly_the_golden_content(tmp_path, request, monkeypatch):
    monkeypatch.chdir(FEEDS.parent)  # sources read `feeds/…`, as when run in a site's folder
    result = extract.run(load_config(CORPUS_CONFIG), [Path("feeds")], tmp_path / "content")
    assert result.report.problems == []
    got = md_files(tmp_path / "content")
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(CONTENT, ignore_errors=True)
        # Articles only: not the extract's lock file.
        shutil.copytree(tmp_path / "content", CONTENT, ignore=shutil.ignore_patterns(".*"))
    expected = md_files(CONTENT)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs; run with --regen-golden and review the diff"
