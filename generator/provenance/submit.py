"""Git side of contributions: changed KB files, a branch with a commit, a push, a base checkout."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import git

from generator.errors import UsageError
from generator.provenance.changes import repo_around
from generator.provenance.history import web_url_from_remote

GitRepo = git.Repo  # for type hints above this layer, which never import GitPython itself


def project_repo(folder: Path) -> git.Repo:
    """The Git repository that holds the KB folders."""
    return repo_around(folder, hint="clone the knowledge base with git before submitting")


def changed_files(repo: git.Repo, folders: Sequence[Path]) -> dict[str, str]:
    """New, modified or deleted files under the KB folders (paths relative to the Git root) and
    how each changed against HEAD: 'added', 'modified' or 'deleted'."""
    root = Path(repo.working_tree_dir or ".").resolve()
    specs = [str(Path(f).resolve().relative_to(root)) for f in folders if Path(f).resolve().is_relative_to(root)]
    if not specs:
        return {}
    output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", *specs)
    states = {}
    for item in output.split("\0"):
        if len(item) > 3:
            code = item[:2]
            states[item[3:]] = "deleted" if "D" in code else "added" if code in ("??", "A ", "AM") else "modified"
    return dict(sorted(states.items()))


def file_at(repo: git.Repo, rev: str, path: str) -> bytes | None:
    """A file's bytes at a revision, or None when it is not there."""
    try:
        return repo.git.show(f"{rev}:{path}", stdout_as_string=False)  # type: ignore[no-any-return]
    except git.GitCommandError:
        return None


def pr_url(repo: git.Repo, remote: str, base: str, branch: str) -> str:
    """The GitHub 'compare' URL that opens a pull request, or '' for other hosts."""
    try:
        web = web_url_from_remote(next(iter(repo.remote(remote).urls), ""))
    except (ValueError, StopIteration):
        return ""
    if not web.startswith("https://github.com/"):
        return ""
    return f"{web}/compare/{base}...{branch}?expand=1"


def push(repo: git.Repo, remote: str, branch: str) -> str:
    """Push the branch to the remote (setting its upstream); '' on success, else why it failed."""
    if remote.startswith("-") or remote not in [r.name for r in repo.remotes]:
        return f"there is no Git remote named {remote!r} (git remote -v lists them)"
    try:
        repo.git.push("--set-upstream", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except git.GitCommandError as exc:
        return " ".join(str(exc.stderr).split())[-300:] or f"git push exited with {exc.status}"
    return ""


def merge_base(repo: git.Repo, rev: str, head: str = "HEAD") -> str:
    """The commit where ``head`` forked from ``rev``: what a pull request is compared with, so
    commits that landed on the base branch after the fork are not taken for the PR's changes."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"unknown revision {rev!r}", hint="give a branch, tag or commit, e.g. origin/main")
    try:
        repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except git.GitCommandError:
        raise UsageError(f"unknown revision {rev!r}", hint="fetch the base branch first (git fetch origin)") from None
    try:
        return str(repo.git.merge_base("--end-of-options", rev, head)).strip()
    except git.GitCommandError:
        raise UsageError(f"no common ancestor of {rev!r} and {head}",
                         hint="fetch the base branch with its history (fetch-depth: 0)") from None  # fmt: skip


@contextlib.contextmanager
def checkout_at(repo: git.Repo, rev: str) -> Iterator[Path]:
    """A temporary worktree of the repository at a revision (removed afterwards)."""
    try:
        sha = repo.git.rev_parse("--verify", f"{rev}^{{commit}}")
    except git.GitCommandError:
        raise UsageError(f"unknown revision {rev!r}", hint="fetch the base branch first") from None
    folder = Path(tempfile.mkdtemp(prefix="kb-base-"))
    target = folder / "tree"
    repo.git.worktree("add", "--detach", str(target), sha)
    try:
        yield target
    finally:
        with contextlib.suppress(git.GitCommandError):
            repo.git.worktree("remove", "--force", str(target))
        shutil.rmtree(folder, ignore_errors=True)
