"""Writing a file: the bytes as given, UTF-8 for text with its newlines untouched, and a
failure that names the file a person knows."""
from __future__ import annotations

import errno
import os

import pytest

from feedsite.files import write_atomic, write_file


def test_text_is_written_as_utf8_with_its_newlines_and_bytes_as_given(tmp_path):
    write_file(tmp_path / "a.md", "标题\r\n正文\n\\(x\\)")
    write_file(tmp_path / "b.bin", bytes(range(256)) * 300)  # more than one write may take
    assert (tmp_path / "a.md").read_bytes() == "标题\r\n正文\n\\(x\\)".encode()
    assert (tmp_path / "b.bin").read_bytes() == bytes(range(256)) * 300
    write_file(tmp_path / "a.md", "短")  # a shorter text leaves nothing of the longer one
    assert (tmp_path / "a.md").read_bytes() == "短".encode()
    assert os.stat(tmp_path / "a.md").st_mode & 0o777 == 0o666 & ~_umask()


def test_a_failure_names_the_file_and_an_atomic_write_leaves_the_old_one_whole(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as caught:
        write_atomic(target, "new")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]

    monkeypatch.setattr(os, "write", lambda fd, data: 0)  # a device that takes nothing
    with pytest.raises(OSError) as caught:
        write_file(tmp_path / "x", "data", named=tmp_path / "shown")
    assert caught.value.errno == errno.EIO and caught.value.filename == str(tmp_path / "shown")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
