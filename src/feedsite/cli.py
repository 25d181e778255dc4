"""Command line: `feedsite extract | build | serve | check | init | new`. The only
place that turns problems into exit codes and messages; no traceback reaches a user."""
from __future__ import annotations

import argparse
import atexit
import dataclasses
import functools
import gc
import sys
from pathlib import Path

from . import __version__
from .config import load_config
from .errors import BuildFailed, shown_path
from .faults import unexpected

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def say(message: str) -> None:
    """A word on stderr while a command waits, so a person knows why nothing happens."""
    print(message, file=sys.stderr, flush=True)


def cmd_extract(args) -> int:
    config = load_config(Path(args.config))
    paths = [Path(p) for p in args.paths] or [config.feeds_dir]
    content_dir = Path(args.content) if args.content else config.content_dir
    from . import extract
    from .cache import FOLDER as CACHE_FOLDER

    # The cache lives beside site.yaml, never in the content folder.
    cache = None if args.no_cache else config.root / CACHE_FOLDER
    result = extract.run(config, paths, content_dir, dry_run=args.dry_run, wait=not args.no_wait,
                         notify=say, cache=cache)
    for problem in (*result.cache_warnings, *result.report.problems):
        print(problem, file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(result.diff)
        print(f"dry run, nothing written: {result.summary()}")
        return EXIT_INPUT if result.report.errors else EXIT_OK
    print(result.summary())
    return EXIT_INPUT if result.report.errors else EXIT_OK


def cmd_review(args) -> int:
    config = load_config(Path(args.config))
    content_dir = Path(args.content) if args.content else config.content_dir
    from . import extract

    findings, problems = extract.review(config, content_dir, shown_path(content_dir))
    for problem in problems:
        print(problem, file=sys.stderr)
    for finding in findings:
        print(finding)
    print(f"review: {len(findings)} articles to look at, worst first", file=sys.stderr)
    return EXIT_INPUT if problems else EXIT_OK


def cmd_build(args) -> int:
    from .build import unchanged
    from .build.cache import FOLDER as CACHE_FOLDER

    # The cache lives beside site.yaml, never in --out.
    cache = None if args.no_cache else Path(args.config).parent.resolve() / CACHE_FOLDER
    command = unchanged.command_digest(Path(args.config), (args.out, args.base_url))
    # --strict also checks every link, so it always builds.
    same, seen = (None, None) if cache is None or args.strict else unchanged.check(
        cache, command, wait=not args.no_wait, notify=say)
    if same is not None:
        out, result = same
    else:
        out, result = _build(args, cache, command, seen)
    for problem in (*result.cache_warnings, *result.warnings):
        print(problem, file=sys.stderr)
    cached = f"; {result.cache}" if result.cache else ""
    print(f"build: {result.pages} pages in {shown_path(out)}/, {result.written} files written, "
          f"{len(result.warnings)} warnings, {result.seconds:.2f} s{cached}")
    return EXIT_OK


def _build(args, cache: Path | None, command: str, seen=None):
    """The build itself, when the no-change check found something to do (`seen`: the
    stamp of the inputs the check took, if it took one)."""
    from .build import build, unchanged
    from .build.cache import cached_config
    from .build.render import template_dirs

    config, keep = (load_config(Path(args.config)), {}) if cache is None else cached_config(
        cache, Path(args.config))
    if args.base_url:
        config = dataclasses.replace(config, base_url=args.base_url)
    out = Path(args.out) if args.out else config.output_dir
    stamp = unchanged.take_stamp(command, tuple(map(str, (config.content_dir,
                                                           *template_dirs(config.templates_dir)))), seen)
    return out, build(config, out, strict=args.strict, wait=not args.no_wait, notify=say, cache=cache,
                      stamp=stamp, keep=keep)


def cmd_check(args) -> int:
    from .build.check import check_site

    config = load_config(Path(args.config))
    if args.content:
        return check_content(config)
    out = Path(args.out) if args.out else config.output_dir
    broken = check_site(out, config.base_path)
    for problem in broken:
        print(problem, file=sys.stderr)
    print(f"check: {len(broken)} broken links in {shown_path(out)}/")
    return EXIT_INPUT if broken else EXIT_OK


def check_content(config) -> int:
    """Validate content/ as CI should: a strict build (front matter, topics, tags,
    templates, every internal link) into a scratch folder, so public/ is untouched."""
    import tempfile

    from .build import build

    with tempfile.TemporaryDirectory(prefix="feedsite-check-") as scratch:
        site = Path(scratch) / "site"
        try:
            result = build(config, site, strict=True)
        except BuildFailed as failed:
            # A broken link is named by the page it would be in public/, not the scratch copy.
            shown, out = shown_path(site, config.root), shown_path(config.output_dir)
            raise BuildFailed([dataclasses.replace(p, path=out + p.path.removeprefix(shown))
                               if p.path.startswith(shown + "/") else p
                               for p in failed.problems]) from None
    print(f"check: {shown_path(config.content_dir)}/ is valid: {result.pages} pages, no warnings, "
          "no broken links")
    return EXIT_OK


def cmd_init(args) -> int:
    from .scaffold import init_site

    folder = Path(args.dir)
    written = init_site(folder)
    for path in written:
        print(f"created {shown_path(path)}")
    print(f"init: a new site in {shown_path(folder)}/; next: cd {shown_path(folder)} && feedsite build")
    return EXIT_OK


def cmd_new(args) -> int:
    from .scaffold import new_article

    config = load_config(Path(args.config))
    tags = tuple(t.strip() for t in (args.tags or "").split(",") if t.strip())
    path = new_article(config, args.title, topic=args.topic, tags=tags, date=args.date)
    print(f"new: {shown_path(path)}")
    return EXIT_OK


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
    ex.add_argument("--dry-run", action="store_true",
                    help="print what would change, as a diff, and write nothing")
    ex.add_argument("--no-wait", action="store_true",
                    help="fail at once if another extract is writing the content folder")
    ex.add_argument("--no-cache", action="store_true",
                    help="ignore the extraction cache (.feedsite-cache/ beside site.yaml): "
                         "work everything out afresh, and leave the cache as it is")
    ex.set_defaults(run=cmd_extract)

    rv = sub.add_parser("review", help="list the articles to refine by hand, worst first, with file:line")
    rv.add_argument("--content", metavar="DIR", help="content folder (default: content_dir)")
    rv.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    rv.set_defaults(run=cmd_review)

    bu = sub.add_parser("build", help="render content/ into a deployable site")
    bu.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    bu.add_argument("--out", metavar="DIR", help="output folder (default: output_dir)")
    bu.add_argument("--strict", action="store_true",
                    help="fail on warnings too, and on broken internal links")
    bu.add_argument("--base-url", metavar="URL",
                    help="deploy address, overriding site.yaml's base_url (e.g. a Pages URL in CI)")
    bu.add_argument("--no-wait", action="store_true",
                    help="fail at once if another build of the output folder is running")
    bu.add_argument("--no-cache", action="store_true",
                    help="ignore the build cache (.feedsite-cache/ beside site.yaml): "
                         "render and write everything, and leave the cache as it is")
    bu.set_defaults(run=cmd_build)

    ch = sub.add_parser("check", help="list internal links, assets and anchors that do not resolve")
    ch.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    ch.add_argument("--out", metavar="DIR", help="built site folder (default: output_dir)")
    ch.add_argument("--content", action="store_true",
                    help="validate content/ instead: a strict build into a scratch folder "
                         "(front matter, topics, tags, links); public/ is not touched")
    ch.set_defaults(run=cmd_check)

    it = sub.add_parser("init", help="create a new site: site.yaml, content/, feeds/")
    it.add_argument("dir", metavar="DIR", help="folder for the new site (created if missing)")
    it.set_defaults(run=cmd_init)

    nw = sub.add_parser("new", help="create content/<slug>.md for a hand-written article")
    nw.add_argument("title", metavar="TITLE", help='the title, e.g. "旋转式位置编码"')
    nw.add_argument("--topic", help="topic slug (default: default_topic)")
    nw.add_argument("--tags", metavar="A,B", help="comma-separated tags")
    nw.add_argument("--date", metavar="YYYY-MM-DD", help="the article's date (default: today)")
    nw.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    nw.set_defaults(run=cmd_new)

    se = sub.add_parser("serve", help="preview the site, rebuilding and reloading on every edit")
    se.add_argument("--config", default="site.yaml", help="site config (default: site.yaml)")
    se.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    se.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    se.add_argument("--no-search", action="store_true",
                    help="skip the search index (search then finds nothing)")
    se.set_defaults(run=cmd_serve)
    return top


@functools.cache
def _no_collection_at_exit() -> None:
    """A build's state (10,000 parsed articles, the page plan, the search state) is
    still in memory at exit, in reference cycles, and the interpreter's last collection
    frees it object by object: 0.2 to 0.3 s of an edit's 2 s CLI build at 10,000
    articles, for memory the OS takes back whole. Frozen objects are left out of that
    collection. Only at exit (atexit), so an in-process caller (a test) loses nothing;
    every file is closed by then (the build closes what it opens, with `with`)."""
    atexit.register(lambda: (gc.disable(), gc.freeze()))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits 2 on wrong usage
    _no_collection_at_exit()
    try:
        return args.run(args)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # one a stage did not translate: still one line, no traceback
        print(unexpected(exc), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


def build_site(argv: list[str] | None = None) -> int:
    return main(["build", *(sys.argv[1:] if argv is None else argv)])
