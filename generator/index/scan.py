"""Cheap change detection: list every entry folder of the repositories with a stat signature.

A signature is built from sizes and modification times of an entry's ``.cm/*.json`` files and
README, so an unchanged KB costs a few stat calls per entry; only entries whose signature moved
are hashed (``documents.content_hash``) and, if their content really changed, re-indexed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.ck import layout
from generator.ck.store import Repo
from generator.index.documents import README_NAMES, doc_key

_README = frozenset(README_NAMES)


@dataclass(frozen=True)
class FolderState:
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


def _signature(entry_dir: str) -> str | None:
    parts: list[str] = []
    try:
        with os.scandir(os.path.join(entry_dir, layout.CM)) as cm:
            for item in cm:
                if item.name.endswith(".json"):
                    st = item.stat(follow_symlinks=False)
                    parts.append(f"{item.name}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    parts.sort()
    for name in README_NAMES:
        try:
            st = os.stat(os.path.join(entry_dir, name), follow_symlinks=False)
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def scan_repo(repo: Repo) -> list[FolderState]:
    """Every entry folder of one repository with its signature."""
    found: list[FolderState] = []
    for module in repo.module_names():
        module_dir = os.path.join(repo.path, module)
        try:
            names = sorted(os.listdir(module_dir))
        except OSError:
            continue
        for name in names:
            if not layout.is_entry_candidate(name):
                continue
            signature = _signature(os.path.join(module_dir, name))
            if signature is None:
                continue
            found.append(FolderState(doc_key(repo.info.alias, module, name), repo.path, repo.info.alias,
                                     module, name, signature))  # fmt: skip
    return found


def scan_repos(repos: Sequence[Repo]) -> dict[str, FolderState]:
    """Every entry folder of several repositories, keyed by ``repo:module:folder``."""
    states: dict[str, FolderState] = {}
    for repo in repos:
        for state in scan_repo(repo):
            states.setdefault(state.key, state)
    return states
