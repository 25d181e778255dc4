"""feedsite as an installed package, outside any checkout: a wheel built from this
tree, installed into a fresh virtual environment, builds a new site in another
folder with the theme it carries. Also: importing the build side in a fresh
interpreter loads nothing of the extract side."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT


def run(*cmd, cwd: Path, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                            timeout=600, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding feedsite from a wheel. Its dependencies come from
    the test venv's site-packages through a .pth line (no download, and that folder's
    own .pth files, such as the editable install of this checkout, are not read)."""
    tmp = tmp_path_factory.mktemp("package")
    # Built from a copy, so setuptools' build/ and egg-info never land in the checkout.
    source = tmp / "source"
    for name in ("pyproject.toml", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for name in ("src", "templates"):
        shutil.copytree(ROOT / name, source / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source, cwd=tmp)
    wheel = next((tmp / "dist").glob("feedsite-*.whl"))
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv", cwd=tmp)
    fresh = Path(run(tmp / "venv/bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp).stdout.strip())
    (fresh / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", tmp / "venv/bin/python", "install", "--no-deps", "-q",
        wheel, cwd=tmp)
    return tmp / "venv/bin"


def test_an_installed_feedsite_builds_a_new_site_anywhere(installed, tmp_path):
    where = run(installed / "python", "-c", "import feedsite; print(feedsite.__file__)", cwd=tmp_path)
    assert not where.stdout.startswith(str(ROOT)), "the checkout was imported, not the installed wheel"
    run(installed / "feedsite", "init", "notes", cwd=tmp_path)
    site = tmp_path / "notes"
    assert sorted(p.name for p in site.iterdir()) == ["content", "feeds", "site.yaml"]
    run(installed / "feedsite", "new", "旋转式位置编码入门", "--tags", "笔记", "--date", "2026-12-01", cwd=site)
    result = run(installed / "build-site", "--strict", cwd=site)
    assert "0 warnings" in result.stdout
    page = (site / "public/articles/xuan-zhuan-shi-wei-zhi-bian-ma-ru-men/index.html").read_text()
    assert "<h1" in page and "旋转式位置编码入门" in page and 'href="/assets/style.css?v=' in page
    assert (site / "public/assets/style.css").is_file()  # the theme's static files came along


def test_importing_the_build_loads_nothing_of_the_extract_side(tmp_path):
    code = ("import sys, feedsite.build.views, feedsite.build.content\n"
            "from feedsite.build import build\n"
            "print(sorted(m for m in sys.modules if m.startswith('feedsite')))")
    loaded = eval(run(sys.executable, "-c", code, cwd=tmp_path).stdout)
    assert "feedsite.build.pipeline" in loaded
    assert not [m for m in loaded if m.startswith("feedsite.extract")], loaded
