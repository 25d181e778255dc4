"""Shared fixtures. Tests own their inputs: the real collection is frozen under
tests/fixtures/corpus (dumps and config) and tests/golden/content (what the
extractor makes of it); nothing here reads the project's own content/, feeds/,
public/ or site.yaml, which are the person's to edit."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = TESTS / "fixtures" / "corpus"
CORPUS_CONFIG = CORPUS / "site.yaml"
FEEDS = CORPUS / "feeds"
CONTENT = TESTS / "golden" / "content"  # the extraction of FEEDS, byte for byte
CHROMIUM = Path("/usr/bin/chromium")
# siteprobe's fixtures (one Chromium per module: `browser`) serve every browser test.
pytest_plugins = ["siteprobe"]


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite the expected trees under tests/golden from the current code; "
                          "review the diff")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real Debian Chromium via Playwright")
    config.addinivalue_line("markers", "long: a long trial; `make test-long` runs these, `make test` not")


# Property tests that set no example count take it from the profile: `make test` uses
# this one, `make test-long` passes `--hypothesis-profile=long`. No deadline: the machine
# is shared, and a slow example is not a failure.
settings.register_profile("feedsite", max_examples=200, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile("feedsite")


def real_excerpt_lines() -> list[str]:
    """Every distinct article line of the real dumps."""
    seen = []
    for dump in sorted(FEEDS.glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            if line.strip() and not line.replace(" ", "").isdigit() and line not in seen:
                seen.append(line)
    return seen


def copy_corpus(dest: Path, content: bool = True, theme: bool = False) -> Path:
    """A scratch site made of the frozen collection: site.yaml, feeds/ and (with
    `content`) the extracted content/. The theme comes from the package, unless
    `theme` copies it into templates/ for a test that edits it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS_CONFIG, dest / "site.yaml")
    shutil.copytree(FEEDS, dest / "feeds")
    if content:
        shutil.copytree(CONTENT, dest / "content")
    if theme:
        from feedsite.build.render import DEFAULT_TEMPLATES
        shutil.copytree(DEFAULT_TEMPLATES, dest / "templates")
    return dest


@pytest.fixture(scope="session")
def config():
    from feedsite.config import load_config
    return load_config(CORPUS_CONFIG)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the frozen collection, free to edit."""
    return copy_corpus(tmp_path)
