"""kb submit and kb pr-report: turn local changes into a pull request, and report a PR's impact."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state
from generator.ops.check import render_report
from generator.ops.pr_report import pr_impact
from generator.ops.submit import Submission, SubmissionRefused, submit


@click.command("submit")
@click.option("--remote", default="", help="Push the branch to this Git remote (e.g. origin).")
@click.option("--branch", default="", help="Branch name (default: kb/<first entry>-<UTC time>).")
@click.option("-m", "--message", default="",
              help="One commit with this message (listing the entries) instead of one commit per entry.")
@json_option
@pass_state
@handle_errors
def submit_command(state: CliState, remote: str, branch: str, message: str, as_json: bool) -> None:
    """Validate the changed entries, commit each on a new branch from the base and (with --remote)
    push it.

    Nothing is committed when validation finds errors. The branch starts from the branch you work
    on (or, when you are still on an earlier kb/ branch, from its base). When a push fails, run
    the same command again: it pushes the pending branch. For a GitHub remote, prints the URL
    that opens the pull request.
    Example: kb submit --remote origin
    """
    try:
        done = submit(state.workspace(), Path.cwd(), remote=remote, branch=branch, message=message)
    except SubmissionRefused as refused:
        click.echo(render_report(refused.report, "text"), err=True)
        raise
    if as_json:
        emit_json({"branch": done.branch, "base": done.base, "commit": done.commit, "commits": done.commits,
                   "entries": list(done.entries), "files": list(done.files), "remote": done.remote,
                   "pushed": done.pushed, "push_error": done.push_error, "pr_url": done.pr_url,
                   "resumed": done.resumed, "followup": done.followup})  # fmt: skip
    else:
        for line in submission_lines(done):
            echo_inert(line)
    if done.push_error or (done.resumed and not done.remote):
        raise SystemExit(1)


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def submission_lines(done: Submission) -> list[str]:
    """What happened and what to do next, as the contributor reads it."""
    if done.followup:
        commits = f"{done.commits} commit{'s' if done.commits != 1 else ''}"
        lines = [f"Added {commits} to branch {done.branch}, which already holds these entries "
                 f"(its pull request gets them when pushed):", *[f"  {s}" for s in done.entries]]  # fmt: skip
    elif done.resumed:
        lines = [f"Nothing new to submit; branch {done.branch} ({_entries(len(done.entries))}, based on "
                 f"{done.base}) is not pushed yet:", *[f"  {s}" for s in done.entries]]  # fmt: skip
    else:
        commits = f"{done.commits} commit{'s' if done.commits != 1 else ''}"
        lines = [f"Committed {_entries(len(done.entries))} in {commits} on branch {done.branch} "
                 f"(based on {done.base}, {done.commit[:12]}):", *[f"  {s}" for s in done.entries]]  # fmt: skip
        if done.other_files:
            lines.append(f"  and {len(done.other_files)} repository or module files")
    again = f"kb submit --remote {done.remote or 'origin'}"
    if done.push_error:
        lines += [f"Not pushed: pushing to {done.remote} failed: {done.push_error}",
                  f"Next: fix that, then run '{again}' again: it pushes {done.branch}."]  # fmt: skip
    elif not done.remote:
        lines += ["Not pushed (no --remote given).",
                  f"Next: '{again}' pushes {done.branch}; then open a pull request into {done.base}."]  # fmt: skip
    elif done.pr_url:
        lines += [f"Pushed {done.branch} to {done.remote}.", f"Open the pull request: {done.pr_url}"]
    else:
        lines += [f"Pushed {done.branch} to {done.remote}.",
                  f"Next: open a pull request from {done.branch} into {done.base} on your Git host."]  # fmt: skip
    return lines


@click.command("pr-report")
@click.option("--base", required=True, help="The branch the pull request goes into (compared at the merge-base).")
@click.option("--step-summary", is_flag=True, help="Also append the report to $GITHUB_STEP_SUMMARY.")
@json_option
@pass_state
@handle_errors
def pr_report_command(state: CliState, base: str, step_summary: bool, as_json: bool) -> None:
    """Report what a pull request changes: entries added, renamed, changed (with their files) and
    removed since the branch forked from --base, and every leaderboard rank that moves."""
    report = pr_impact(state.workspace(), base, Path.cwd())
    if as_json:
        emit_json(report.to_dict())
        return
    text = report.markdown()
    click.echo(text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")


def register(group: click.Group) -> None:
    """Attach the submit and pr-report commands."""
    group.add_command(submit_command)
    group.add_command(pr_report_command)
