"""Atomic writes: whole files only, with the permissions an ordinary write gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from layoutcheck.fsutil import atomic_write_bytes


def test_atomic_write_gives_the_mode_a_plain_write_gives(tmp_path: Path) -> None:
    # Regression: files came out 0o600 (the temporary file's mode), so a report or baseline
    # written by a CI job could not be read by the web server or the next job's user.
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.png", b"x")
        plain = tmp_path / "b.png"
        plain.write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.png").stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o644


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.bin"]
