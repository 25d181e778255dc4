"""TeX into CHTML at build time: MathJax 3.2.2 running in Node with its liteDOM
adaptor. Its modules come from MathJax's own TypeScript compiled for ES2020 when
the site was set up (`make` builds it into the environment's share/feedsite/), or,
without that, from the es5 components django-static-mathjax installs: the same
MathJax and the same bytes out, about a third slower.

Node, not an embedded V8 such as mini-racer: Node is already on every machine
that builds the site, and MathJax's modules load in it as they are, through
`require`, which an embedded V8 lacks. A MathJax that fails to start says so on
stderr, which becomes the build error.

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
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import BuildFailed, SourceError
from ..parallel import cores, worth_forking
from .assets import INSTALL_HINT, mathjax_es5_dir
from .formulas import Formula, MathCache, Typeset

ENGINE = Path(__file__).with_name("tex_engine.js")
# Where the Makefile compiles MathJax's modules: inside the environment feedsite runs in.
COMPILED = Path(sys.prefix) / "share" / "feedsite" / "mathjax" / "es2020"
TIMEOUT = 60  # seconds MathJax may take to start, or to typeset one formula
WINDOW = 32  # requests in flight per engine: a few KB, far below a pipe's 64 KB
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
    """MathJax's own version, the digest of the engine script and which modules it
    runs: a change to any of them may change the output, so it invalidates the cache."""
    es5 = es5 or mathjax_es5_dir()
    script = hashlib.sha256(ENGINE.read_bytes()).hexdigest()[:12]
    modules = "es2020" if compiled_modules(es5) else "es5"
    return f"MathJax {_es5_version(es5) or 'unknown'} engine {script} {modules}"


def _es5_version(es5: Path) -> str | None:
    found = re.search(r'VERSION="([0-9.]+)"', (es5 / "startup.js").read_text(encoding="utf-8"))
    return found.group(1) if found else None


def compiled_modules(es5: Path, folder: Path = COMPILED) -> Path | None:
    """The compiled modules, if the Makefile finished compiling them (its stamp) and
    they are the MathJax whose fonts the site ships (es5/'s version); otherwise None,
    and the engine loads es5/ itself."""
    if not (folder.parent / ".built-stamp").is_file():
        return None
    try:
        version = (folder / "components" / "version.js").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"VERSION = '([0-9.]+)'", version)
    return folder if found and found.group(1) == _es5_version(es5) else None


def typeset_all(formulas: Iterable[Formula], cache: MathCache, prune: bool = True) -> MathCache:
    """Bring `cache` up to date with `formulas`, typesetting only the ones it lacks,
    and (with `prune`) drop the ones no longer used. Starts the engine only if there is work."""
    wanted = dict.fromkeys(formulas)
    version = engine_version()
    if cache.version != version:
        cache.version, cache.base, cache.font_base = version, (), ()
        cache.formulas.clear()
        cache.errors.clear()
    missing = [f for f in wanted if f not in cache.formulas]
    cache.reused = len(wanted) - len(missing)
    if missing or (wanted and not cache.base):
        engines = cores() if worth_forking(len(missing)) else 1
        lock = threading.Lock()

        def keep(formula: Formula, typeset: Typeset) -> None:
            # Each result goes into the cache as it comes: a store-backed cache writes
            # them out as it fills, so a big site's formulas are never all in memory.
            with lock:
                cache.formulas[formula] = typeset
                cache.errors[formula] = typeset.error

        cache.base, cache.font_base = _typeset_spread(missing, engines, keep)
    if prune:
        cache.formulas = {f: cache.formulas[f] for f in wanted}
    return cache


def _typeset_spread(formulas: list[Formula], engines: int,
                    keep: Callable[[Formula, Typeset], None]) -> tuple[tuple, tuple]:
    """Typeset in `engines` Node processes at once, one share each (every formula is
    typeset on its own, so the output does not depend on which engine did it); each
    result goes to `keep` as it comes. Returns the CSS every formula needs."""
    shares = [formulas[i::engines] for i in range(engines)]
    results: list = [None] * engines

    def work(i: int) -> None:
        try:
            with Engine() as engine:
                engine.typeset_many(shares[i], keep)
                results[i] = (engine.base, engine.font_base)
        except BuildFailed as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(1, engines)]
    for thread in threads:
        thread.start()
    work(0)
    for thread in threads:
        thread.join()
    for got in results:
        if isinstance(got, BuildFailed):
            raise got
    return results[0]


class Engine:
    """One Node process running tex_engine.js: start it, typeset, close it."""

    def __init__(self, compiled: bool = True):
        """Runs the compiled modules if the environment has them and `compiled` is
        true, else es5/'s components."""
        node = shutil.which("node") or shutil.which("nodejs")
        if node is None:
            raise _failed(f"Node.js is not installed; {NODE_HINT}")
        es5 = mathjax_es5_dir()
        modules = compiled_modules(es5) if compiled else None
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen([node, str(ENGINE), str(modules or "-"), str(es5)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                          text=True, encoding="utf-8", bufsize=1)
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

    def typeset_many(self, formulas: list[Formula],
                     keep: Callable[[Formula, Typeset], None] | None = None) -> list[Typeset]:
        """Requests go out WINDOW ahead of the answers: the engine never waits for Python
        between formulas (which matters on a busy machine), and never holds more than a
        window of input. Sent all at once, a big site's requests let Node read on while
        its answers queued unsent behind a full pipe: 40 s stalls, then a burst."""
        requests = [json.dumps({"tex": f.tex, "display": f.display}) + "\n" for f in formulas]
        self._send("".join(requests[:WINDOW]))
        out = []
        for i, formula in enumerate(formulas):
            done = self._result(formula, self._answer(f"typesetting {formula.tex[:60]!r}"))
            if keep is None:
                out.append(done)
            else:
                keep(formula, done)  # handed on, not held: `out` stays empty
            if i + WINDOW < len(requests):
                self._send(requests[i + WINDOW])
        return out

    def _send(self, lines: str) -> None:
        try:
            self._proc.stdin.write(lines)
            self._proc.stdin.flush()
        except (OSError, ValueError):
            pass  # the engine died (or was closed); _answer reports it with its stderr

    @staticmethod
    def _result(formula: Formula, got: dict) -> Typeset:
        if (got.get("error") or "").startswith("internal:"):
            raise _failed(f"MathJax failed on {formula.tex[:60]!r}: {got['error']}")
        # CSS rules repeat across formulas: one string each, not one per formula
        # (interned, 26,000 formulas hold tens of MB less).
        return Typeset(got["html"], got["mathml"], got["text"], tuple(map(sys.intern, got["wrappers"])),
                       tuple(map(sys.intern, got["font"])), got["error"] or "")

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
