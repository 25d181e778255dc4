"""Lighthouse scores of the built site, mobile and desktop: `python bench/lighthouse.py`.

Builds this project's site (site.yaml, content/) into a scratch folder, serves it on
127.0.0.1 the way a static host does (the 404 page for a missing path), runs the
pinned Lighthouse from node_modules/ with Debian's Chromium on one page of each
kind, and writes the table into bench/README.md between the RESULTS markers.
Performance is a benchmark (it moves with the machine's load); accessibility, best
practices and SEO are what the pages must get right.
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
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
README = Path(__file__).with_name("README.md")
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BEGIN, END = "<!-- RESULTS:BEGIN -->", "<!-- RESULTS:END -->"


class _Host(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def first(folder: Path, keep=lambda html: True) -> str:
    for index in sorted(folder.glob("*/index.html")):
        if keep(index.read_text(encoding="utf-8")):
            return f"/{folder.name}/{index.parent.name}/"
    raise SystemExit(f"no page to measure under {folder}")


def page_kinds(site: Path) -> dict[str, str]:
    return {
        "home": "/",
        "topic": first(site / "topics"),
        "tag cloud": "/tags/",
        "tag": first(site / "tags"),
        "article without math": first(site / "articles", lambda h: 'class="math math-' not in h),
        # Lighthouse refuses to audit a 404 response, so the page is audited at its own
        # path; a static host serves these same bytes for every missing URL.
        "404": "/404.html",
    }


def lighthouse(url: str, preset: str) -> dict[str, int]:
    cmd = ["node", str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--output=json",
           "--output-path=stdout", "--quiet", f"--only-categories={','.join(CATEGORIES)}"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    failed = [a["id"] for cat in CATEGORIES[1:] for ref in report["categories"][cat]["auditRefs"]
              if ref["weight"] and (a := report["audits"][ref["id"]])["score"] not in (None, 1)]
    if failed:
        print(f"  {preset} {url}: not passing: {', '.join(failed)}")
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def main() -> None:
    if not LIGHTHOUSE.is_file():
        raise SystemExit("Lighthouse is not installed: run `make test` (npm ci) first")
    with tempfile.TemporaryDirectory(prefix="feedsite-lighthouse-") as tmp:
        site = Path(tmp) / "public"
        subprocess.run([sys.executable, "-m", "feedsite", "build", "--out", str(site)], cwd=ROOT, check=True)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Host, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        rows = []
        for kind, path in page_kinds(site).items():
            scores = {preset: lighthouse(origin + path, preset) for preset in ("mobile", "desktop")}
            rows.append((kind, path, scores))
            print(kind, path, json.dumps(scores))
        server.shutdown()
    write_readme(rows)


def write_readme(rows) -> None:
    header = ("| page | path | mobile: perf / a11y / best practices / SEO "
              "| desktop: perf / a11y / best practices / SEO |\n|---|---|---|---|\n")
    cell = lambda s: " / ".join(str(s[c]) for c in CATEGORIES)
    table = header + "".join(f"| {kind} | `{path}` | {cell(s['mobile'])} | {cell(s['desktop'])} |\n"
                             for kind, path, s in rows)
    text = README.read_text(encoding="utf-8")
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    README.write_text(f"{before}{BEGIN}\n{table}{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
