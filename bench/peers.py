"""feedsite against Hugo (+ Pagefind) and Pelican on the same synthetic corpus.

    python bench/peers.py [N ...]        (default: 2000)

For each N, bench/corpus.py writes the same articles for each tool; each tool then
builds from cold 3 times, interleaved, and the median time and peak memory are
printed with feedsite's ratio to each. Hugo is run as a Hugo user would for this
site: code highlighting and build-time math (a passthrough render hook calling
`transform.ToMath`), followed by `pagefind --site public` for search. Pelican has no
math support, so its math stays text. Peak memory is the largest sum of the RSS of
every process of the build's process group, sampled every 20 ms, and the largest
single process (`max RSS`).
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("PEERS_RUNS", "3"))  # fewer only for a quick look: the median of 3 is the figure
PAGE = os.sysconf("SC_PAGE_SIZE")


def group_rss(pgid: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5 of stat, the process group
                with open(f"/proc/{entry.name}/statm", "rb") as f:
                    total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue  # gone between listing and reading
    return total


def measure(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak process-group RSS, max single-process RSS) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    peak, done = [0], threading.Event()

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], group_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode()[-2000:]}")
    return seconds, peak[0], usage.ru_maxrss * 1024


def pagefind_binary() -> str:
    import pagefind_bin_extended
    return str(pagefind_bin_extended.get_executable())


def tools(roots: dict[str, Path]) -> dict[str, list[tuple[list[str], Path]]]:
    """Each tool as the commands of one cold build, and the output to clear first."""
    hugo = shutil.which("hugo", path=str(BIN)) or "hugo"
    pelican = shutil.which("pelican", path=str(BIN)) or "pelican"
    return {
        "feedsite": [([str(BIN / "feedsite"), "build", "--out", "public"], roots["feedsite"])],
        "hugo+pagefind": [([hugo, "--quiet", "--destination", "public"], roots["hugo"]),
                          ([pagefind_binary(), "--site", "public", "--quiet"], roots["hugo"])],
        "pelican": [([pelican, "-q", "content", "-s", "pelicanconf.py", "-o", "output"], roots["pelican"])],
    }


def cold(commands: list[tuple[list[str], Path]]) -> tuple[float, int, int]:
    seconds, group, single = 0.0, 0, 0
    for name in ("public", "output", "resources", ".feedsite-cache", ".hugo_build.lock"):
        target = commands[0][1] / name
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    for cmd, cwd in commands:
        s, g, m = measure(cmd, cwd)
        seconds, group, single = seconds + s, max(group, g), max(single, m)
    return seconds, group, single


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [2000]
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="feedsite-peers-") as tmp:
            plan = tools(generate(n, Path(tmp)))
            runs: dict[str, list[tuple[float, int, int]]] = {name: [] for name in plan}
            for _ in range(RUNS):  # interleaved, so drift in the machine hits every tool alike
                for name, commands in plan.items():
                    runs[name].append(cold(commands))
        print(f"\nN = {n:,} articles, cold builds, median of {RUNS} (runs in order)")
        medians = {}
        for name, results in runs.items():
            seconds = statistics.median(r[0] for r in results)
            group = max(r[1] for r in results)
            single = max(r[2] for r in results)
            medians[name] = (seconds, group)
            order = " / ".join(f"{r[0]:.1f}" for r in results)
            print(f"  {name:14s} {seconds:7.1f} s  ({order})  peak {group / 2**20:6.0f} MB group, "
                  f"{single / 2**20:6.0f} MB max RSS")
        ours = medians["feedsite"]
        for name, (seconds, group) in medians.items():
            if name != "feedsite":
                print(f"  feedsite / {name}: {ours[0] / seconds:.2f}x time, {ours[1] / group:.2f}x memory")


if __name__ == "__main__":
    main()
