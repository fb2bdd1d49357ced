"""Files changed since a Git revision (committed, staged, unstaged and untracked): what a PR touched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import git

from generator.errors import GeneratorError, UsageError


def _repo_around(folder: Path) -> git.Repo:
    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GeneratorError("not inside a Git repository", path=folder,
                             hint="--changed-since needs a Git checkout") from None  # fmt: skip


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

    Two plain Git commands (``diff --name-only`` and ``ls-files --others``), limited to the KB
    folders, instead of GitPython's Diff objects: a 10,000-entry checkout answers in milliseconds.
    """
    repo = _repo_around(folder)
    try:
        base = repo.commit(since).hexsha
    except (git.BadName, ValueError, git.GitCommandError):
        raise UsageError(f"unknown Git revision {since!r}",
                         hint="give a branch, tag or commit, e.g. origin/main or HEAD~1") from None  # fmt: skip
    root = Path(repo.working_tree_dir or folder).resolve()
    specs = _pathspecs(root, limit_to)
    try:
        changed = repo.git.diff("--name-only", "--no-renames", "-z", base, *specs)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", *specs)
    except git.GitCommandError as exc:
        raise GeneratorError(f"git failed: {str(exc.stderr).strip() or exc}", path=root) from None
    names = {n for n in (changed + "\0" + untracked).split("\0") if n}
    return sorted(root / name for name in names)
