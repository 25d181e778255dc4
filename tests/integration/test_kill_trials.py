"""`kill -9` at random moments of a full build of a 2,000-article site. A long trial:
`make test-long`. Each kill must leave the previous site byte for byte, and the next
build must succeed and tidy what the killed one left beside the output."""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONTENT, copy_corpus
from faultkit import beside

pytestmark = pytest.mark.long

ARTICLES = 2000
KILLS = 8


def big_site(root: Path, n: int) -> Path:
    """The corpus with its 40 articles copied under new slugs and titles, up to `n`."""
    copy_corpus(root, content=False)
    content = root / "content"
    content.mkdir()
    sources = sorted(CONTENT.glob("*.md"))
    for i in range(n):
        src = sources[i % len(sources)]
        slug = f"{src.stem[:50].rstrip('-')}-{i}"
        text = src.read_text(encoding="utf-8").replace(f"slug: {src.stem}", f"slug: {slug}", 1)
        (content / f"{slug}.md").write_text(text.replace("\ntitle: ", f"\ntitle: {i} ", 1),
                                            encoding="utf-8")
    return root


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "feedsite", "build"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_9_at_random_moments_keeps_the_previous_site(tmp_path):
    root = big_site(tmp_path, ARTICLES)
    started = time.perf_counter()
    first = build(root)
    assert first.wait(900) == 0, first.stderr.read()
    full = time.perf_counter() - started
    before = digest(root / "public")
    rng = random.Random(12)  # fixed: the same moments each run, reported in docs/reliability.md
    moments = []
    for _ in range(KILLS):
        proc = build(root)
        at = rng.uniform(0.2, full * 0.9)
        time.sleep(at)
        proc.kill()
        code = proc.wait(60)
        moments.append((round(at, 2), code))
        assert digest(root / "public") == before, f"killed at {at:.2f} s: the site changed"
    last = build(root)
    assert last.wait(900) == 0, last.stderr.read()
    assert beside(root / "public") == {".public.lock"}
    killed = sum(code == -9 for _, code in moments)
    print(f"\nkill -9: {ARTICLES} articles, full build {full:.1f} s; kills at {moments}; "
          f"{killed} of {KILLS} killed mid-build, the previous site unchanged every time; "
          "the next build succeeded")
    assert killed == KILLS, "a build finished before its kill: the trial proved less than it says"
