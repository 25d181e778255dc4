"""feedsite alone at large N: where time and memory go, and what breaks first.

    python bench/scale.py [--cold-only] [N ...]        (default: 10000)

For each N, bench/corpus.py writes the synthetic corpus; feedsite then builds it cold
with no cache (`--no-cache`), cold writing its cache, again with nothing changed, and
after one article's edit. Each run prints wall time, the peak RSS of the build's
process group (workers and MathJax included) and of its largest process, the pages,
and the size of the output and of the cache on disk.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from peers import BIN, measure  # noqa: E402


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def run(label: str, root: Path, *flags: str) -> None:
    seconds, group, single = measure([str(BIN / "feedsite"), "build", *flags], root)
    print(f"  {label:22s} {seconds:7.1f} s  peak {group / 2**20:6.0f} MB group, "
          f"{single / 2**20:6.0f} MB max RSS; public/ {size_mb(root / 'public'):7.0f} MB, "
          f"cache {size_mb(root / '.feedsite-cache'):6.0f} MB", flush=True)


def main() -> None:
    cold_only = "--cold-only" in sys.argv  # 100,000 articles: the cold build alone takes long
    for n in [int(a) for a in sys.argv[1:] if a.isdigit()] or [10000]:
        with tempfile.TemporaryDirectory(prefix="feedsite-scale-") as tmp:
            root = generate(n, Path(tmp))["feedsite"]
            shutil.rmtree(Path(tmp) / "hugo")
            shutil.rmtree(Path(tmp) / "pelican")
            print(f"\nN = {n:,} articles", flush=True)
            run("cold, --no-cache", root, "--no-cache")
            if cold_only:
                continue
            shutil.rmtree(root / "public")
            run("cold, writing cache", root)
            run("nothing changed", root)
            article = sorted((root / "content").glob("*.md"))[n // 2]
            article.write_text(article.read_text(encoding="utf-8") + "\n新的一段:量子退火。\n",
                               encoding="utf-8")
            run("one article edited", root)


if __name__ == "__main__":
    main()
