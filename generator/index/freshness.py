"""A quick freshness check that costs a few ``stat`` calls per module, not per entry.

``kb search`` must answer in a fraction of the time CK takes to walk every entry, so before a query
it does not stat each entry folder (that scan, ``scan.scan_repos``, costs ~25 ms per 1,000 entries).
It compares a *quick signature* with the one saved after the last full scan:

* each repository folder and its ``.cm`` (modules added or removed, kb's intent journal);
* each module folder and its ``.cm`` (entries added, removed or renamed by any tool: the entry
  folder and its alias files are created or deleted there);
* the repository's ``.cm/kb.lock``, whose mtime every kb write moves (``ck.edits.stamp_write``),
  so ``kb update`` and every other kb write are seen at once;
* the index file of the Git work tree holding the repository, which ``git pull``, ``checkout``,
  ``merge`` and ``commit`` rewrite.

When it differs, the full scan runs before the query. What it cannot see (a file edited in place by
another tool, outside Git) is picked up by a full scan that ``kb search`` starts in the background
after answering (``revalidate.py``), so the next query sees it; ``kb search --fresh`` runs that scan
first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from generator.ck import layout
from generator.ck.lock import lock_path
from generator.ck.store import Repo


def _mtime(path: Path | str) -> str:
    try:
        return str(os.stat(path).st_mtime_ns)
    except OSError:
        return "-"


def git_index_file(folder: Path) -> Path | None:
    """The index file of the Git work tree that holds ``folder`` (None outside Git)."""
    for parent in (folder, *folder.parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return dot_git / "index"
        if dot_git.is_file():  # a linked work tree or submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                return (parent / text.split(":", 1)[1].strip()) / "index"
            return None
    return None


def repo_signature_parts(repo: Repo) -> list[str]:
    """The quick signature lines of one repository."""
    root = repo.path
    parts = [f"{root}\t{_mtime(root)}\t{_mtime(root / layout.CM)}\t{_mtime(lock_path(root))}"]
    git_index = git_index_file(root)
    if git_index is not None:
        parts.append(f"git\t{git_index}\t{_mtime(git_index)}")
    for module in repo.module_names():
        folder = root / module
        parts.append(f"{module}\t{_mtime(folder)}\t{_mtime(folder / layout.CM)}")
    return parts


def quick_signature(repos: Sequence[Repo]) -> str:
    """One hash of every repository's quick signature (equal hashes: no structural change seen)."""
    text = "\n".join(part for repo in repos for part in repo_signature_parts(repo))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
