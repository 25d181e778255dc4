"""TeX into CHTML at build time: MathJax 3.2.2 (the copy django-static-mathjax
installs) running in Node with its liteDOM adaptor.

Node, not an embedded V8 such as mini-racer: Node is already on every machine
that builds the site, so `make site` installs nothing more, and MathJax's es5
components load in it as they are, through `require`, which an embedded V8
lacks. A MathJax that fails to start says so on stderr, which becomes the
build error.

One engine process per build, started only if some formula is not in the
cache; the formulas go to it as one request line each, all at once. The cache (`MathCache`)
holds every typeset formula by TeX and display mode, for one MathJax version
and engine script; it lives in the preview's BuildState between rebuilds and
can be written to and read from disk as JSON.
"""
from __future__ import annotations

import hashlib
import json
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from ..errors import BuildFailed, SourceError
from .assets import INSTALL_HINT, mathjax_es5_dir
from .formulas import Formula, MathCache, Typeset

ENGINE = Path(__file__).with_name("tex_engine.js")
TIMEOUT = 60  # seconds MathJax may take to start, or to typeset one formula
NODE_HINT = "install Node.js (Debian: apt-get install nodejs), which typesets the math at build time"


def load_cache(path: Path) -> MathCache:
    """The cache saved at `path`; an empty one if it is missing or unreadable
    (it is only a cache: the build then typesets everything again)."""
    try:
        return MathCache.from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return MathCache()


def save_cache(path: Path, cache: MathCache) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(cache.to_json(), encoding="utf-8")
    tmp.replace(path)


def engine_version(es5: Path | None = None) -> str:
    """MathJax's own version plus a digest of the engine script: a change to
    either changes the output, so it invalidates the cache."""
    es5 = es5 or mathjax_es5_dir()
    found = re.search(r'VERSION="([0-9.]+)"', (es5 / "startup.js").read_text(encoding="utf-8"))
    script = hashlib.sha256(ENGINE.read_bytes()).hexdigest()[:12]
    return f"MathJax {found.group(1) if found else 'unknown'} engine {script}"


def typeset_all(formulas: Iterable[Formula], cache: MathCache, prune: bool = True) -> MathCache:
    """Bring `cache` up to date with `formulas`, typesetting only the ones it lacks,
    and (with `prune`) drop the ones no longer used. Starts the engine only if there is work."""
    wanted = dict.fromkeys(formulas)
    version = engine_version()
    if cache.version != version:
        cache.version, cache.base, cache.font_base = version, (), ()
        cache.formulas.clear()
    missing = [f for f in wanted if f not in cache.formulas]
    if missing or (wanted and not cache.base):
        with Engine() as engine:
            cache.base, cache.font_base = engine.base, engine.font_base
            cache.formulas.update(zip(missing, engine.typeset_many(missing), strict=True))
    if prune:
        cache.formulas = {f: cache.formulas[f] for f in wanted}
    return cache


class Engine:
    """One Node process running tex_engine.js: start it, typeset, close it."""

    def __init__(self):
        node = shutil.which("node") or shutil.which("nodejs")
        if node is None:
            raise _failed(f"Node.js is not installed; {NODE_HINT}")
        es5 = mathjax_es5_dir()
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen([node, str(ENGINE), str(es5)], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                          encoding="utf-8", bufsize=1)
        except OSError as exc:
            self._stderr.close()
            raise _failed(f"Node.js could not run ({exc}); {NODE_HINT}") from None
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            ready = self._answer("starting MathJax")
        except BuildFailed:
            self.close()
            raise
        self.version = ready["version"]
        self.base, self.font_base = tuple(ready["base"]), tuple(ready["font_base"])

    def _read(self) -> None:
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)  # the process ended

    def _answer(self, doing: str) -> dict:
        try:
            line = self._lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise _failed(f"MathJax took over {TIMEOUT} s {doing}") from None
        if line is None:
            self._proc.wait()
            self._stderr.seek(0)
            detail = self._stderr.read().decode("utf-8", "replace").strip() or "no output"
            raise _failed(f"MathJax stopped while {doing} (exit {self._proc.returncode}): {detail}; "
                          f"{INSTALL_HINT}")
        return json.loads(line)

    def typeset(self, formula: Formula) -> Typeset:
        return self.typeset_many([formula])[0]

    def typeset_many(self, formulas: list[Formula]) -> list[Typeset]:
        """All requests go out at once (from a thread, so neither side blocks on a
        full pipe) and the answers are read in order: the engine never waits for
        Python between formulas, which matters on a busy machine."""
        lines = "".join(json.dumps({"tex": f.tex, "display": f.display}) + "\n" for f in formulas)
        writer = threading.Thread(target=self._send, args=(lines,), daemon=True)
        writer.start()
        out = [self._result(f, self._answer(f"typesetting {f.tex[:60]!r}")) for f in formulas]
        writer.join()
        return out

    def _send(self, lines: str) -> None:
        try:
            self._proc.stdin.write(lines)
            self._proc.stdin.flush()
        except OSError:
            pass  # the engine died; _answer reports it with its stderr

    @staticmethod
    def _result(formula: Formula, got: dict) -> Typeset:
        if (got.get("error") or "").startswith("internal:"):
            raise _failed(f"MathJax failed on {formula.tex[:60]!r}: {got['error']}")
        return Typeset(got["html"], got["mathml"], got["text"], tuple(got["wrappers"]),
                       tuple(got["font"]), got["error"] or "")

    def close(self) -> None:
        if self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()  # the engine exits at the end of its input
            except OSError:
                pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _failed(message: str) -> BuildFailed:
    return BuildFailed([SourceError("site.yaml", 0, message)])
