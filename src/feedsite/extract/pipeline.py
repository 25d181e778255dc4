"""One extraction run: dumps in, content files written, counts and problems out.

The CLI and the preview server both call `run`; nothing else reaches deeper
into the extractor.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .. import faults
from ..cache import collector_paused
from ..config import SiteConfig
from ..errors import BuildFailed, Report, SourceError, shown_path
from ..files import Notify, exclusive
from ..progress import Progress
from . import remembered, store, writer
from .cache import Memo, digest, open_memo
from .drafts import Analysis, generate_all, merge
from .dumps import Excerpt, parse_dump

LOCK = ".extract.lock"


@dataclass(frozen=True)
class ExtractResult:
    dumps: int
    excerpts: int
    articles: int
    new: int
    updated: int
    unchanged: int
    kept: int  # files with a hand edit, whether rewritten or not
    report: Report
    retired: int = 0  # articles a person retired, in site.yaml or by `status: retired`
    diff: str = ""  # with dry_run: what a run would change, as a unified diff
    cache_warnings: tuple[SourceError, ...] = ()  # the cache could not be used: slower, never wrong

    def summary(self) -> str:
        retired = f", {self.retired} retired" if self.retired else ""
        return (f"extract: {self.dumps} dumps, {self.excerpts} excerpts, {self.articles} articles: "
                f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.kept} kept as edited{retired}; {len(self.report.warnings)} warnings, "
                f"{len(self.report.errors)} errors")


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


def run(config: SiteConfig, paths: list[Path], content_dir: Path | None = None,
        dry_run: bool = False, wait: bool = True, notify: Notify | None = None,
        cache: Path | None = None, progress: Progress | None = None) -> ExtractResult:
    """Extract every dump under `paths` into `content_dir` (default: the config's).
    With `dry_run`, nothing is written, not even the lock, and the cache is not used:
    the result carries the diff a run would make.

    `cache` is the folder of the extraction cache (the CLI's: `.feedsite-cache/` beside
    site.yaml): work whose inputs did not change is skipped, and the files written are
    the same as without it. `progress` draws a bar on a terminal for long stages.

    One run at a time per content folder: two would both read it, then both write new
    files for the same article. A second run says it waits (through `notify`), or with
    `wait=False` fails at once.
    """
    content_dir = content_dir or config.content_dir
    _check_folder(content_dir)  # before the lock: a refused folder gets nothing beside it
    progress = progress or Progress()
    if dry_run:  # without the cache: opening it may write it
        with collector_paused():
            return _run(config, paths, content_dir, Memo(), progress, dry_run=True)
    # Inside the folder: extract writes nothing anywhere else but its cache.
    with exclusive(content_dir, "extract", wait, notify, lock=content_dir / LOCK), \
            collector_paused():
        memo = open_memo(cache, config)
        try:
            return _run(config, paths, content_dir, memo, progress)
        finally:
            memo.close()


def _check_folder(content_dir: Path) -> None:
    try:
        mode = os.stat(content_dir).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise faults.failed(exc, "use it as the content folder", content_dir, folder=True) from None
    if not stat.S_ISDIR(mode):
        raise BuildFailed([SourceError(faults.shown(content_dir), 0,
                                       "is a file, not a content folder; it was left untouched")])


def read_dumps(dumps: list[tuple[str, Path]], report: Report, memo: Memo, progress: Progress
               ) -> list[Excerpt]:
    """The excerpts of every dump; a dump the cache saw with the same path and bytes is
    not parsed again."""
    datas: list[tuple[str, bytes, str]] = []
    for shown, dump in progress.each("reading", dumps):
        try:
            data = dump.read_bytes()
        except OSError as exc:
            report.error(shown, 0, f"cannot read: {exc.strerror}")
            continue
        datas.append((shown, data, digest(shown, data) if memo.active else ""))
    known = memo.get_many("dumps", [key for _, _, key in datas]) if memo.active else {}
    excerpts: list[Excerpt] = []
    for shown, data, key in progress.each("parsing", datas):
        if key in known:
            lines, problems = known[key]
            found = [Excerpt(shown, line, text) for line, text in lines]
        else:
            found, problems = parse_dump(shown, data)
            memo.put("dumps", key, ([(e.line, e.text) for e in found], problems))
        excerpts += found
        report.extend(problems)
    return excerpts


def _run(config: SiteConfig, paths: list[Path], content_dir: Path, memo: Memo, progress: Progress,
         dry_run: bool = False) -> ExtractResult:
    report = Report()
    dumps = discover_dumps(paths, report)
    excerpts = read_dumps(dumps, report, memo, progress)
    merged = merge(excerpts)
    drafts = [d for d in merged if d.id not in config.retired]  # retired for good in site.yaml
    analysis = Analysis(config, drafts, memo, progress)
    generated = generate_all(drafts, analysis, memo, progress)
    existing, problems = store.read_existing(content_dir, shown_path(content_dir), memo)
    report.extend(problems)
    made_from = {d.id: analysis.derived_key(d.text) for d in drafts} if memo.active else None
    writes, problems = store.plan(generated, existing, content_dir, memo, made_from, progress)
    report.extend(problems)
    changes = writer.diff(writes, Path.cwd()) if dry_run else ""
    done, problems = (writes, []) if dry_run else writer.apply(writes, content_dir, progress.each)
    report.extend(problems)
    if not dry_run:
        # A file not written (changed under the run, or a fault) is read afresh next time.
        landed = {id(w) for w in done}
        for write in writes:
            if id(write) not in landed:
                memo.forget("files", str(write.path))
        remembered.remember(done, memo, progress)
        memo.save()
    count = lambda status: sum(1 for w in done if w.status.startswith(status))  # noqa: E731
    return ExtractResult(len(dumps), len(excerpts), len(generated), count("new"), count("updated"),
                         count("unchanged"), count("kept"), report,
                         len(merged) - len(drafts) + count("retired"), changes, tuple(memo.notes))
