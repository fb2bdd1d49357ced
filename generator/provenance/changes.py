"""Files changed since a Git revision (committed, staged, unstaged and untracked): what a PR touched.

``kb validate --changed-since`` runs in pre-commit hooks and on every pull request, so it must stay
well under a second on a 10,000-entry KB. It therefore asks the ``git`` command directly (GitPython's
import alone costs a tenth of that budget; the rest of this package still uses it) and starts both
of its walks at once: ``git diff BASE`` (every tracked file against the base commit: committed,
staged and unstaged changes in one pass) and one ``git ls-files --others`` per repository folder
(untracked files). The caller can do other work, such as importing the validator, while they run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import GeneratorError, UsageError
from generator.provenance.gitdir import find_git

if TYPE_CHECKING:
    import git

OUTSIDE_GIT_HINT = "--changed-since needs a Git checkout"


def repo_around(folder: Path, hint: str = OUTSIDE_GIT_HINT) -> git.Repo:
    """The Git repository that contains a folder, or a clear error when there is none."""
    import git

    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError("not inside a Git repository", path=folder, hint=hint) from None


def work_tree_of(folder: Path) -> Path:
    """The top folder of the Git work tree holding ``folder`` (the nearest parent with ``.git``)."""
    found = find_git(folder)
    if found is None:
        raise UsageError("not inside a Git repository", path=folder, hint=OUTSIDE_GIT_HINT)
    return found[0]


def _pathspecs(root: Path, limit_to: Sequence[Path]) -> list[str]:
    specs = []
    for folder in limit_to:
        try:
            specs.append(folder.resolve().relative_to(root).as_posix() or ".")
        except ValueError:
            continue
    return ["--", *specs] if specs else []


def _start_git(root: Path, *args: str) -> subprocess.Popen[bytes]:
    # --no-optional-locks: a read-only check must not rewrite (or lock) the index of the checkout
    return subprocess.Popen(["git", "--no-optional-locks", "-C", str(root), *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def _finish(process: subprocess.Popen[bytes], root: Path) -> str:
    out, err = process.communicate()
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip() or f"exit status {process.returncode}"
        raise GeneratorError(f"git failed: {message}", path=root)
    return out.decode("utf-8", "surrogateescape")


def _base_commit(root: Path, since: str) -> str:
    """The commit a revision names, or a usage error (revisions never start with '-': no option injection)."""
    if not since or since.startswith("-"):
        raise UsageError(f"unknown Git revision {since!r}", hint="give a branch, tag or commit, e.g. origin/main")
    found = _start_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}")
    out, _ = found.communicate()
    if found.returncode != 0:
        raise UsageError(f"unknown Git revision {since!r}",
                         hint="give a branch, tag or commit, e.g. origin/main or HEAD~1")  # fmt: skip
    return out.decode("ascii", "replace").strip()


class PendingChanges:
    """Git processes started for a changed-files question; ``paths()`` waits for their answers."""

    def __init__(self, running: list[tuple[Path, subprocess.Popen[bytes]]]) -> None:
        self._running = running

    def paths(self) -> list[Path]:
        """Absolute paths changed since the base (deletions included; a new untracked folder is
        listed once, as ``folder/``: callers expand folders themselves)."""
        found: set[Path] = set()
        try:
            for root, process in self._running:
                found.update(root / name for name in _finish(process, root).split("\0") if name)
        finally:
            self.cancel()
        return sorted(found)

    def cancel(self) -> None:
        """Stop whatever still runs (after an error elsewhere)."""
        for _, process in self._running:
            if process.poll() is None:
                process.kill()
                process.wait()


def start_changed_files(folders: Sequence[Path], since: str) -> PendingChanges:
    """Start the Git walks for the files changed under ``folders`` since ``since``; folders in one
    checkout share them, and every checkout's two walks run in parallel."""
    groups: dict[Path, list[Path]] = {}
    for folder in folders:
        groups.setdefault(work_tree_of(folder), []).append(folder)
    bases = {root: _base_commit(root, since) for root in groups}
    running = []
    for root, members in groups.items():
        specs = _pathspecs(root, members)
        running.append((root, _start_git(root, "diff", "--name-only", "--no-renames", "-z", bases[root], *specs)))
        for member in members:  # one untracked walk per repository: the walks are most of the time
            walk = ("ls-files", "--others", "--exclude-standard", "--directory", "-z", *_pathspecs(root, [member]))
            running.append((root, _start_git(root, *walk)))
    return PendingChanges(running)


def changed_files(folder: Path, since: str, limit_to: Sequence[Path] = ()) -> list[Path]:
    """Absolute paths changed between ``since`` and the working tree, under ``limit_to`` (default:
    ``folder``): committed, staged, unstaged and untracked, deletions included."""
    return start_changed_files(list(limit_to) or [folder], since).paths()


def changed_files_in(folders: Sequence[Path], since: str) -> list[Path]:
    """Changed files under each folder; folders in the same Git checkout share one pass."""
    return start_changed_files(folders, since).paths()
