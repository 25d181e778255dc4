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
from ..config import SiteConfig
from ..errors import BuildFailed, Report, SourceError, shown_path
from ..files import Notify, exclusive
from . import store
from .drafts import Analysis, generate, merge
from .dumps import parse_dump

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
        dry_run: bool = False, wait: bool = True, notify: Notify | None = None) -> ExtractResult:
    """Extract every dump under `paths` into `content_dir` (default: the config's).
    With `dry_run`, nothing is written, not even the lock: the result carries the diff a
    run would make.

    One run at a time per content folder: two would both read it, then both write new
    files for the same article. A second run says it waits (through `notify`), or with
    `wait=False` fails at once.
    """
    content_dir = content_dir or config.content_dir
    _check_folder(content_dir)  # before the lock: a refused folder gets nothing beside it
    if dry_run:
        return _run(config, paths, content_dir, dry_run=True)
    # Inside the folder: extract writes nothing anywhere else.
    with exclusive(content_dir, "extract", wait, notify, lock=content_dir / LOCK):
        return _run(config, paths, content_dir)


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


def _run(config: SiteConfig, paths: list[Path], content_dir: Path, dry_run: bool = False
         ) -> ExtractResult:
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
    merged = merge(excerpts)
    drafts = [d for d in merged if d.id not in config.retired]  # retired for good in site.yaml
    analysis = Analysis(config, drafts)
    generated = [generate(d, analysis) for d in drafts]
    existing, problems = store.read_existing(content_dir, shown_path(content_dir))
    report.extend(problems)
    writes, problems = store.plan(generated, existing, content_dir)
    report.extend(problems)
    changes = store.diff(writes, Path.cwd()) if dry_run else ""
    done, problems = (writes, []) if dry_run else store.apply(writes, content_dir)
    report.extend(problems)
    count = lambda status: sum(1 for w in done if w.status.startswith(status))  # noqa: E731
    return ExtractResult(len(dumps), len(excerpts), len(generated), count("new"), count("updated"),
                         count("unchanged"), count("kept"), report,
                         len(merged) - len(drafts) + count("retired"), changes)
