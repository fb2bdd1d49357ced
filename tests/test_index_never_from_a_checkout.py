"""The Whoosh index is opened only from the user's cache (issue #14, defect 9): Whoosh unpickles its
table of contents, so an index committed in a checkout must never be read, whether
``KB_CACHE_DIR`` is relative (the name the docs use for the sync cache) or points into a Git work
tree. The poisoned index here runs a command when unpickled; the test shows it never runs."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from generator.ck.store import Repo
from generator.errors import UsageError
from generator.index.cache import cache_root, check_index_folder, repo_set_id
from generator.index.kb_index import KbIndex
from generator.index.whoosh_engine import INDEX_NAME, build_schema


class _Payload:
    """Unpickling this runs a shell command (what a crafted index in a pull request would carry)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (self.command,)


def _git(checkout: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(checkout), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A project checkout with a KB repository and a poisoned index committed where a relative
    ``KB_CACHE_DIR=.kb-cache`` would look for it (a valid manifest and state, a crafted TOC)."""
    project = tmp_path / "checkout"
    repo = Repo.init(project / "kb" / "lab", "lab")
    repo.add("model", "resnet50", meta={"tags": ["model", "resnet"]})
    _git(project, "init", "-q")
    built = tmp_path / "elsewhere" / "index"
    KbIndex([repo], built).refresh()
    planted = project / ".kb-cache" / "index" / repo_set_id([repo.path])
    planted.parent.mkdir(parents=True)
    shutil.copytree(built, planted)
    storage = FileStorage(str(planted))
    generation = TOC._latest_generation(storage, INDEX_NAME)
    storage.delete_file(f"_{INDEX_NAME}_{generation}.toc")
    TOC(build_schema(), [_Payload(f"touch {tmp_path / 'pwned'}")], generation).write(storage, INDEX_NAME)
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "a pull request with an index")
    return project


def _search(checkout: Path, cache_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KB_CACHE_DIR": cache_dir, "XDG_CACHE_HOME": str(checkout.parent / "user-cache")}
    return subprocess.run([sys.executable, "-m", "generator", "-R", "kb/lab", "search", "resnet"], cwd=checkout,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_relative_kb_cache_dir_never_opens_the_index_a_checkout_carries(checkout: Path) -> None:
    done = _search(checkout, ".kb-cache")
    assert not (checkout.parent / "pwned").exists(), "the committed index was unpickled"
    assert done.returncode == 0 and "lab:model:resnet50" in done.stdout
    assert list((checkout.parent / "user-cache" / "reef-kb" / "index").iterdir())  # built in the user cache


def test_a_cache_dir_inside_a_git_work_tree_is_refused(checkout: Path) -> None:
    done = _search(checkout, str(checkout / ".kb-cache"))
    assert not (checkout.parent / "pwned").exists(), "the committed index was unpickled"
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "inside the Git work tree" in done.stderr


def test_the_planted_index_would_run_its_payload(checkout: Path, tmp_path: Path) -> None:
    """The control: opening the planted index directly does run the payload (so the tests above mean something)."""
    planted = next((checkout / ".kb-cache" / "index").iterdir())
    with contextlib.suppress(Exception):  # after running it, Whoosh finds os.system's int is no segment list
        FileStorage(str(planted)).open_index(INDEX_NAME, schema=build_schema()).close()
    assert (tmp_path / "pwned").exists()


def test_relative_cache_variables_are_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", "relative/cache")
    monkeypatch.setenv("XDG_CACHE_HOME", "also-relative")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == (tmp_path / ".cache" / "reef-kb").resolve()
    with pytest.raises(UsageError, match="relative"):
        check_index_folder(Path("relative/index"))
