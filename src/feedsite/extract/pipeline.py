"""One extraction run: dumps in, content files written, counts and problems out.

The CLI and the preview server both call `run`; nothing else reaches deeper
into the extractor.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from ..errors import Report, shown_path
from . import store
from .drafts import Analysis, generate, merge
from .dumps import parse_dump


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
        dry_run: bool = False) -> ExtractResult:
    """Extract every dump under `paths` into `content_dir` (default: the config's).
    With `dry_run`, nothing is written: the result carries the diff a run would make."""
    content_dir = content_dir or config.content_dir
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
    if not dry_run:
        store.apply(writes, content_dir)
    count = lambda status: sum(1 for w in writes if w.status.startswith(status))  # noqa: E731
    return ExtractResult(len(dumps), len(excerpts), len(generated), count("new"), count("updated"),
                         count("unchanged"), count("kept"), report,
                         len(merged) - len(drafts) + count("retired"), changes)
