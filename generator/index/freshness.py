"""A quick freshness check that costs a few ``stat`` calls per module, not per entry.

``kb search`` must answer in a fraction of the time CK takes to walk every entry, so before a query
it does not stat each entry folder (that scan, ``scan.scan_repos``, costs ~25 ms per 1,000 entries).
It compares a *quick signature* with the one saved after the last full scan:

* each repository folder and its ``.cm`` (modules added or removed, kb's intent journal);
* each module folder and its ``.cm`` (entries added, removed or renamed by any tool: the entry
  folder and its alias files are created or deleted there);
* the repository's ``.cm/kb.lock``, whose mtime every kb write moves (``ck.edits.stamp_write``),
  so ``kb update`` and every other kb write are seen at once;
* the commit checked out in the Git work tree holding the repository (read from ``.git/HEAD`` and
  the branch ref), which ``git pull``, ``checkout``, ``merge``, ``reset`` and ``commit`` move.

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
from generator.provenance.gitdir import find_git, read_text


def _mtime(path: Path | str) -> str:
    try:
        return str(os.stat(path).st_mtime_ns)
    except OSError:
        return "-"


def git_head(folder: Path) -> str:
    """The commit checked out around ``folder``, read from Git's files (no process; '' outside Git).

    It moves on commit, pull, merge, checkout and reset, not on ``git status`` or ``git add``, which
    rewrite the index file, so searches in a busy checkout do not keep re-scanning.
    """
    found = find_git(folder)
    if found is None:
        return ""
    git_dir = found[1]
    head = read_text(git_dir / "HEAD")
    if not head.startswith("ref:"):
        return head  # detached: the commit itself
    ref = head[4:].strip()
    common = git_dir / read_text(git_dir / "commondir") if (git_dir / "commondir").is_file() else git_dir
    for base in (git_dir, common):
        if (base / ref).is_file():
            return f"{ref} {read_text(base / ref)}"
    for line in read_text(common / "packed-refs").splitlines():
        if line.endswith(" " + ref):
            return f"{ref} {line.split(' ', 1)[0]}"
    return f"{ref} unborn"


def repo_signature_parts(repo: Repo) -> list[str]:
    """The quick signature lines of one repository."""
    root = repo.path
    parts = [f"{root}\t{_mtime(root)}\t{_mtime(root / layout.CM)}\t{_mtime(lock_path(root))}"]
    parts.append(f"git\t{git_head(root)}")
    for module in repo.module_names():
        folder = root / module
        parts.append(f"{module}\t{_mtime(folder)}\t{_mtime(folder / layout.CM)}")
    return parts


def quick_signature(repos: Sequence[Repo]) -> str:
    """One hash of every repository's quick signature (equal hashes: no structural change seen)."""
    text = "\n".join(part for repo in repos for part in repo_signature_parts(repo))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
