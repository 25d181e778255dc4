"""Command line: `feedsite extract | build | serve | check`. The only place that
turns problems into exit codes and messages; no traceback reaches a user."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .classify import Classifier
from .config import load_config
from .errors import BuildFailed, Report, shown_path
from .extract import generate, merge
from .feeds import parse_dump
from . import store

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def discover_dumps(paths: list[Path], report: Report) -> list[tuple[str, Path]]:
    """(shown path, path) of every dump named or inside a named folder."""
    found = {}
    for path in paths:
        if path.is_dir():
            folder = shown_path(path)  # resolved once per folder, not once per dump
            for p in path.iterdir():
                if p.is_file() and not p.name.startswith("."):
                    found.setdefault(f"{folder}/{p.name}" if folder != "." else p.name, p)
        elif path.is_file():
            found.setdefault(shown_path(path), path)
        else:
            report.error(shown_path(path), 0, "no such file or folder")
    # Sorted, so the output never depends on the order the OS lists files in.
    return sorted(found.items())


def run_extract(config, paths: list[Path], content_dir: Path) -> tuple[dict, Report]:
    report = Report()
    excerpts = []
    dumps = discover_dumps(paths, report)
    for shown, dump in dumps:
        try:
            data = dump.read_bytes()
        except OSError as exc:
            report.error(shown, 0, f"cannot read: {exc.strerror}")
            continue
        found, problems = parse_dump(shown, data)
        excerpts += found
        report.extend(problems)
    classifier = Classifier(config)
    generated = [generate(d, classifier) for d in merge(excerpts)]
    existing, problems = store.read_existing(content_dir, shown_path(content_dir))
    report.extend(problems)
    writes, problems = store.plan(generated, existing, content_dir)
    report.extend(problems)
    store.apply(writes, content_dir)
    counts = {"dumps": len(dumps), "excerpts": len(excerpts), "articles": len(generated)}
    for status in ("new", "updated", "unchanged", "kept"):
        counts[status] = sum(1 for w in writes if w.status.startswith(status))
    return counts, report


def cmd_extract(args) -> int:
    config = load_config(Path(args.config))
    paths = [Path(p) for p in args.paths] or [config.feeds_dir]
    content_dir = Path(args.content) if args.content else config.content_dir
    counts, report = run_extract(config, paths, content_dir)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"extract: {counts['dumps']} dumps, {counts['excerpts']} excerpts, "
          f"{counts['articles']} articles: {counts['new']} new, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged, {counts['kept']} kept as edited; "
          f"{len(report.warnings)} warnings, {len(report.errors)} errors")
    return EXIT_INPUT if report.errors else EXIT_OK


def cmd_build(args) -> int:
    from .build import build

    config = load_config(Path(args.config))
    out = Path(args.out) if args.out else config.output_dir
    result = build(config, out, strict=args.strict)  # --strict also checks every link
    for problem in result.warnings:
        print(problem, file=sys.stderr)
    print(f"build: {result.pages} pages written to {shown_path(out)}/, "
          f"{len(result.warnings)} warnings, {result.seconds:.2f} s")
    return EXIT_OK


def cmd_check(args) -> int:
    from .check import check_site

    config = load_config(Path(args.config))
    out = Path(args.out) if args.out else config.output_dir
    broken = check_site(out, config.base_path)
    for problem in broken:
        print(problem, file=sys.stderr)
    print(f"check: {len(broken)} broken links in {shown_path(out)}/")
    return EXIT_INPUT if broken else EXIT_OK


def cmd_serve(args) -> int:
    from .serve import serve

    return serve(Path(args.config), args.host, args.port, search=not args.no_search)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="feedsite",
        description="Static sites from Chinese machine-learning note feeds, with real math.")
    top.add_argument("--version", action="version", version=f"feedsite {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser("extract", help="turn feed dumps into content/*.md")
    ex.add_argument("paths", nargs="*", metavar="PATH", help="dump files or folders (default: feeds_dir)")
    ex.add_argument("--content", metavar="DIR", help="content folder (default: content_dir)")
    ex.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    ex.set_defaults(run=cmd_extract)

    bu = sub.add_parser("build", help="render content/ into a deployable site")
    bu.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    bu.add_argument("--out", metavar="DIR", help="output folder (default: output_dir)")
    bu.add_argument("--strict", action="store_true",
                    help="fail on warnings too, and on broken internal links")
    bu.set_defaults(run=cmd_build)

    ch = sub.add_parser("check", help="list internal links, assets and anchors that do not resolve")
    ch.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    ch.add_argument("--out", metavar="DIR", help="built site folder (default: output_dir)")
    ch.set_defaults(run=cmd_check)

    se = sub.add_parser("serve", help="preview the site, rebuilding and reloading on every edit")
    se.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    se.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    se.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    se.add_argument("--no-search", action="store_true",
                    help="skip the Pagefind search index (faster start; search finds nothing)")
    se.set_defaults(run=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits 2 on wrong usage
    try:
        return args.run(args)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


def build_site(argv: list[str] | None = None) -> int:
    return main(["build", *(sys.argv[1:] if argv is None else argv)])
