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
from feedsite.build import build
from feedsite.config import load_config


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


@pytest.mark.skipif(parallel.cores() < 2, reason="one core: nothing forks")
def test_forked_build_is_byte_identical_to_a_single_process_build(tmp_path, monkeypatch):
    config = load_config(copy_corpus(tmp_path / "site") / "site.yaml")
    single = build(config, tmp_path / "single")
    pools = fork_everything(monkeypatch)
    forked = build(config, tmp_path / "forked")
    monkeypatch.undo()
    assert pools == ["fork", "fork"]  # Markdown, then the pages
    assert forked.warnings == single.warnings
    assert forked.written == single.written
    assert files(tmp_path / "forked") == files(tmp_path / "single")


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
