"""The extraction cache through the command line, on the real dumps: a cached run writes
exactly the files a `--no-cache` run writes from the same dumps and content folder, and a
cache that cannot be read is a warning, never a failure or a wrong file."""
from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import copy_corpus

from feedsite.extract.pipeline import LOCK

CACHE = Path(".feedsite-cache") / "extract.sqlite"
NEW_ARTICLE = ("扩散模型的采样加速 本文梳理扩散模型采样加速的一般方法。DDIM 把扩散过程改写为非马尔可夫过程,"
               "采样步数可以从一千步降到五十步,而生成质量几乎不变。蒸馏方法则训练一个学生模型,"
               "让它一步走完老师的两步,反复蒸馏后只需要四步采样。")


def extract(project: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "feedsite", "extract", *args], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != LOCK}


def clean_copy(project: Path, dest: Path) -> Path:
    """The same dumps and content folder, without any cache."""
    dest.mkdir()
    shutil.copy(project / "site.yaml", dest / "site.yaml")
    shutil.copytree(project / "feeds", dest / "feeds")
    if (project / "content").is_dir():
        shutil.copytree(project / "content", dest / "content")
    return dest


def same_as_clean(project: Path, scratch: Path, name: str) -> subprocess.CompletedProcess:
    """Extract `project` with its cache, and a copy of it with --no-cache; the files agree."""
    clean = clean_copy(project, scratch / name)
    cached = extract(project)
    uncached = extract(clean, "--no-cache")
    assert not (clean / ".feedsite-cache").exists()
    assert files(project / "content") == files(clean / "content")
    assert cached.stdout == uncached.stdout
    return cached


def edit_title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    path.write_text(text[:start] + title + text[text.index("\n", start):], encoding="utf-8")


def test_incremental_runs_write_what_clean_runs_write(tmp_path):
    project = copy_corpus(tmp_path / "site", content=False)
    held_out = project / "feeds" / "004_8138c37ddb911598.txt"
    aside = held_out.read_bytes()
    held_out.unlink()

    first = same_as_clean(project, tmp_path, "clean-1")  # a cold run fills the cache
    assert (project / CACHE).is_file()
    assert " 0 updated" in first.stdout

    # A dump comes back, another changes, a person edits a title: every stage sees new input.
    held_out.write_bytes(aside)
    changed = project / "feeds" / "001_f00c854485791293.txt"
    lines = changed.read_text(encoding="utf-8").split("\n")
    lines[4] = lines[4].removesuffix("...") + " 补充一句说明。"
    changed.write_text("\n".join(lines), encoding="utf-8")
    edited = sorted((project / "content").glob("*.md"))[3]
    edit_title(edited, "一个人写的标题")
    same_as_clean(project, tmp_path, "clean-2")
    assert "一个人写的标题" in edited.read_text(encoding="utf-8")

    # A new article changes the collection every salience is measured against.
    (project / "feeds" / "005_new.txt").write_text(
        f"INCOMING TRANSMISSION\n\nLATEST UPDATES\n{NEW_ARTICLE}\n", encoding="utf-8")
    third = same_as_clean(project, tmp_path, "clean-3")
    assert "1 new" in third.stdout

    before = {p.name: p.stat().st_mtime_ns for p in (project / "content").glob("*.md")}
    again = extract(project)
    assert " 0 new, 0 updated" in again.stdout
    assert before == {p.name: p.stat().st_mtime_ns for p in (project / "content").glob("*.md")}


def test_a_file_edited_behind_the_cache_is_read_again(tmp_path):
    """Same size and mtime as the cache saw: the change time still tells the edit apart."""
    project = copy_corpus(tmp_path / "site", content=False)
    extract(project)
    path = sorted((project / "content").glob("*.md"))[5]
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    old = text[start:text.index("\n", start)]
    new = "人" * (len(old.encode()) // 3) + "x" * (len(old.encode()) % 3)
    path.write_text(text[:start] + new + text[start + len(old):], encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    same_as_clean(project, tmp_path, "clean")
    assert new in path.read_text(encoding="utf-8")


def test_a_corrupt_cache_file_is_a_warning_and_the_files_are_right(tmp_path):
    project = copy_corpus(tmp_path / "site", content=False)
    extract(project)
    (project / CACHE).write_bytes(b"this is not a database\n" * 100)
    for suffix in ("-wal", "-shm"):
        (project / f"{CACHE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(project / "content")
    result = same_as_clean(project, tmp_path, "clean")
    assert f"{CACHE.as_posix()}: warning: cache ignored: cannot open it" in result.stderr
    assert "it is rebuilt" in result.stderr
    assert "warning: cache" not in extract(project).stderr  # rebuilt, it serves the next run


def test_a_cache_entry_that_cannot_be_read_is_a_warning_mid_run(tmp_path):
    project = copy_corpus(tmp_path / "site", content=False)
    extract(project)
    with sqlite3.connect(project / CACHE) as db:
        db.execute("UPDATE derived SET v = x'00ff00'")
    shutil.rmtree(project / "content")
    result = same_as_clean(project, tmp_path, "clean")
    assert "warning: cache ignored: cannot read it" in result.stderr


def test_readings_that_do_not_fit_the_rarity_table_are_read_again(tmp_path):
    """A cached reading names its terms by their place in the rarity table: with that table
    emptied behind the cache's back, no place fits, and every text is segmented again."""
    project = copy_corpus(tmp_path / "site", content=False)
    extract(project)
    with sqlite3.connect(project / CACHE) as db:
        rows = db.execute("SELECT count(*) FROM readings").fetchone()[0]
        db.execute("UPDATE rarity SET v = ?", (pickle.dumps({}),))
    assert rows > 30
    shutil.rmtree(project / "content")
    result = same_as_clean(project, tmp_path, "clean")
    assert "warning: cache" not in result.stderr
    with sqlite3.connect(project / CACHE) as db:  # the table is whole again, and fits
        (table,) = db.execute("SELECT v FROM rarity").fetchone()
    assert len(pickle.loads(table)) > 100


def test_no_cache_leaves_the_cache_as_it_is(tmp_path):
    project = copy_corpus(tmp_path / "site", content=False)
    extract(project, "--no-cache")
    assert not (project / ".feedsite-cache").exists()


def test_a_cache_that_cannot_be_written_is_a_warning(tmp_path):
    """Under `ulimit -f 512` SQLite cannot grow its file: the run goes on without it."""
    from faultkit import run

    project = copy_corpus(tmp_path / "site", content=False)
    result = run(project, "extract", fsize=1 << 16)  # room for every article, not the cache
    assert result.returncode == 0, result.stderr
    assert f"{CACHE.as_posix()}: warning: cache " in result.stderr
    clean = clean_copy(project, tmp_path / "clean")
    shutil.rmtree(clean / "content")
    extract(clean, "--no-cache")
    assert files(project / "content") == files(clean / "content")
