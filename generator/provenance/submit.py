"""Git side of contributions: changed KB files, a branch with a commit, a push, a base checkout."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from generator.errors import GeneratorError
from generator.provenance.changes import repo_around
from generator.provenance.history import web_url_from_remote


@dataclass(frozen=True)
class Submission:
    """What ``kb submit`` did: the branch, its commit, the files, and where the PR can be opened."""

    branch: str
    base: str
    commit: str
    files: tuple[str, ...]
    pushed_to: str = ""
    pr_url: str = ""


def project_repo(folder: Path) -> git.Repo:
    """The Git repository that holds the KB folders."""
    return repo_around(folder, hint="clone the knowledge base with git before submitting")


def changed_files(repo: git.Repo, folders: Sequence[Path]) -> list[str]:
    """Paths (relative to the Git root) of new, modified or deleted files under the KB folders."""
    root = Path(repo.working_tree_dir or ".").resolve()
    specs = [str(Path(f).resolve().relative_to(root)) for f in folders if Path(f).resolve().is_relative_to(root)]
    if not specs:
        return []
    output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", *specs)
    return sorted({item[3:] for item in output.split("\0") if len(item) > 3})


def _current_branch(repo: git.Repo) -> str:
    try:
        return repo.active_branch.name
    except TypeError:
        return repo.head.commit.hexsha


def pr_url(repo: git.Repo, remote: str, base: str, branch: str) -> str:
    """The GitHub 'compare' URL that opens a pull request, or '' for other hosts."""
    try:
        web = web_url_from_remote(next(iter(repo.remote(remote).urls), ""))
    except (ValueError, StopIteration):
        return ""
    if not web.startswith("https://github.com/"):
        return ""
    return f"{web}/compare/{base}...{branch}?expand=1"


def commit_on_branch(repo: git.Repo, files: Sequence[str], branch: str, message: str) -> Submission:
    """Create the branch from HEAD, commit exactly these files, and stay on it."""
    if not re.match(r"^[A-Za-z0-9._/-]+$", branch) or ".." in branch:
        raise GeneratorError(f"invalid branch name {branch!r}")
    if branch in [h.name for h in repo.heads]:
        raise GeneratorError(f"branch {branch!r} already exists", hint="pass another --branch")
    base = _current_branch(repo)
    repo.git.checkout("-b", branch)
    try:
        repo.git.add("-A", "--", *files)
        repo.git.commit("-m", message, "--", *files)
    except git.GitCommandError as exc:
        repo.git.checkout(base)
        repo.git.branch("-D", branch)
        raise GeneratorError(f"git commit failed: {str(exc.stderr).strip()[-300:]}",
                             hint="set git's user.name and user.email") from None  # fmt: skip
    return Submission(branch, base, repo.head.commit.hexsha, tuple(files))


def push(repo: git.Repo, remote: str, branch: str) -> None:
    """Push the branch to the remote (setting its upstream)."""
    try:
        repo.git.push("--set-upstream", remote, f"{branch}:{branch}")
    except git.GitCommandError as exc:
        raise GeneratorError(f"cannot push to {remote}: {str(exc.stderr).strip()[-300:]}") from None


def merge_base(repo: git.Repo, rev: str, head: str = "HEAD") -> str:
    """The commit where ``head`` forked from ``rev``: what a pull request is compared with, so
    commits that landed on the base branch after the fork are not taken for the PR's changes."""
    if not rev or rev.startswith("-"):
        raise GeneratorError(f"unknown revision {rev!r}", hint="fetch the base branch first")
    try:
        return str(repo.git.merge_base("--end-of-options", rev, head)).strip()
    except git.GitCommandError:
        raise GeneratorError(f"no common ancestor of {rev!r} and {head}",
                             hint="fetch the base branch with its history (fetch-depth: 0)") from None  # fmt: skip


@contextlib.contextmanager
def checkout_at(repo: git.Repo, rev: str) -> Iterator[Path]:
    """A temporary worktree of the repository at a revision (removed afterwards)."""
    try:
        sha = repo.git.rev_parse("--verify", f"{rev}^{{commit}}")
    except git.GitCommandError:
        raise GeneratorError(f"unknown revision {rev!r}", hint="fetch the base branch first") from None
    folder = Path(tempfile.mkdtemp(prefix="kb-base-"))
    target = folder / "tree"
    repo.git.worktree("add", "--detach", str(target), sha)
    try:
        yield target
    finally:
        with contextlib.suppress(git.GitCommandError):
            repo.git.worktree("remove", "--force", str(target))
        shutil.rmtree(folder, ignore_errors=True)
