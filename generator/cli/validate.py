"""kb validate: check entries against their schemas and each other, and report each problem."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.cli.context import CliState, handle_errors, pass_state
from generator.cli.terminal import colour_allowed
from generator.diagnostics import Report
from generator.errors import UsageError
from generator.ops.check import (
    DEFAULT_MAX_CHANGED,
    REPORT_FORMATS,
    render_report,
    step_summary,
    validate_changed,
    validate_workspace,
)

FORMATS = list(REPORT_FORMATS)


def _use_colour(flag: bool | None) -> bool:
    """--color/--no-color wins; otherwise colour only on a terminal and never with NO_COLOR set."""
    if flag is not None:
        return flag
    return colour_allowed(sys.stdout)


def _write_step_summary(report: Report, target: str, root: str, strict: bool) -> None:
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(step_summary(report, root, strict=strict))
    except OSError as exc:
        raise UsageError(f"cannot write the step summary: {exc.strerror}", path=target) from None


@click.command("validate")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Report format: text (default), json (versioned, see docs/validation.md), github "
    "(workflow-command annotations; the default when GITHUB_ACTIONS=true) or sarif (2.1.0).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--out", "out", type=click.Choice(["json", "con"]), default=None, metavar="json|con",
              help="CK's spelling: --out=json is --format json.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
@click.option(
    "--changed-since",
    "since",
    metavar="REV",
    help="Validate only entries changed since this Git revision (committed, staged, unstaged and "
    "untracked), still checking their references against every repository.",
)
@click.option(
    "--max-changed",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_CHANGED,
    show_default=True,
    metavar="N",
    help="With --changed-since: more changed files than N give one too-many-changes error instead of a "
    "report (0 = no cap).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list notes (text and github formats).")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Force colour on or off (default: only on a terminal, never when NO_COLOR is set).",
)
@click.option(
    "--step-summary",
    "step_summary",
    is_flag=True,
    help="Append a Markdown summary to the file named by $GITHUB_STEP_SUMMARY.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@pass_state
@handle_errors
def validate_command(
    state: CliState,
    fmt: str | None,
    as_json: bool,
    out: str | None,
    strict: bool,
    since: str | None,
    max_changed: int,
    verbose: bool,
    color: bool | None,
    step_summary: bool,
    output: Path | None,
) -> None:
    """Validate entries: schemas, alias files, duplicates and references.

    Exit 0 when clean, 1 when there are errors (or warnings with --strict), 2 on usage errors.
    Every diagnostic has a stable code; docs/validation.md lists them.
    """
    default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    fmt = "json" if as_json or out == "json" else fmt or default
    workspace = state.workspace()
    report = validate_changed(workspace, since, max_changed=max_changed) if since else validate_workspace(workspace)
    root = str(Path.cwd())
    colour = _use_colour(color) if output is None else bool(color)
    text = render_report(report, fmt, strict=strict, verbose=verbose, colour=colour, root=root)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text, color=colour)
    if step_summary:
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if not target:
            raise UsageError("--step-summary needs the GITHUB_STEP_SUMMARY environment variable")
        _write_step_summary(report, target, root, strict)
    if report.failed(strict=strict):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    """Attach the validate command."""
    group.add_command(validate_command)
