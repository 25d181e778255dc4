"""`feedsite build` against real faults in and around the output folder.

Each fault is injected for real (see tests/faultkit.py). Every one must end with exit 1 and
one `error:` line naming the path and the cause, no traceback, the previous site (or the
person's files) byte for byte as before, and nothing new beside `--out` but its lock.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_corpus
from faultkit import (
    beside,
    immutable,
    no_permission_override,
    one_error,
    read_only,
    run,
    size_of,
    tmpfs,
    tree,
)

from feedsite.build.output import MARKER

KEPT = "the previous site is unchanged"
LOCK = ".public.lock"


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """The corpus project with a site already built into public/."""
    root = copy_corpus(tmp_path_factory.mktemp("previous"))
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    assert (root / "public" / MARKER).is_file()
    return root


@pytest.fixture
def project(previous, tmp_path) -> Path:
    """A fresh copy of that project and its site, free to break."""
    root = tmp_path / "p"
    shutil.copytree(previous, root, symlinks=True)
    (root / LOCK).unlink(missing_ok=True)
    return root


def site_moved_to(project: Path, folder: Path) -> Path:
    """Move the built site to `folder`/public (another disk, a locked folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(project / "public", folder / "public")
    return folder / "public"


# Point 1: never destroy what is not ours.

def test_a_file_given_as_out_is_left_untouched(project):
    notes = project / "notes.txt"
    notes.write_text("我的笔记\n", encoding="utf-8")
    result = run(project, "build", "--out", "notes.txt")
    one_error(result, "notes.txt: error:", "is a file, not a site folder; it was left untouched")
    assert notes.read_text(encoding="utf-8") == "我的笔记\n"
    assert beside(notes) == set()


@pytest.mark.parametrize("things", [
    {"a.txt": b"mine"},
    {"index.html": b"<p>my own page</p>"},  # one name a site has is not enough
    {"index.html": b"x", "assets/mathjax-config.js": b"x", "CNAME": b"notes.example.org"},
])
def test_a_folder_of_someone_elses_files_is_left_untouched(project, things):
    folder = project / "mine"
    for rel, data in things.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    result = run(project, "build", "--out", "mine")
    one_error(result, "mine/: error:", f"is not a site feedsite built (no {MARKER} in it")
    assert tree(folder) == things
    assert beside(folder) == set()


def test_an_empty_folder_and_a_marked_site_are_replaced(project):
    (project / "empty").mkdir()
    assert run(project, "build", "--out", "empty").returncode == 0
    assert (project / "empty" / MARKER).is_file() and (project / "empty/index.html").is_file()
    (project / "public" / "stale.html").write_text("old page")
    assert run(project, "build").returncode == 0
    assert not (project / "public/stale.html").exists()


def test_a_site_built_before_the_marker_is_recognised_once(project):
    (project / "public" / MARKER).unlink()
    assert run(project, "build").returncode == 0, "an unmarked feedsite build is ours"
    assert (project / "public" / MARKER).is_file()
    (project / "public" / MARKER).unlink()
    (project / "public" / "CNAME").write_text("notes.example.org")  # a person's file in it
    before = tree(project / "public")
    one_error(run(project, "build"), "public/: error:", "is not a site feedsite built")
    assert tree(project / "public") == before


# Point 2: every filesystem fault is one line, and loses nothing.

def test_a_parent_that_is_a_file(project):
    (project / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    result = run(project, "build", "--out", "notes.txt/public")
    one_error(result, "notes.txt/public/: error:", "notes.txt is a file, not a folder")
    result = run(project, "build", "--out", "notes.txt/a/b")
    one_error(result, "notes.txt/a/b/: error:", "notes.txt is a file, not a folder")
    assert (project / "notes.txt").read_text(encoding="utf-8") == "我的笔记\n"


def test_a_name_too_long(project):
    name = "长" * 100  # 300 bytes in UTF-8, over the 255 a name may have
    before = sorted(p.name for p in project.iterdir())
    one_error(run(project, "build", "--out", name), f"{name}/: error:", "the name is too long")
    assert sorted(p.name for p in project.iterdir()) == before


def test_a_name_near_the_limit_still_builds(project):
    name = "n" * 250  # valid, though `.<name>.building-xxxxxxxx` would not be
    assert run(project, "build", "--out", name).returncode == 0
    assert (project / name / MARKER).is_file()


@pytest.mark.parametrize("locked", ["folder", "folder and parent"])
def test_a_read_only_output_folder(project, tmp_path, locked):
    out = site_moved_to(project, tmp_path / "www")
    before = tree(out)
    paths = (out,) if locked == "folder" else (out, out.parent)
    expected = {"folder": f"cannot replace it: {out} cannot be removed: ",
                "folder and parent": f"cannot create its lock file {LOCK} in {out.parent}: "}[locked]
    with immutable(*paths):
        result = run(project, "build", "--out", str(out))
    one_error(result, f"{out}/: error: {expected}", "operation not permitted (immutable?")
    assert tree(out) == before and beside(out) <= {LOCK}


def test_an_immutable_file_inside_the_previous_site(project):
    page = project / "public" / "index.html"
    before = tree(project / "public")
    with immutable(page):
        result = run(project, "build")
        line = one_error(result, "public/: error: cannot replace it: public/index.html cannot be removed",
                         "operation not permitted")
    assert KEPT in line
    assert tree(project / "public") == before and beside(project / "public") <= {LOCK}


def test_a_read_only_file_system(project, tmp_path):
    with tmpfs(tmp_path / "disk", 16 << 20) as disk:
        out = site_moved_to(project, disk)
        before = tree(out)
        read_only(disk)
        result = run(project, "build", "--out", str(out))
        one_error(result, f"{out}/: error: cannot ", "the file system is read-only")
        assert tree(out) == before and beside(out) == set()


@pytest.mark.parametrize("denied", ["parent", "folder", "a folder inside"])
def test_permission_denied(project, tmp_path, denied):
    prefix = no_permission_override()
    out = site_moved_to(project, tmp_path / "www")
    (out.parent / LOCK).touch()  # an earlier build's lock: the parent need not be writable for it
    target = {"parent": out.parent, "folder": out, "a folder inside": out / "articles"}[denied]
    expected = f"cannot write beside it in {out.parent}/: " if denied == "parent" else \
        f"cannot replace it: {target} cannot be removed: "
    mode = target.stat().st_mode
    before = tree(out)
    target.chmod(0o555)
    try:
        result = run(project, "build", "--out", str(out), prefix=prefix)
    finally:
        target.chmod(mode)
    line = one_error(result, f"{out}/: error: {expected}", "permission denied")
    assert line.endswith(KEPT)
    assert tree(out) == before and beside(out) <= {LOCK}


def test_a_full_disk(project, tmp_path):
    site = size_of(project / "public")
    # Room for the previous site and a third of another: the new one cannot be staged.
    with tmpfs(tmp_path / "disk", site + site // 3) as disk:
        out = site_moved_to(project, disk)
        (disk / LOCK).write_text("1\n")  # its one block is taken before counting free blocks
        before, free = tree(out), os.statvfs(disk).f_bfree
        result = run(project, "build", "--out", str(out))
        line = one_error(result, f"{out}/", "no space left on the device")
        assert KEPT in line
        assert tree(out) == before and beside(out) <= {LOCK}
        assert os.statvfs(disk).f_bfree == free, "the staged copy was not removed"


@pytest.mark.parametrize("limit, writer", [
    (32 << 10, "public/articles/"),  # some article pages are larger: the page writer meets it
    (56 << 10, "public/assets/photo.jpg"),  # every page is smaller: a theme's photo meets it
])
def test_a_file_size_limit(project, limit, writer):
    static = project / "templates" / "static"
    static.mkdir(parents=True)
    (static / "photo.jpg").write_bytes(bytes(range(256)) * 256)  # 64 KiB, copied to assets/
    before = tree(project / "public")
    result = run(project, "build", fsize=limit)
    line = one_error(result, writer, "file too large")
    assert KEPT in line
    assert tree(project / "public") == before and beside(project / "public") <= {LOCK}


def test_the_next_build_after_a_fault_succeeds(project):
    result = run(project, "build", fsize=32 << 10)
    assert result.returncode == 1
    assert run(project, "build").returncode == 0
    assert beside(project / "public") <= {LOCK}


def test_an_out_holding_the_project_is_refused_even_when_marked(project):
    (project / MARKER).write_text("")  # as if a person had copied a site's marker here
    before = tree(project / "content")
    result = run(project, "build", "--out", ".")
    one_error(result, "./: error: refusing to replace it: it holds the content folder content/", "")
    assert tree(project / "content") == before


def test_a_dangling_link_in_content_is_one_error(project):
    (project / "content" / "ghost.md").symlink_to(project / "nowhere.md")
    before = tree(project / "public")
    result = run(project, "build")
    one_error(result, "content/ghost.md: error: cannot read: ", "no such file or directory")
    assert tree(project / "public") == before


def test_a_fault_no_stage_translates_is_still_one_line(project):
    """`check` leaves its reading errors to the command line's last resort."""
    (project / "public" / "ghost.html").symlink_to(project / "nowhere.html")
    result = run(project, "check")
    one_error(result, "public/ghost.html: error: ", "no such file or directory")
