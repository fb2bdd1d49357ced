"""The note naming a lock's holder lives in the shared temporary folder, so it is written as
securely as a file there must be (SECURITY-CASES: lock-owner note): never through a link another
user planted, never into a folder someone else owns or can write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from generator.ck import lock
from generator.ck.lock import RepoLock
from generator.ck.store import Repo


@pytest.fixture
def shared_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for /tmp (``tempfile.gettempdir()`` answers it)."""
    folder = tmp_path / "tmp"
    folder.mkdir(mode=0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_link_planted_where_the_note_goes_is_not_followed(shared_tmp: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    note = lock._owner_file(lock.lock_path(repo.path))
    assert note is not None and note.is_relative_to(shared_tmp)
    note.parent.mkdir(parents=True, exist_ok=True)
    note.symlink_to(victim)
    with RepoLock(repo.path):
        pass
    assert victim.read_text() == "precious\n"


@pytest.mark.parametrize("planted", ["link", "open-folder"])
def test_a_notes_folder_someone_else_could_write_is_not_used(planted: str, shared_tmp: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o777)
    folder = shared_tmp / f"kb-lock-owners-{os.getuid()}"
    if planted == "link":
        folder.symlink_to(elsewhere)
    else:
        folder.mkdir()
        folder.chmod(0o777)
    with RepoLock(repo.path):
        pass
    assert list(elsewhere.iterdir()) == [] and (planted == "link" or list(folder.iterdir()) == [])
    assert lock._read_owner(lock.lock_path(repo.path)) == ""


def test_the_holder_is_noted_in_a_private_folder(shared_tmp: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    with RepoLock(repo.path):
        assert lock._read_owner(lock.lock_path(repo.path)).startswith(f"pid {os.getpid()} ")
    folder = shared_tmp / f"kb-lock-owners-{os.getuid()}"
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
