"""What the build cache (issue 13) buys on the synthetic corpus, as a person sees it.

    python bench/cache_speed.py [N]        (default: 10000)

bench/corpus.py writes N articles; one cold cached CLI build (`python -m feedsite build`)
fills .feedsite-cache/. Then, each timed as a whole CLI run (wall time of the process,
interpreter start and imports included, as a person waits for it):

1. a build with nothing changed (goal: at most 1 s, and no file in public/ written);
2. a build after one article's body gains a new word (goal: at most 1 s, the median of
   five such edits, each run printed), after which the search index must find that word:
   each of its bigrams' postings name the article;
3. the preview's rebuild after one edit (goal: at most 0.5 s), in process, with the
   BuildState `feedsite serve` keeps between rebuilds (serve/preview.py).

A missed goal is profiled (cProfile, the same step again in process) and its top lines
printed. The machine is shared, so the load average is printed before and after.
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

from feedsite.build.searchindex import DATA_DIR, END_DIGITS, MORE_DIGITS, fnv1a  # noqa: E402
from feedsite.build.searchtext import fold, grams  # noqa: E402

GOALS = {"no change": 1.0, "one edit": 1.0, "serve rebuild": 0.5}
EDITED = "note-000123"  # a slug bench/corpus.py writes for any N above 123
EDIT_WORDS = ("蜂鸟量子", "银杏书签", "灯塔水母", "青瓷茶盏", "极光驯鹿")


def cli_build(root: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "feedsite", "build"], cwd=root,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds, result.stdout.strip()


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """mtime and inode of every file: a file written changes one of them."""
    out = {}
    for base, _dirs, names in os.walk(folder):
        for name in names:
            st = os.stat(os.path.join(base, name))
            out[os.path.join(base, name)] = (st.st_mtime_ns, st.st_ino)
    return out


def files_written(before: dict, after: dict) -> int:
    return sum(before.get(p) != s for p, s in after.items()) + len(set(before) - set(after))


def add_word(root: Path, slug: str, word: str) -> None:
    path = root / "content" / f"{slug}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n基准测试加入的新词:{word}。\n", encoding="utf-8")


def decode_ids(postings: str) -> list[int]:
    """Article ids of one bigram's postings (searchindex's varint pairs: gap, value)."""
    numbers, n, shift = [], 0, 0
    for c in postings:
        if c in MORE_DIGITS:
            n, shift = n | MORE_DIGITS.index(c) << shift, shift + 5
        else:
            numbers.append(n | END_DIGITS.index(c) << shift)
            n, shift = 0, 0
    ids, previous = [], -1
    for gap in numbers[0::2]:
        previous += gap + 1
        ids.append(previous)
    return ids


def index_finds(public: Path, slug: str, word: str) -> bool:
    """Every bigram of `word` lists the article at /articles/<slug>/ in the built index."""
    data = public / DATA_DIR
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    doc = next(i for i in range(meta["docs"]) if json.loads(
        (data / f"d/{i}.json").read_text(encoding="utf-8"))["u"].endswith(f"/articles/{slug}/"))
    for gram in grams(fold(word)):
        shard = json.loads((data / f"t/{fnv1a(gram) % meta['shards']}.json").read_text(encoding="utf-8"))
        if doc not in decode_ids(shard.get(gram, "")):
            return False
    return True


def profile(step, lines: int = 10) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(step)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        body = out.getvalue()
        print(f"    profile by {order}:")
        print("\n".join("      " + line for line in body[body.index("   ncalls"):].rstrip().splitlines()))


def in_process_build(root: Path) -> None:
    """`feedsite build` in this process (for the profiler), from the project folder."""
    from feedsite.cli import main
    cwd = os.getcwd()
    os.chdir(root)
    try:
        assert main(["build"]) == 0
    finally:
        os.chdir(cwd)


def verdict(name: str, seconds: float) -> bool:
    ok = seconds <= GOALS[name]
    print(f"  {name:14s} {seconds:6.2f} s  (goal <= {GOALS[name]} s: {'met' if ok else 'MISSED'})")
    return ok


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"N = {n:,} articles; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="feedsite-cache-") as tmp:
        root = generate(n, Path(tmp))["feedsite"]
        public = root / "public"
        seconds, summary = cli_build(root)
        print(f"  cold build     {seconds:6.2f} s  ({summary})")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import feedsite.cli, feedsite.build.pipeline"], check=True)
        print(f"  (python start and the build's imports alone: {time.perf_counter() - started:.2f} s; "
              "a no-change build imports only feedsite.build.unchanged)")

        before = stamps(public)
        seconds, summary = cli_build(root)
        written = files_written(before, stamps(public))
        print(f"  ({summary}; {written} files in public/ written, goal 0)")
        if not verdict("no change", seconds) or written:
            profile(lambda: in_process_build(root))

        # Several edits, each a new word: one run is at the machine's mercy, the median is not.
        runs = []
        for word in EDIT_WORDS:
            add_word(root, EDITED, word)
            before = stamps(public)
            seconds, summary = cli_build(root)
            found = index_finds(public, EDITED, word)
            print(f"  ({seconds:.2f} s: {summary}; {files_written(before, stamps(public))} files written; "
                  f"search index finds {word}: {found})")
            if not found:
                raise SystemExit("the search index does not find the edited article's new word")
            runs.append(seconds)
        print(f"  (one edit, {len(runs)} runs in order: {', '.join(f'{r:.2f}' for r in runs)} s; "
              f"slowest {max(runs):.2f} s)")
        if not verdict("one edit", statistics.median(runs)):
            add_word(root, EDITED, "鹦鹉螺号")
            profile(lambda: in_process_build(root))

        serve_rebuild(root)
    print(f"  load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


def serve_rebuild(root: Path) -> None:
    """The preview's own rebuild: its first (cold, in memory) build, then one edit."""
    from feedsite.serve.preview import Preview

    with tempfile.TemporaryDirectory(prefix="feedsite-serve-") as work:
        preview = Preview(root / "site.yaml", "http://127.0.0.1:8000/", Path(work) / "site")
        started = time.perf_counter()
        assert preview.rebuild() and not preview.problems, preview.problems
        print(f"  serve start    {time.perf_counter() - started:6.2f} s  (the preview's first build)")
        add_word(root, EDITED, "珊瑚礁群")
        started = time.perf_counter()
        assert preview.rebuild() and not preview.problems, preview.problems
        seconds = time.perf_counter() - started
        found = index_finds(Path(work) / "site", EDITED, "珊瑚礁群")
        print(f"  (search index finds the new word: {found})")
        if not verdict("serve rebuild", seconds):
            add_word(root, EDITED, "琥珀蜻蜓")
            profile(preview.rebuild)


if __name__ == "__main__":
    main()
