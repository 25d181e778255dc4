"""Shared fixtures: the real project root, its real dumps and config."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT / "feeds"
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/golden/expected from the current build; review the diff")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real Debian Chromium via Playwright")


def real_excerpt_lines() -> list[str]:
    """Every distinct article line of the real dumps."""
    seen = []
    for dump in sorted(FEEDS.glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            if line.strip() and not line.replace(" ", "").isdigit() and line not in seen:
                seen.append(line)
    return seen


@pytest.fixture(scope="session")
def config():
    from feedsite.config import load_config
    return load_config(ROOT / "site.yaml")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project's inputs: site.yaml, feeds/, content/, templates/."""
    for name in ("site.yaml",):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("feeds", "content", "templates"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
