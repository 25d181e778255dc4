"""The CLI's no-change check (build/unchanged.py) on the real collection.

A build whose inputs are all as the last build found them, and whose public/ is as that
build left it, returns the last build's outcome without loading anything. Every change
a person can make must still build: each test changes one input, and the next build must
build (not say "no input changed") and leave public/ byte for byte a clean build's.

The check trusts a file's stat only once the file is 2 s old (content.py's RACY_NS), so
the tests date every input back first, as files are by the time a person builds again.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from test_build_cache import assert_as_clean, cached, edit, stats, written
from test_build_cli import run

SKIPPED = "no input changed since the last build"


LONG_AGO = 1_700_000_000  # 2023: every input is dated back to one fixed time


def age(project: Path, paths: list[Path] | None = None, at: float = LONG_AGO) -> None:
    """Date `paths` (by default every input of the project) back to `at`."""
    if paths is None:
        paths = [project / "site.yaml", *(project / "content").rglob("*"),
                 *(project / "templates").rglob("*")]
    for path in paths:
        os.utime(path, (at, at))


@pytest.fixture
def site(project: Path) -> Path:
    """Inputs dated back, then one cached build: the next one finds nothing changed."""
    age(project)
    assert SKIPPED not in cached(project)
    return project


def test_nothing_changed_is_found_without_building(site):
    first = run(site, "build", "--no-cache", "--out", str(site.parent / "reference"))
    before = stats(site / "public")
    result = run(site, "build")
    assert result.returncode == 0, result.stderr
    assert SKIPPED in result.stdout and written(result.stdout) == 0, result.stdout
    assert stats(site / "public") == before
    # The last build's warnings again, word for word, and its page count.
    assert result.stderr == first.stderr
    pages = re.compile(r"build: (\d+) pages")
    assert pages.search(result.stdout).group(1) == pages.search(first.stdout).group(1)


def test_fresh_inputs_are_not_trusted(project):
    """Within 2 s of a save, a second save of the same size keeps the stat: no stamp."""
    age(project)
    os.utime(project / "content/rnn.md")  # saved just now
    cached(project)
    assert SKIPPED not in cached(project)


# Each change returns the inputs it wrote; they are dated back too, a minute later than
# the rest, as a file saved a while before the next build is.
def _body(site: Path) -> list[Path]:
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n无变化检查之后的编辑。\n")
    return [site / "content/rnn.md"]


def _same_size_body(site: Path) -> list[Path]:
    edit(site / "content/rnn.md", "title: RNN\n", "title: RNX\n")  # same size, new bytes
    return [site / "content/rnn.md"]


def _new_article(site: Path) -> list[Path]:
    shutil.copy(site / "content/rnn.md", site / "content/rnn-copy.md")
    edit(site / "content/rnn-copy.md", "slug: rnn\n", "slug: rnn-copy\n")
    edit(site / "content/rnn-copy.md", "title: RNN\n", "title: RNN 的副本\n")
    return [site / "content/rnn-copy.md"]


def _removed_article(site: Path) -> list[Path]:
    (site / "content/rnn.md").unlink()
    return []


def _template(site: Path) -> list[Path]:
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>另一个 404</h1>{% endblock %}', encoding="utf-8")
    return [site / "templates/404.html"]


def _site_yaml(site: Path) -> list[Path]:
    edit(site / "site.yaml", "title:", "title: 改过的", 1)
    return [site / "site.yaml"]


def _public_by_hand(site: Path) -> list[Path]:
    path = site / "public/articles/rnn/index.html"
    path.write_bytes(path.read_bytes().replace(b"<html", b"<html data-x", 1))
    return []


def _leftover_stage(site: Path) -> list[Path]:
    (site / ".public.building-killed/articles").mkdir(parents=True)
    return []


def _public_removed(site: Path) -> list[Path]:
    shutil.rmtree(site / "public")
    return []


def _checked_out_afresh(site: Path) -> list[Path]:
    """As a CI run finds it: the cache restored, public/ absent, every file written anew."""
    shutil.rmtree(site / "public")
    files = sorted((site / "content").glob("*.md"))
    for path in files:
        path.write_bytes(path.read_bytes())
    return files  # dated, as the checkout's, at one time after the last build


@pytest.mark.parametrize("change", [_body, _same_size_body, _new_article, _removed_article,
                                    _template, _site_yaml, _public_by_hand, _leftover_stage,
                                    _public_removed, _checked_out_afresh])
def test_every_change_builds(site, change):
    age(site, change(site), LONG_AGO + 60)
    summary = cached(site)
    assert SKIPPED not in summary, summary
    assert_as_clean(site)
    assert not list(site.glob(".public.building-*"))
    assert SKIPPED in cached(site)  # and now nothing has changed


def test_another_command_builds(site):
    """--base-url and --out are inputs: the check for one is not the other's."""
    summary = cached(site, "--base-url", "https://example.org/notes/")
    assert SKIPPED not in summary and written(summary) > 0
    assert_as_clean(site, "--base-url", "https://example.org/notes/")
    assert SKIPPED not in cached(site)  # back to site.yaml's base_url: built again
    assert SKIPPED in cached(site)
    summary = cached(site, "--out", "elsewhere")
    assert SKIPPED not in summary and written(summary) > 0
