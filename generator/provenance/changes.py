"""Files changed since a Git revision (committed, staged, unstaged and untracked): what a PR touched."""

from __future__ import annotations

from pathlib import Path

import git

from generator.errors import GeneratorError, UsageError


def _repo_around(folder: Path) -> git.Repo:
    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GeneratorError("not inside a Git repository", path=folder,
                             hint="--changed-since needs a Git checkout") from None  # fmt: skip


def changed_files(folder: Path, since: str) -> list[Path]:
    """Absolute paths changed between ``since`` and the working tree, deletions and renames included."""
    repo = _repo_around(folder)
    try:
        base = repo.commit(since)
    except (git.BadName, ValueError, git.GitCommandError):
        raise UsageError(f"unknown Git revision {since!r}",
                         hint="give a branch, tag or commit, e.g. origin/main or HEAD~1") from None  # fmt: skip
    root = Path(repo.working_tree_dir or folder).resolve()
    names: set[str] = set()
    try:
        for diff in base.diff(None):  # committed since base + staged + unstaged, against the work tree
            names.update(p for p in (diff.a_path, diff.b_path) if p)
        names.update(repo.untracked_files)
    except git.GitCommandError as exc:
        raise GeneratorError(f"git diff failed: {exc.stderr.strip() or exc}", path=root) from None
    return sorted(root / name for name in names)
