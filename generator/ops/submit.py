"""``kb submit``: validate what changed, commit each entry on a fresh branch from the base, push it.

Every outcome is reported as it is: what was committed (entries, never alias files), whether the
push happened, and what to do next. A push that fails leaves the branch checked out and marked
pending, so running ``kb submit --remote R`` again pushes it instead of saying "nothing to submit".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck.resolve import Workspace
from generator.diagnostics import Report
from generator.errors import GeneratorError
from generator.ops.check import validate_changed
from generator.ops.submit_groups import EntryFiles, Grouping, group_by_entry
from generator.provenance.branching import (
    Base,
    Commit,
    advance_branch,
    build_commits,
    check_branch_name,
    pending_branch,
    submission_base,
    submitted_paths,
    switch_to_new_branch,
)
from generator.provenance.submit import GitRepo, changed_files, file_at, pr_url, project_repo, push


@dataclass(frozen=True)
class Submission:
    """What ``kb submit`` did: the branch, its base, commits, entries, and the push."""

    branch: str
    base: str
    commit: str
    entries: tuple[str, ...]  # one line per entry: 'Add demo:result:x', 'Rename …'
    files: tuple[str, ...] = ()
    commits: int = 0
    remote: str = ""
    pushed: bool = False
    push_error: str = ""
    pr_url: str = ""
    resumed: bool = False  # nothing new: an earlier, unpushed branch was pushed
    followup: bool = False  # the changes fix entries of the kb/ branch checked out: committed on it
    other_files: tuple[str, ...] = field(default=())


class SubmissionRefused(GeneratorError):
    """Changed entries have validation errors; the report says which."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"validation found errors in the changed entries ({report.summary()})",
                         hint="fix them (kb validate --changed-since HEAD) and submit again")  # fmt: skip
        self.report = report


def commit_message(group: EntryFiles) -> str:
    """One entry's commit: its subject line, then the files it changes."""
    return f"{group.subject}\n\n" + "".join(f"- {name}\n" for name in group.files[:200])


def _commits(grouping: Grouping, message: str) -> list[Commit]:
    commits = [Commit(commit_message(g), tuple(g.files)) for g in grouping.entries]
    if grouping.other:
        subject = "Update repository and module files"
        commits.append(Commit(f"{subject}\n\n" + "".join(f"- {n}\n" for n in grouping.other), tuple(grouping.other)))
    if message:  # the contributor's own message: one commit for everything
        files = tuple(f for c in commits for f in c.files)
        listing = "".join(f"- {g.subject}\n" for g in grouping.entries)
        commits = [Commit(f"{message.rstrip()}\n\n{listing}" if listing else message, files)]
    return commits


def default_branch(grouping: Grouping) -> str:
    """``kb/<first entry>-<UTC time>`` (plus '-and-N-more' for several entries)."""
    first = grouping.entries[0].name if grouping.entries else "update"
    more = f"-and-{len(grouping.entries) - 1}-more" if len(grouping.entries) > 1 else ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", first).strip(".-")[:40] or "update"
    return f"kb/{stem}{more}-{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%d-%H%M%S')}"


def _push(repo: GitRepo, remote: str, done: Submission) -> Submission:
    error = push(repo, remote, done.branch)
    url = "" if error else pr_url(repo, remote, done.base, done.branch)
    return Submission(**{**done.__dict__, "remote": remote, "pushed": not error, "push_error": error, "pr_url": url})


def _resume(repo: GitRepo, remote: str) -> Submission | None:
    """The pending branch of an earlier run (pushed now when a remote is given), or None."""
    pending = pending_branch(repo, remote)
    if pending is None:
        return None
    done = Submission(pending.branch, pending.base, pending.tip, pending.subjects, commits=len(pending.subjects),
                      resumed=True)  # fmt: skip
    return _push(repo, remote, done) if remote else done


def _followup(repo: GitRepo, grouping: Grouping) -> Base | None:
    """The checked-out kb/ branch (at its tip) when the changes touch an entry it already holds."""
    branch, tip, paths = submitted_paths(repo)
    folders = tuple(f"{g.module_dir}/{n}/" for g in grouping.entries for n in (g.name, g.old_name) if n)
    return Base(branch, tip) if folders and any(p.startswith(folders) for p in paths) else None


def submit(workspace: Workspace, cwd: Path, *, remote: str = "", branch: str = "", message: str = "") -> Submission:
    """Check the changed entries, commit each on a new branch from the base, push when asked."""
    repo = project_repo(workspace.repos[0].path if workspace.repos else cwd)  # the checkout holding the KB
    states = changed_files(repo, [r.path for r in workspace.repos])
    if not states:
        resumed = _resume(repo, remote)
        if resumed is not None:
            return resumed
        raise GeneratorError("nothing to submit: no new or changed files in the knowledge base",
                             hint="add an entry first (kb new, kb run or kb import)")  # fmt: skip
    report = validate_changed(workspace, "HEAD", cwd)
    if report.failed():
        raise SubmissionRefused(report)
    root = Path(repo.working_tree_dir or cwd)
    grouping = group_by_entry(workspace, root, states, lambda path: file_at(repo, "HEAD", path))
    followup = _followup(repo, grouping)
    if followup is not None:  # fixes to entries this kb/ branch holds: they belong on it, not on a new PR
        base, name = followup, followup.name
    else:
        name = branch or default_branch(grouping)
        check_branch_name(repo, name)
        base = submission_base(repo)
    made = build_commits(repo, base, _commits(grouping, message))
    if not made:
        raise GeneratorError("nothing to submit: the changed files are the same as on " + base.name)
    if followup is not None:
        advance_branch(repo, name, made[-1], list(states))
    else:
        switch_to_new_branch(repo, name, made[-1], base, list(states))
    subjects = tuple(g.subject for g in grouping.entries)
    done = Submission(name, submission_base(repo).name, made[-1], subjects, tuple(states), len(made),
                      other_files=tuple(grouping.other), followup=followup is not None)  # fmt: skip
    return _push(repo, remote, done) if remote else done
