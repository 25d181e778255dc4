"""A long extraction draws progress bars on a terminal, and nothing but its lines when
piped or in CI. The run is a real `feedsite extract` in a pseudo-terminal, on dumps made
from the real excerpts, each given a distinct opening so that there are enough articles
for the bars (progress.MIN_ITEMS) and for the forked stages (parallel.MIN_ITEMS)."""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS_CONFIG, FEEDS

from feedsite import parallel, progress

HEADER = "INCOMING TRANSMISSION\n\nLATEST UPDATES\n"
BAR = "━"
ARTICLES = max(parallel.MIN_ITEMS, progress.MIN_ITEMS) + 50


def many_articles(project: Path) -> Path:
    lines = []
    for dump in sorted(FEEDS.glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            if line.strip() and not line.replace(" ", "").isdigit() and line not in lines:
                lines.append(line)
    articles = [f"笔记{n} {lines[n % len(lines)]}" for n in range(ARTICLES)]
    feeds = project / "feeds"
    feeds.mkdir(parents=True)
    for k in range(0, len(articles), 14):
        (feeds / f"{k // 14:04d}.txt").write_text(HEADER + "\n".join(articles[k:k + 14]) + "\n1 2",
                                                 encoding="utf-8")
    shutil.copy(CORPUS_CONFIG, project / "site.yaml")
    return project


def in_terminal(project: Path, env: dict[str, str]) -> tuple[int, str]:
    """Exit code and everything the run wrote to its terminal."""
    leader, follower = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "feedsite", "extract", "feeds"], cwd=project, env=env,
                           stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the run closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return run.wait(timeout=120), out.decode("utf-8", "replace")


def without_ci() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CI"}


def test_a_terminal_shows_each_long_stage_and_the_summary(tmp_path):
    project = many_articles(tmp_path / "site")
    code, shown = in_terminal(project, without_ci())
    assert code == 0, shown
    assert "Traceback" not in shown
    for stage in ("segmenting", "articles", "rendering", "writing", "caching"):
        assert stage in shown, f"no bar for {stage}"
    assert BAR in shown
    assert f"{ARTICLES} articles: {ARTICLES} new" in shown


def test_piped_or_in_ci_nothing_but_the_lines_is_written(tmp_path):
    piped = subprocess.run([sys.executable, "-m", "feedsite", "extract", "feeds"],
                           cwd=many_articles(tmp_path / "piped"), env=without_ci(),
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert f"{ARTICLES} articles: {ARTICLES} new" in piped.stdout
    assert BAR not in piped.stdout + piped.stderr and "\x1b[" not in piped.stdout + piped.stderr
    code, shown = in_terminal(many_articles(tmp_path / "ci"), {**without_ci(), "CI": "true"})
    assert code == 0, shown
    assert BAR not in shown and "segmenting" not in shown
    assert f"{ARTICLES} articles: {ARTICLES} new" in shown
