"""`feedsite extract` against real faults in the content folder.

A failed write keeps the old file whole and leaves no temporary file; the run ends with
exit 1 and one `error:` line naming the file and the cause.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from faultkit import fill, immutable, no_permission_override, one_error, read_only, run, tmpfs, tree

from feedsite.extract.pipeline import LOCK

STALE = "11-sheng-zui-duo-shui-de-rong-qi.md"
KEPT = "the file is unchanged"


def make_stale(content: Path) -> None:
    """One file whose machine field no longer follows the dumps: extract must rewrite it."""
    path = content / STALE
    path.write_text(path.read_text(encoding="utf-8").replace("truncated: true", "truncated: false"),
                    encoding="utf-8")


def files(content: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(content).items() if k != LOCK}


def no_temporary_files(content: Path) -> bool:
    return not [p for p in content.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def content(project) -> Path:
    make_stale(project / "content")
    return project / "content"


def shown(path: Path, project: Path) -> str:
    """As the CLI names it when run in the project."""
    return os.path.relpath(path, project)


def on(folder: Path, project: Path) -> Path:
    """The project's content moved into `folder` (another disk), stale file included."""
    shutil.copytree(project / "content", folder / "content")
    return folder / "content"


def test_without_a_fault_the_stale_file_is_rewritten(project, content):
    result = run(project, "extract")
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout + result.stderr
    assert "truncated: true" in (content / STALE).read_text(encoding="utf-8")


def test_a_file_given_as_content(project):
    (project / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    result = run(project, "extract", "--content", "notes.txt")
    one_error(result, "notes.txt: error:", "is a file, not a content folder; it was left untouched")
    assert (project / "notes.txt").read_text(encoding="utf-8") == "我的笔记\n"
    assert not [p for p in project.iterdir() if p.name.startswith(".")]


def test_a_parent_that_is_a_file(project):
    (project / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    result = run(project, "extract", "--content", "notes.txt/content")
    one_error(result, "notes.txt/content/: error:", "notes.txt is a file, not a folder")


def test_a_name_too_long(project):
    name = "长" * 100
    before = sorted(p.name for p in project.iterdir())
    one_error(run(project, "extract", "--content", name), f"{name}/: error:", "the name is too long")
    assert sorted(p.name for p in project.iterdir()) == before


@pytest.mark.parametrize("locked", ["folder", "file"])
def test_immutable(project, content, locked):
    (content / LOCK).touch()  # left by an earlier run
    before = files(content)
    with immutable(content if locked == "folder" else content / STALE):
        result = run(project, "extract")
    line = one_error(result, f"content/{STALE}: error: cannot write: ", "operation not permitted")
    assert line.endswith(KEPT)
    assert files(content) == before and no_temporary_files(content)


def test_immutable_folder_before_any_lock(project, content):
    before = files(content)
    with immutable(content):
        result = run(project, "extract")
    one_error(result, f"content/: error: cannot create its lock file {LOCK}", "operation not permitted")
    assert files(content) == before


def test_a_read_only_file_system(project, content, tmp_path):
    with tmpfs(tmp_path / "disk", 4 << 20) as disk:
        moved = on(disk, project)
        before = files(moved)
        read_only(disk)
        result = run(project, "extract", "--content", str(moved))
        one_error(result, f"{shown(moved, project)}/: error: cannot create its lock file", "the file system is read-only")
        assert files(moved) == before


def test_permission_denied(project, content):
    prefix = no_permission_override()
    (content / LOCK).touch()
    before = files(content)
    content.chmod(0o555)
    try:
        result = run(project, "extract", prefix=prefix)
    finally:
        content.chmod(0o755)
    line = one_error(result, f"content/{STALE}: error: cannot write: ", "permission denied")
    assert line.endswith(KEPT)
    assert files(content) == before and no_temporary_files(content)


def test_a_full_disk(project, content, tmp_path):
    with tmpfs(tmp_path / "disk", 2 << 20) as disk:
        moved = on(disk, project)
        (moved / LOCK).write_text("1\n")
        before = files(moved)
        fill(disk)
        result = run(project, "extract", "--content", str(moved))
        line = one_error(result, f"{shown(moved, project)}/{STALE}: error: cannot write: ", "no space left on the device")
        assert line.endswith(KEPT)
        assert files(moved) == before and no_temporary_files(moved)


def test_a_file_size_limit(project, content):
    assert (content / STALE).stat().st_size > 512
    before = files(content)
    # The rewrite is cut off half way. Without the cache: under this limit it cannot be
    # made either, a warning of its own (test_extract_cache.py), and this test counts lines.
    result = run(project, "extract", "--no-cache", fsize=512)
    line = one_error(result, f"content/{STALE}: error: cannot write: ", "file too large")
    assert line.endswith(KEPT)
    assert files(content) == before and no_temporary_files(content)
    assert run(project, "extract").returncode == 0  # and the next run finishes the job
    assert "truncated: true" in (content / STALE).read_text(encoding="utf-8")


def test_a_dangling_link_in_content_is_reported_and_left_alone(project, content):
    ghost = content / "ghost.md"
    ghost.symlink_to(project / "nowhere.md")
    result = run(project, "extract")
    one_error(result, "content/ghost.md: error: cannot read: ", "no such file or directory; left as it is")
    assert ghost.is_symlink() and not ghost.exists()
    assert "truncated: true" in (content / STALE).read_text(encoding="utf-8")  # the rest went on
