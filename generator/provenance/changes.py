"""Files changed since a Git revision (committed, staged, unstaged and untracked): what a PR touched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import git

from generator.errors import GeneratorError, UsageError


def repo_around(folder: Path, hint: str = "--changed-since needs a Git checkout") -> git.Repo:
    """The Git repository that contains a folder, or a clear error when there is none."""
    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GeneratorError("not inside a Git repository", path=folder, hint=hint) from None


def _pathspecs(root: Path, limit_to: Sequence[Path]) -> list[str]:
    specs = []
    for folder in limit_to:
        try:
            specs.append(folder.resolve().relative_to(root).as_posix() or ".")
        except ValueError:
            continue
    return ["--", *specs] if specs else []


def changed_files(folder: Path, since: str, limit_to: Sequence[Path] = ()) -> list[Path]:
    """Absolute paths changed between ``since`` and the working tree (deletions and both sides of renames).

    Committed changes come from a tree-to-tree diff (no file is touched); staged, unstaged and
    untracked ones from ONE ``git status`` walk limited to the KB folders. A new untracked folder
    is listed once (``folder/``), not file by file: callers expand folders themselves. Together that is what
    ``git diff since`` plus the untracked files would list, in one pass over the working tree.
    """
    repo = repo_around(folder)
    try:
        base = repo.commit(since).hexsha
    except (git.BadName, ValueError, git.GitCommandError):
        raise UsageError(f"unknown Git revision {since!r}",
                         hint="give a branch, tag or commit, e.g. origin/main or HEAD~1") from None  # fmt: skip
    root = Path(repo.working_tree_dir or folder).resolve()
    specs = _pathspecs(root, limit_to)
    try:
        head = repo.head.commit.hexsha if repo.head.is_valid() else base
        committed = repo.git.diff("--name-only", "--no-renames", "-z", base, head, *specs) if head != base else ""
        # --no-optional-locks: a read-only check must not rewrite (or lock) the index of the checkout
        status = repo.git.execute(["git", "--no-optional-locks", "status", "--porcelain", "-z",
                                   "--untracked-files=normal", "--no-renames", *specs])  # fmt: skip
    except git.GitCommandError as exc:
        raise GeneratorError(f"git failed: {str(exc.stderr).strip() or exc}", path=root) from None
    names = {n for n in committed.split("\0") if n}
    names |= {record[3:] for record in status.split("\0") if len(record) > 3}
    return sorted(root / name for name in names)


def changed_files_in(folders: Sequence[Path], since: str) -> list[Path]:
    """Changed files under each folder; folders in the same Git checkout share one pass."""
    groups: dict[Path, list[Path]] = {}
    for folder in folders:
        root = Path(repo_around(folder).working_tree_dir or folder).resolve()
        groups.setdefault(root, []).append(folder)
    found: set[Path] = set()
    for members in groups.values():
        found.update(changed_files(members[0], since, members))
    return sorted(found)
