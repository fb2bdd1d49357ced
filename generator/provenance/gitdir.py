"""Where a folder's Git work tree and Git directory are, read from the files (no process, no GitPython).

Used on hot paths: ``kb validate --changed-since`` finds the checkout to diff, and ``kb search``'s
quick freshness check reads the checked-out commit, both before any Git command could answer.
"""

from __future__ import annotations

from pathlib import Path


def read_text(path: Path) -> str:
    """A small Git file's stripped text, '' when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def find_git(folder: Path) -> tuple[Path, Path] | None:
    """(work tree, Git directory) of the nearest checkout holding ``folder``, None outside Git.

    A ``.git`` file (linked work tree, submodule) points at its Git directory with ``gitdir:``.
    """
    start = folder.resolve()
    for parent in (start, *start.parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return parent, dot_git
        if dot_git.is_file():
            text = read_text(dot_git)
            return (parent, parent / text.split(":", 1)[1].strip()) if text.startswith("gitdir:") else None
    return None
