"""Real filesystem faults for the CLI tests: an immutable flag, a small or read-only
tmpfs, a process without the capability to override permissions, a file-size limit.

Each injector skips the test, with the reason, where this machine cannot inject it.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

FEEDSITE = [sys.executable, "-m", "feedsite"]


def run(cwd: Path, *args: str, prefix: tuple[str, ...] = (), fsize: int | None = None
        ) -> subprocess.CompletedProcess:
    """`feedsite ARGS` in `cwd`; `fsize` caps every file it writes (RLIMIT_FSIZE, so EFBIG)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([*prefix, *FEEDSITE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env, preexec_fn=limit if fsize else None)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, dot-files included, as bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def one_error(result: subprocess.CompletedProcess, where: str, cause: str) -> str:
    """Exit 1, no traceback, and exactly one `error:` line, naming `where` and `cause`."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr  # the one line, and nothing else
    line = errors[0]
    assert line.startswith(where) and ": error: " in line and cause in line, (line, where, cause)
    return line


def beside(target: Path) -> set[str]:
    """What sits beside `target` under its name: helpers a build may have left."""
    return {p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")}


def _root() -> bool:
    return os.geteuid() == 0


@contextmanager
def immutable(*paths: Path):
    """`chattr +i` on each path (as root, chmod stops nothing), undone afterwards."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = []
    try:
        for path in paths:
            proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if proc.returncode:
                pytest.skip(f"chattr +i does not work here: {proc.stderr.strip()}")
            done.append(path)
        yield
    finally:
        for path in reversed(done):
            subprocess.run(["chattr", "-i", str(path)], check=True)


@contextmanager
def tmpfs(mountpoint: Path, size: int):
    """A tmpfs of `size` bytes at `mountpoint`: a disk that fills up (ENOSPC)."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or 'mount failed'}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=True)


def read_only(mountpoint: Path) -> None:
    """Remount a tmpfs from `tmpfs` read-only (EROFS)."""
    proc = subprocess.run(["mount", "-o", "remount,ro", str(mountpoint)], capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot remount read-only here: {proc.stderr.strip()}")


def fill(mountpoint: Path) -> None:
    """Write a filler file until the file system has no block left."""
    with open(mountpoint / "filler", "wb", buffering=0) as f:  # unbuffered: close cannot fail
        for chunk in (1 << 16, 512):  # then the last few blocks
            try:
                while f.write(b"\0" * chunk):
                    pass
            except OSError:
                pass


def no_permission_override() -> tuple[str, ...]:
    """A command prefix under which mode bits hold (EACCES): as root, drop the capabilities
    that override them; as anyone else, chmod alone is enough."""
    if not _root():
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("root overrides permissions and setpriv (to drop that) is not installed")
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.strip()}")
    return prefix


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
