"""A submission branch made from its base without touching the user's other work.

``kb submit`` commits each entry separately on a new branch that starts at the *base* (the branch
the user works on, or — when they are still on an earlier ``kb/`` branch — that branch's base), so
submissions never stack. The commits are built in a temporary index (the user's index and files are
left alone until the commits exist); only then does the checkout move to the new branch. The base
is remembered in ``branch.<name>.kbSubmitBase`` so a later run can tell a pending, unpushed branch.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from generator.errors import GeneratorError, UsageError

BASE_KEY = "kbSubmitBase"
BRANCH_NAME = re.compile(r"^(?!.*\.\.)(?!.*//)(?!/)(?!.*/$)(?!.*\.lock$)[A-Za-z0-9._/+-]+$")


@dataclass(frozen=True)
class Commit:
    """One commit to make: its message and the files (relative to the Git root) it records."""

    message: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Base:
    """Where a submission branch starts: a branch name (or commit) and its commit."""

    name: str
    sha: str


def current_branch(repo: git.Repo) -> str:
    """The checked-out branch, or '' on a detached HEAD."""
    try:
        return repo.active_branch.name
    except TypeError:
        return ""


def submission_base(repo: git.Repo) -> Base:
    """The base of a new submission: the current branch, or the base an earlier ``kb submit``
    recorded for the ``kb/`` branch the user is still on."""
    branch = current_branch(repo)
    recorded = _config(repo, f"branch.{branch}.{BASE_KEY}") if branch else ""
    name = recorded or branch or repo.head.commit.hexsha
    try:
        return Base(name, repo.git.rev_parse("--verify", "--end-of-options", f"{name}^{{commit}}"))
    except git.GitCommandError:
        return Base(branch or repo.head.commit.hexsha, repo.head.commit.hexsha)


def _config(repo: git.Repo, key: str) -> str:
    try:
        return str(repo.git.config("--get", key)).strip()
    except git.GitCommandError:
        return ""


def check_branch_name(repo: git.Repo, branch: str) -> None:
    """A usage error unless ``branch`` is a new, well-formed branch name."""
    if not BRANCH_NAME.match(branch):
        raise UsageError(f"invalid branch name {branch!r}", hint="use letters, digits and . _ - / +")
    if branch in [h.name for h in repo.heads]:
        raise UsageError(f"branch {branch!r} already exists", hint="pass another --branch")


def _stage(repo: git.Repo, files: Sequence[str], env: dict[str, str]) -> None:
    root = Path(repo.working_tree_dir or ".")
    present = [f for f in files if (root / f).exists() or (root / f).is_symlink()]
    gone = [f for f in files if f not in present]
    if present:
        repo.git.add("-A", "--", *present, env=env)
    if gone:
        repo.git.rm("--cached", "--quiet", "--ignore-unmatch", "-r", "--", *gone, env=env)


def build_commits(repo: git.Repo, base: Base, commits: Sequence[Commit]) -> list[str]:
    """Make the commits one after the other on top of ``base`` in a temporary index; returns the
    new commit ids (a commit that would change nothing is skipped). No ref or file is touched."""
    made: list[str] = []
    parent = base.sha
    handle, index = tempfile.mkstemp(prefix="kb-submit-index-")
    os.close(handle)
    os.unlink(index)  # git creates it; an empty file would be a corrupt index
    env = {"GIT_INDEX_FILE": index}
    try:
        repo.git.read_tree(base.sha, env=env)
        for commit in commits:
            _stage(repo, commit.files, env)
            tree = repo.git.write_tree(env=env)
            if tree == repo.git.rev_parse(f"{parent}^{{tree}}"):
                continue
            parent = repo.git.commit_tree(tree, "-p", parent, "-m", commit.message)
            made.append(parent)
    except git.GitCommandError as exc:
        raise GeneratorError(f"git commit failed: {str(exc.stderr).strip()[-300:]}",
                             hint="set git's user.name and user.email") from None  # fmt: skip
    finally:
        if os.path.exists(index):
            os.unlink(index)
    return made


def _restore_to(repo: git.Repo, rev: str, files: Sequence[str]) -> None:
    """Put these working-tree files back as they are at ``rev`` (deleted when absent there)."""
    root = Path(repo.working_tree_dir or ".")
    tracked = set(repo.git.ls_tree("-r", "--name-only", "-z", rev, "--", *files).split("\0")) - {""}
    for name in files:
        if name not in tracked and (root / name).is_file():
            (root / name).unlink()
    if tracked:
        repo.git.checkout(rev, "--", *sorted(tracked))


def switch_to_new_branch(repo: git.Repo, branch: str, tip: str, base: Base, files: Sequence[str]) -> None:
    """Create ``branch`` at ``tip`` and check it out; the submitted ``files`` already hold its
    content in the working tree, every other local change is kept."""
    repo.git.update_ref(f"refs/heads/{branch}", tip, "")
    head = repo.head.commit.hexsha
    if head == base.sha:  # the usual case: files on disk already are the new branch plus local edits
        repo.git.symbolic_ref("HEAD", f"refs/heads/{branch}")
        repo.git.reset("--quiet", "--", *files)
    else:  # on an earlier kb/ branch: leave its entries there, the new branch starts from the base
        _restore_to(repo, head, files)
        try:
            repo.git.checkout("--quiet", branch)
        except git.GitCommandError as exc:
            _restore_to(repo, branch, files)
            repo.git.branch("-D", branch)
            why = str(exc.stderr).strip()[-300:]
            hint = "commit or stash your other local changes and submit again"
            raise GeneratorError(f"cannot switch to the new branch {branch}: {why}", hint=hint) from None
    repo.git.config(f"branch.{branch}.{BASE_KEY}", base.name)


@dataclass(frozen=True)
class Pending:
    """A ``kb submit`` branch that is checked out and not yet on the remote."""

    branch: str
    base: str
    tip: str
    subjects: tuple[str, ...]  # its commits' subject lines, oldest first


def submitted_paths(repo: git.Repo) -> tuple[str, str, list[str]]:
    """On a ``kb submit`` branch: its name, tip and the files its commits changed since its base
    (relative to the Git root); ('', '', []) on any other branch."""
    branch = current_branch(repo)
    base = _config(repo, f"branch.{branch}.{BASE_KEY}") if branch else ""
    if not base:
        return "", "", []
    tip = repo.head.commit.hexsha
    try:
        return branch, tip, repo.git.diff("--name-only", "--no-renames", "-z", f"{base}...{tip}").split("\0")[:-1]
    except git.GitCommandError:
        return branch, tip, []


def advance_branch(repo: git.Repo, branch: str, tip: str, files: Sequence[str]) -> None:
    """Move the checked-out ``branch`` to ``tip`` (follow-up commits on top of it); the files
    already hold the new content, the index learns it."""
    repo.git.update_ref(f"refs/heads/{branch}", tip, repo.head.commit.hexsha)
    repo.git.reset("--quiet", "--", *files)


def pending_branch(repo: git.Repo, remote: str) -> Pending | None:
    """The checked-out ``kb submit`` branch when ``remote`` (or, without one, its upstream) does
    not have its tip yet."""
    branch = current_branch(repo)
    base = _config(repo, f"branch.{branch}.{BASE_KEY}") if branch else ""
    if not base:
        return None
    tip = repo.head.commit.hexsha
    remote = remote or _config(repo, f"branch.{branch}.remote")
    if remote:
        try:
            if repo.git.rev_parse("--verify", "--quiet", f"refs/remotes/{remote}/{branch}") == tip:
                return None
        except git.GitCommandError:
            pass
    try:
        subjects = repo.git.log("--reverse", "--format=%s", f"{base}..{tip}").splitlines()
    except git.GitCommandError:
        subjects = []
    return Pending(branch, base, tip, tuple(subjects))
