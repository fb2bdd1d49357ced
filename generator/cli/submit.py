"""kb submit and kb pr-report: turn local changes into a pull request, and report a PR's impact."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.ops.check import render_report
from generator.ops.pr_report import pr_impact
from generator.ops.submit import SubmissionRefused, submit


@click.command("submit")
@click.option("--remote", default="", help="Push the branch to this Git remote (e.g. origin).")
@click.option("--branch", default="", help="Branch name (default: kb/<first entry>-<UTC time>).")
@click.option("-m", "--message", default="", help="Commit message (default: lists the entries).")
@json_option
@pass_state
@handle_errors
def submit_command(state: CliState, remote: str, branch: str, message: str, as_json: bool) -> None:
    """Validate the changed entries, commit them on a new branch and (with --remote) push it.

    Nothing is committed when validation finds errors. For a GitHub remote, prints the URL that
    opens the pull request.
    Example: kb submit --remote origin
    """
    try:
        done = submit(state.workspace(), Path.cwd(), remote=remote, branch=branch, message=message)
    except SubmissionRefused as refused:
        click.echo(render_report(refused.report, "text"), err=True)
        raise
    if as_json:
        emit_json({"branch": done.branch, "base": done.base, "commit": done.commit, "files": list(done.files),
                   "pushed_to": done.pushed_to, "pr_url": done.pr_url})  # fmt: skip
        return
    click.echo(f"Committed {len(done.files)} files on branch {done.branch} ({done.commit[:12]})")
    if done.pushed_to:
        click.echo(f"Pushed to {done.pushed_to}")
    click.echo(f"Open the pull request: {done.pr_url}" if done.pr_url else
               f"Next: git push {remote or 'origin'} {done.branch}, then open a pull request")  # fmt: skip


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
