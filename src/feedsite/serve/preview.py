"""The preview site: its inputs, its built folder, and the problems of the last build.

A failed rebuild writes nothing (every stage raises before `output` is reached), so the
folder keeps the last good site; `problems` says what the overlay lists over it.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import threading
import traceback
from pathlib import Path
from types import SimpleNamespace

from ..build import BuildState, build
from ..cache import FOLDER as CACHE_FOLDER
from ..config import load_config
from ..errors import BuildFailed
from ..extract import run as run_extract


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Preview:
    def __init__(self, config_path: Path, origin: str, out_dir: Path, search: bool = True):
        self.config_path, self.origin, self.out_dir, self.search = config_path, origin, out_dir, search
        self.lock = threading.Lock()  # held while building and while reading a response
        # Set while a rebuild waits for or holds `lock`: requests then wait, so a steady
        # stream of them cannot starve the rebuild, and nobody sees a half-built site.
        self.building = threading.Event()
        self.state = BuildState()
        self.config = None  # the last config that loaded
        self.config_stamp = None  # site.yaml's mtime, size and inode when it loaded
        self.problems: list[str] = []  # non-empty: pages carry them in an overlay
        self.feed_problems: list[str] = []  # from the last extraction; kept until the next one
        self.built = False  # a complete site is in out_dir: the last good one

    def watched(self) -> tuple[list[Path], Path]:
        """The inputs to poll (the last good config's folders), and the feeds folder."""
        root = self.config_path.resolve().parent
        d = self.config or SimpleNamespace(content_dir=root / "content", feeds_dir=root / "feeds",
                                           templates_dir=root / "templates")
        return [self.config_path.resolve(), d.content_dir, d.templates_dir, d.feeds_dir], d.feeds_dir

    def rebuild(self, extract: bool = False) -> bool:
        """Rebuild after a change; True when open pages should reload."""
        self.building.set()
        try:
            with self.lock:
                return self._rebuild(extract)
        finally:
            self.building.clear()

    def _rebuild(self, extract: bool) -> bool:
        before, result = self.problems, None
        try:
            config = self.load()
            if extract:
                # With the command line's cache: a dump added while serving re-extracts
                # what changed, not the whole collection (seconds at 10,000 articles).
                found = run_extract(config, [config.feeds_dir], notify=_say,
                                    cache=config.root / CACHE_FOLDER)
                for note in found.cache_warnings:
                    _say(str(note))
                self.feed_problems = [str(p) for p in found.report.errors]
            result = build(config, self.out_dir, state=self.state, in_place=self.built,
                           search=self.search)
            self.built = True
            self.problems = self.feed_problems
            print(f"built {len(result.changed)} of {result.pages} pages in "
                  f"{result.seconds:.2f} s", flush=True)
        except BuildFailed as failed:
            self.problems = self.feed_problems + [str(p) for p in failed.problems]
        except Exception as exc:  # noqa: BLE001 - a bug in a stage must not stop the preview
            traceback.print_exc()
            self.problems = [f"feedsite: internal error: {type(exc).__name__}: {exc}"]
        if self.problems and self.problems != before:
            _say("\n".join(self.problems))
        return self.problems != before or bool(result and result.changed)

    def load(self):
        """The config, parsed again only when site.yaml changed (parsing costs 20 ms)."""
        stamp = _stamp(self.config_path)
        if stamp is None or stamp != self.config_stamp:
            self.config_stamp = None  # if this fails, the next build tries again
            # Served at the root of this server whatever the deploy base_url is.
            self.config = dataclasses.replace(load_config(self.config_path),
                                              base_url=self.origin, output_dir=self.out_dir)
            self.config_stamp = stamp
        return self.config


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
