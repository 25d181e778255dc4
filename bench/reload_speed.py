"""Edit-to-served latency of `feedsite serve` on the real site: goal under 1 s.

Starts the preview on a copy of the project, edits one article a few times
(plain writes and atomic renames, 1.5 s apart, inside livereload's own 3 s
throttle window) and times until the new text is served over HTTP.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "11-sheng-zui-duo-shui-de-rong-qi"
EDITS = 6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "site.yaml", root / "site.yaml")
        for name in ("content", "feeds", "templates"):
            shutil.copytree(ROOT / name, root / name)
        out = open(root / "serve.out", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "feedsite", "serve", "--port", "0", "--no-search"],
                                cwd=root, stdout=out, stderr=subprocess.DEVNULL)
        try:
            while not (m := re.search(r"serving (\S+)", (root / "serve.out").read_text())):
                time.sleep(0.05)
            page = f"{m.group(1)}articles/{ARTICLE}/"
            path = root / "content" / f"{ARTICLE}.md"
            text = path.read_text(encoding="utf-8")
            took = []
            for i in range(EDITS):
                marker = f"bench-edit-{i}"
                started = time.perf_counter()
                if i % 2:
                    tmp_file = path.with_name(f".{path.name}.swp")
                    tmp_file.write_text(text + f"\n\n{marker}\n", encoding="utf-8")
                    os.replace(tmp_file, path)
                else:
                    path.write_text(text + f"\n\n{marker}\n", encoding="utf-8")
                while marker not in urllib.request.urlopen(page).read().decode("utf-8"):
                    time.sleep(0.005)
                took.append(time.perf_counter() - started)
                time.sleep(max(0.0, 1.5 - took[-1]))
        finally:
            proc.terminate()
            proc.wait(10)
    print("edit -> served: " + ", ".join(f"{t:.3f}" for t in took) +
          f" s; worst {max(took):.3f} s (goal < 1 s)")


if __name__ == "__main__":
    main()
