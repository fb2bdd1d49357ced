"""``kb submit``: validate what changed, put it on a new branch with a clear commit, push it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.ck.resolve import Workspace
from generator.diagnostics import Report
from generator.errors import GeneratorError
from generator.ops.check import validate_changed
from generator.provenance.submit import Submission, changed_files, commit_on_branch, pr_url, project_repo, push


class SubmissionRefused(GeneratorError):
    """Changed entries have validation errors; the report says which."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"validation found errors in the changed entries ({report.summary()})",
                         hint="fix them (kb validate --changed-since HEAD) and submit again")  # fmt: skip
        self.report = report


def _entry_keys(files: list[str]) -> list[str]:
    keys = []
    for name in files:
        parts = name.split("/")
        for index, part in enumerate(parts):
            if part == ".cm" and index >= 2:
                keys.append(f"{parts[index - 2]}:{parts[index - 1]}")
                break
    return sorted(set(keys))


def default_message(files: list[str]) -> str:
    """'Add result:x, platform:y' plus the file list, so reviewers see what a PR is about."""
    keys = _entry_keys(files)
    head = f"Add {', '.join(keys[:3])}" + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    body = "\n".join(f"- {name}" for name in files[:50])
    return f"{head if keys else 'Update knowledge base files'}\n\n{body}\n"


def default_branch(files: list[str]) -> str:
    """``kb/<first entry>-<UTC timestamp>``."""
    keys = _entry_keys(files)
    first = re.sub(r"[^A-Za-z0-9._-]+", "-", keys[0].split(":")[1] if keys else "update")[:40]
    return f"kb/{first}-{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%d-%H%M%S')}"


def submit(workspace: Workspace, cwd: Path, *, remote: str = "", branch: str = "", message: str = "") -> Submission:
    """Check the changed entries, commit them on a new branch, push when a remote is named."""
    repo = project_repo(cwd)
    files = changed_files(repo, [r.path for r in workspace.repos])
    if not files:
        raise GeneratorError("nothing to submit: no new or changed files in the knowledge base",
                             hint="add an entry first (kb new, kb run or kb import)")  # fmt: skip
    report = validate_changed(workspace, "HEAD", cwd)
    if report.failed():
        raise SubmissionRefused(report)
    submission = commit_on_branch(repo, files, branch or default_branch(files), message or default_message(files))
    if not remote:
        return submission
    push(repo, remote, submission.branch)
    url = pr_url(repo, remote, submission.base, submission.branch)
    return Submission(**{**submission.__dict__, "pushed_to": remote, "pr_url": url})
