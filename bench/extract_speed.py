"""Extraction throughput in MB/s of dumps: `python bench/extract_speed.py [MB] [REPEATS ...]`.

The corpus is synthetic but shaped like the real one: dumps of ~14 excerpts, the
real 40 articles plus variants (a distinct opening each, so they are distinct
articles), each appearing in several dumps, as in ../feeds. Each figure is a whole
`extract.run`, as `feedsite extract` calls it, run in the corpus folder so dumps are
shown by relative path as on the command line:

- cold: no cache, empty content/ (target: >= 2 MB/s);
- cold, filling the cache: the same with the cache on, as a first `feedsite extract`;
- incremental: new dumps holding 1% new excerpts, with the cache (target: >= 20 MB/s);
- again: nothing changed, with the cache;

then the incremental run's files are checked byte for byte against a --no-cache run
from the same dumps and content/. Alongside, the same bytes are only decoded and split
into lines, the floor any extractor pays.
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedsite import extract  # noqa: E402
from feedsite.config import load_config  # noqa: E402
from feedsite.extract.fingerprint import _text_hash as text_hash  # noqa: E402
from feedsite.extract.phrases import is_phrase  # noqa: E402
from feedsite.extract.structure import blocks_of  # noqa: E402
from feedsite.segment import segmenter  # noqa: E402
from feedsite.slugs import _run_pinyin as run_pinyin  # noqa: E402
from feedsite.spans import prose_only  # noqa: E402

HEADER = "INCOMING TRANSMISSION\n\nLATEST UPDATES\n"
PER_DUMP = 14
NEW_SHARE = 0.01


def real_lines() -> list[str]:
    lines = []
    for dump in sorted((ROOT / "tests" / "fixtures" / "corpus" / "feeds").glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            if line.strip() and not line.replace(" ", "").isdigit() and line not in lines:
                lines.append(line)
    return lines


def write_dumps(folder: Path, lines: list[str], first: int) -> tuple[int, int]:
    """(bytes, dumps) of `lines` written PER_DUMP a dump, numbered from `first`."""
    total = 0
    for i in range(0, len(lines), PER_DUMP):
        data = HEADER + "\n".join(lines[i:i + PER_DUMP]) + "\n1 2"
        (folder / f"{first + i // PER_DUMP:06d}.txt").write_text(data, encoding="utf-8")
        total += len(data.encode())
    return total, -(-len(lines) // PER_DUMP)


def make_corpus(folder: Path, megabytes: float, repeats: int = 4) -> tuple[int, int, int]:
    """(bytes, dumps, excerpts)."""
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
    total, dumps = write_dumps(folder, appearances, 0)
    return total, dumps, len(appearances)


def add_new_excerpts(folder: Path, excerpts: int, first_dump: int) -> int:
    """Dumps holding NEW_SHARE of `excerpts` again as new articles; their bytes."""
    base = real_lines()
    new = [f"新笔记{n} " + base[n % len(base)] for n in range(max(1, int(excerpts * NEW_SHARE)))]
    return write_dumps(folder, new, first_dump)[0]


def timed(config, feeds: Path, content: Path, cache: Path | None) -> tuple[float, object]:
    # As a new `feedsite extract` process finds them: no dictionary loaded, nothing memoized.
    for memoized in (segmenter, blocks_of, prose_only, is_phrase, run_pinyin, text_hash):
        memoized.cache_clear()
    start = time.perf_counter()
    result = extract.run(config, [feeds], content, cache=cache)
    return time.perf_counter() - start, result


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def run(megabytes: float, repeats: int) -> None:
    config = load_config(ROOT / "site.yaml")
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            feeds, cache = Path("feeds"), Path(".feedsite-cache")
            feeds.mkdir()
            total, dumps, excerpts = make_corpus(feeds, megabytes, repeats)
            start = time.perf_counter()
            for dump in sorted(feeds.iterdir()):
                dump.read_bytes().decode("utf-8").split("\n")
            floor = time.perf_counter() - start
            cold, result = timed(config, feeds, Path("content-cold"), None)
            filling, _ = timed(config, feeds, Path("content"), cache)
            added = add_new_excerpts(feeds, excerpts, dumps)
            shutil.copytree("content", "content-clean")
            incremental, after = timed(config, feeds, Path("content"), cache)
            again, _ = timed(config, feeds, Path("content"), cache)
            _, clean = timed(config, feeds, Path("content-clean"), None)
            same = tree(Path("content")) == tree(Path("content-clean")) and \
                after.summary() == clean.summary()
        finally:
            os.chdir(here)
    mb, mb_after = total / 1_000_000, (total + added) / 1_000_000
    print(f"corpus: {mb:.1f} MB in {result.dumps} dumps, {result.excerpts} excerpts, "
          f"{result.articles} articles (each seen {repeats}x); then +{added / 1e6:.2f} MB, "
          f"{after.new} new articles ({NEW_SHARE:.0%} new excerpts)")
    print(f"cold, no cache:             {cold:6.2f} s  {mb / cold:7.1f} MB/s")
    print(f"cold, filling the cache:    {filling:6.2f} s  {mb / filling:7.1f} MB/s")
    print(f"incremental, 1% new:        {incremental:6.2f} s  {mb_after / incremental:7.1f} MB/s")
    print(f"again, nothing new:         {again:6.2f} s  {mb_after / again:7.1f} MB/s")
    print(f"read+split floor:           {floor:6.2f} s  ratio cold/floor = {cold / floor:.0f}x")
    print(f"incremental files == --no-cache files: {same}")


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    # Real dumps repeat articles 1.5x; feed snapshots taken more often repeat more.
    for repeats in [int(r) for r in sys.argv[2:]] or [2, 8]:
        run(megabytes, repeats)
        print()


if __name__ == "__main__":
    main()
