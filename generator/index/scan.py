"""Cheap change detection: list every entry folder of the repositories with a stat signature.

The signature of an entry is the modification time of its folder and of its ``.cm`` folder (both
move whenever a file is created, deleted or atomically replaced in them: kb's writes, git
checkouts, a new README), plus size and time of ``.cm/meta.json`` (CK rewrites it in place):
three ``stat`` calls per entry relative to an open module folder, no file reads. Only entries
whose signature moved are hashed (``documents.content_hash``) and re-indexed if their content
really changed. An in-place edit of ``info.json``, ``desc.json`` or ``README.md`` alone is seen
at the entry's next change, or at once with ``kb search --reindex``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from stat import S_ISDIR
from typing import NamedTuple

from generator.ck import layout
from generator.ck.store import Repo

_SKIP = layout.SPECIAL_DIRS
SCAN_THREADS = 4


class FolderState(NamedTuple):
    """One entry folder as found on disk: where it is and its stat signature."""

    key: str
    repo_path: Path
    repo: str
    module: str
    folder: str
    signature: str

    @property
    def path(self) -> Path:
        """The entry folder."""
        return self.repo_path / self.module / self.folder


def signature(name: str, module_fd: int) -> str | None:
    """The stat signature of entry folder ``name`` (relative to its module folder), or None if not an entry."""
    lstat = os.lstat
    try:  # lstat: a linked entry folder or .cm is no entry (kb validate reports it)
        folder = lstat(name, dir_fd=module_fd)
        cm = lstat(name + "/.cm", dir_fd=module_fd)
    except OSError:
        return None
    if not (S_ISDIR(folder.st_mode) and S_ISDIR(cm.st_mode)):
        return None
    try:
        meta = lstat(name + "/.cm/meta.json", dir_fd=module_fd)
    except OSError:
        return f"{folder.st_mtime_ns}:{cm.st_mtime_ns}:-"
    return f"{folder.st_mtime_ns}:{cm.st_mtime_ns}:{meta.st_size}.{meta.st_mtime_ns}"


def scan_digest(states: dict[str, FolderState]) -> str:
    """One hash of every key and signature: equal digests mean nothing changed since the last scan."""
    text = "\n".join(f"{key}\t{state.signature}" for key, state in states.items())
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def scan_module(repo: Repo, module: str) -> list[FolderState]:
    """Every entry folder of one module of a repository, with its signature."""
    alias, root = repo.info.alias, repo.path
    try:
        module_fd = os.open(root / module, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return []
    found: list[FolderState] = []
    try:
        prefix = f"{alias}:{module}:"
        for name in sorted(os.listdir(module_fd)):
            if name[0] == "." or name in _SKIP:
                continue
            sig = signature(name, module_fd)
            if sig is not None:
                found.append(FolderState(prefix + name, root, alias, module, name, sig))
    finally:
        os.close(module_fd)
    return found


def scan_repos(repos: Sequence[Repo]) -> dict[str, FolderState]:
    """Every entry folder of several repositories, keyed by ``repo:module:folder``.

    Modules are scanned by a few threads: ``stat`` releases the GIL, so waits on a busy disk
    overlap (about a quarter faster on a loaded machine).
    """
    from concurrent.futures import ThreadPoolExecutor  # here: the quick query path never scans

    tasks = [(repo, module) for repo in repos for module in repo.module_names()]
    with ThreadPoolExecutor(max_workers=SCAN_THREADS) as pool:
        parts = list(pool.map(lambda task: scan_module(*task), tasks))
    states: dict[str, FolderState] = {}
    for part in parts:
        for state in part:
            states.setdefault(state.key, state)
    return states
