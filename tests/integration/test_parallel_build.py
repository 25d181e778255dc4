"""A build spread over forked workers gives the same site, byte for byte, as one in a
single process. The real collection is below parallel.MIN_ITEMS, so the threshold is
lowered to make every stage (Markdown, MathJax, pages) fork for it."""
from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from conftest import copy_corpus

from feedsite import parallel
from feedsite.build import build, pipeline
from feedsite.config import load_config
from feedsite.errors import BuildFailed


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fork_everything(monkeypatch) -> list[str]:
    """Every stage forks, however few its items; the list fills with each pool's start method."""
    pools, get_context = [], multiprocessing.get_context

    def counted(method):
        pools.append(method)
        return get_context(method)

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", counted, raising=True)
    return pools


def children_meanwhile(monkeypatch) -> list[tuple[str, int]]:
    """The build's Meanwhile children, as (what each works out, its pid)."""
    started = []

    class Watched(parallel.Meanwhile):
        def __init__(self, fn):
            super().__init__(fn)
            started.append((fn.func.__name__, self._pid))

    monkeypatch.setattr(pipeline, "Meanwhile", Watched)
    return started


@pytest.mark.skipif(parallel.cores() < 2, reason="one core: nothing forks")
def test_forked_build_is_byte_identical_to_a_single_process_build(tmp_path, monkeypatch):
    config = load_config(copy_corpus(tmp_path / "site") / "site.yaml")
    single = build(config, tmp_path / "single")
    pools = fork_everything(monkeypatch)
    children = children_meanwhile(monkeypatch)
    forked = build(config, tmp_path / "forked")
    monkeypatch.undo()
    assert pools == ["fork", "fork"]  # Markdown, then the pages
    # and the search index, in a child of its own while MathJax typeset
    assert [name for name, pid in children if pid] == ["whole_index"]
    assert forked.warnings == single.warnings
    assert forked.written == single.written
    assert files(tmp_path / "forked") == files(tmp_path / "single")


@pytest.mark.skipif(parallel.cores() < 2, reason="one core: nothing forks")
def test_a_build_that_fails_while_its_search_index_is_built_leaves_no_child(tmp_path, monkeypatch):
    root = copy_corpus(tmp_path / "site")
    (root / "content" / "bad-tex.md").write_text(
        "---\ntitle: 写错的公式\ntopic: ml-fundamentals\n---\n没定义的宏 \\(\\foo{x}\\)\n", encoding="utf-8")
    fork_everything(monkeypatch)
    children = children_meanwhile(monkeypatch)
    with pytest.raises(BuildFailed, match="Undefined control sequence"):
        build(load_config(root / "site.yaml"), tmp_path / "out", strict=True)
    assert [name for name, pid in children if pid] == ["whole_index"]
    for _, pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # killed and reaped, not left running or a zombie
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(parallel.cores() < 2, reason="one core: nothing forks")
def test_meanwhile_works_in_a_child_and_gives_back_its_result_or_its_error(tmp_path):
    """What a forked child found while this process went on: its result, what it raised,
    and (a child killed or closed) the work done here instead; no child is left behind."""
    def where() -> int:
        return os.getpid()

    child = parallel.Meanwhile(where)
    pid = child.result()
    assert pid != os.getpid() and child.result() == pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped
    with pytest.raises(ZeroDivisionError):
        parallel.Meanwhile(lambda: 1 // 0).result()
    parent = os.getpid()
    unwanted = parallel.Meanwhile(lambda: time.sleep(30))
    started, pid = time.monotonic(), unwanted._pid
    unwanted.close()  # killed, not waited for
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped
    with pytest.raises(ChildProcessError):
        unwanted.result()
    killed = parallel.Meanwhile(lambda: os.kill(os.getpid(), 9) if os.getpid() != parent else "here")
    assert killed.result() == "here"  # the child died without a word: the work is done here
