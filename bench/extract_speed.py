"""Extraction throughput in MB/s of dumps: `python bench/extract_speed.py [MB]`.

The corpus is synthetic but shaped like the real one: dumps of ~14 excerpts, the
real 40 articles plus variants (a distinct opening each, so they are distinct
articles), each appearing in several dumps, as in ../feeds. Target: >= 20 MB/s.
Alongside, the same bytes are only decoded and split into lines, the floor any
extractor pays, so the ratio says how much our own work costs on top.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedsite import extract  # noqa: E402
from feedsite.config import load_config  # noqa: E402
from feedsite.extract.drafts import merge  # noqa: E402
from feedsite.extract.dumps import parse_dump  # noqa: E402

HEADER = "INCOMING TRANSMISSION\n\nLATEST UPDATES\n"


def real_lines() -> list[str]:
    lines = []
    for dump in sorted((ROOT / "feeds").glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            if line.strip() and not line.replace(" ", "").isdigit() and line not in lines:
                lines.append(line)
    return lines


def make_corpus(folder: Path, megabytes: float, repeats: int = 4) -> int:
    rng = random.Random(7)
    base = real_lines()
    pool_bytes = megabytes * 1_000_000 / repeats
    pool, size, n = [], 0, 0
    while size < pool_bytes:
        line = f"笔记{n} " + base[n % len(base)]
        pool.append(line)
        size += len(line.encode())
        n += 1
    appearances = [line for line in pool for _ in range(repeats)]
    rng.shuffle(appearances)
    total = 0
    for i in range(0, len(appearances), 14):
        data = HEADER + "\n".join(appearances[i:i + 14]) + "\n1 2"
        (folder / f"{i // 14:06d}.txt").write_text(data, encoding="utf-8")
        total += len(data.encode())
    return total


def run(megabytes: float, repeats: int) -> None:
    config = load_config(ROOT / "site.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        feeds, content = Path(tmp) / "feeds", Path(tmp) / "content"
        feeds.mkdir()
        total = make_corpus(feeds, megabytes, repeats)
        start = time.perf_counter()
        excerpts = []
        for dump in sorted(feeds.iterdir()):
            excerpts += parse_dump(dump.name, dump.read_bytes())[0]
        merge(excerpts)
        parse = time.perf_counter() - start
        start = time.perf_counter()
        for dump in sorted(feeds.iterdir()):
            dump.read_bytes().decode("utf-8").split("\n")
        floor = time.perf_counter() - start
        start = time.perf_counter()
        result = extract.run(config, [feeds], content)
        first = time.perf_counter() - start
        start = time.perf_counter()
        extract.run(config, [feeds], content)
        again = time.perf_counter() - start
    mb = total / 1_000_000
    print(f"corpus: {mb:.1f} MB in {result.dumps} dumps, {result.excerpts} excerpts, "
          f"{result.articles} articles (each seen {repeats}x)")
    print(f"parse + merge only:       {parse:6.2f} s  {mb / parse:7.1f} MB/s")
    print(f"extract, empty content/:  {first:6.2f} s  {mb / first:7.1f} MB/s")
    print(f"extract again (no-op):    {again:6.2f} s  {mb / again:7.1f} MB/s")
    print(f"read+split floor:         {floor:6.2f} s  ratio extract/floor = {first / floor:.0f}x")


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    # Real dumps repeat articles 1.5x; feed snapshots taken more often repeat more.
    for repeats in (2, 8):
        run(megabytes, repeats)
        print()


if __name__ == "__main__":
    main()
