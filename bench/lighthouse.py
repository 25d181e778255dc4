"""Lighthouse mobile performance of every math article: `python bench/lighthouse.py [SITE_DIR]`.

Goal: at least 95 on each. Builds the project's site (or scores an already
built SITE_DIR, such as an older build, for comparison), serves it on
127.0.0.1 and runs Lighthouse 12.2.3 (pinned in package.json, `make bench`
installs it; 13 needs Node 22) with Debian's Chromium, its default mobile preset
(simulated slow 4G and a 4x slower CPU), performance only. A few other page
kinds are scored beside them as the peers the goal is set against.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedsite import frontmatter  # noqa: E402
from feedsite.spans import count_formulas  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " \
        "--disable-component-update --no-first-run"
GOAL = 95
PEERS = ["/", "/tags/", "/articles/76-zui-xiao-fu-gai-zi-chuan/"]


def math_articles() -> list[str]:
    out = []
    for path in sorted((ROOT / "content").glob("*.md")):
        fields, split = frontmatter.parse(path.read_text(encoding="utf-8"))
        if count_formulas(split.body):
            out.append(f"/articles/{fields.get('slug') or path.stem}/")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def score(origin: str, path: str, report_dir: Path) -> dict:
    out = report_dir / (path.strip("/").replace("/", "_") or "home")
    subprocess.run([str(LIGHTHOUSE), origin + path, "--only-categories=performance",
                    "--output=json", f"--output-path={out}.json", "--quiet",
                    f"--chrome-flags={FLAGS}"], check=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
                   timeout=300)
    data = json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))
    audits = data["audits"]
    return {"score": round(data["categories"]["performance"]["score"] * 100),
            "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "kb": audits["total-byte-weight"]["numericValue"] / 1024}


def main() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make bench`")
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            site = Path(sys.argv[1]).resolve()
        else:
            site = Path(tmp) / "public"
            subprocess.run([sys.executable, "-m", "feedsite", "build", "--out", str(site)], cwd=ROOT,
                           check=True, capture_output=True)
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            rows = [(p, score(origin, p, Path(tmp)), p in PEERS) for p in math_articles() + PEERS]
        finally:
            server.shutdown()
    print(f"{'page':58} score   FCP s   LCP s  TBT ms    CLS     KB")
    for path, r, peer in rows:
        mark = "" if peer or r["score"] >= GOAL else f"  below {GOAL}"
        print(f"{path[:58]:58} {r['score']:5d} {r['fcp']:7.2f} {r['lcp']:7.2f} {r['tbt']:7.0f} "
              f"{r['cls']:6.3f} {r['kb']:6.0f}{'  (peer)' if peer else ''}{mark}")
    worst = min(r["score"] for _, r, peer in rows if not peer)
    print(f"worst math article: {worst} (goal >= {GOAL})")


if __name__ == "__main__":
    main()
