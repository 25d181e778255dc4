"""Lighthouse (mobile, its default throttling) on the search page of the real site:
`python bench/lighthouse_search.py`. Goal: performance >= 95, accessibility 100.

Runs the project-local Lighthouse 12.2.3 (npm devDependency; `make bench`
installs it) with Debian's Chromium against the site served on 127.0.0.1, for
/search/ empty and with a query, and prints the scores, the paint metrics and
what Lighthouse counts as render-blocking.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from siteprobe import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

from feedsite.build import build  # noqa: E402
from feedsite.config import load_config  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = ["/search/", "/search/?q=" + quote("滑动窗口")]
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")


def lighthouse(url: str, report: Path) -> dict:
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=performance,accessibility",
                    "--chrome-flags=" + " ".join(CHROMIUM_ARGS)],
                   check=True, timeout=300, env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    return json.loads(report.read_text(encoding="utf-8"))


def main() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make bench`")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "public"
        build(load_config(ROOT / "site.yaml"), out)
        with serve(out, not_found=out / "404.html") as origin:
            for path in PAGES:
                result = lighthouse(origin + path, Path(tmp) / "report.json")
                cats, audits = result["categories"], result["audits"]
                scores = {k: round(v["score"] * 100) for k, v in cats.items()}
                print(f"{path}: performance {scores['performance']}, accessibility {scores['accessibility']}")
                print("  " + ", ".join(f"{m} {audits[m]['displayValue']}" for m in METRICS))
                blocking = audits["render-blocking-resources"].get("details", {}).get("items", [])
                print("  render-blocking: " + (", ".join(f"{i['url'].removeprefix(origin)} "
                                                          f"({i.get('wastedMs', 0):.0f} ms)"
                                                          for i in blocking) or "none"))
                failed = [a for a, v in audits.items() if v.get("score") == 0
                          and a in {r["id"] for r in cats["accessibility"]["auditRefs"]}]
                if failed:
                    print("  failed accessibility audits: " + ", ".join(failed))


if __name__ == "__main__":
    main()
