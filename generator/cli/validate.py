"""kb validate: check entries against their schemas and report each problem."""

from __future__ import annotations

import json

import click

from generator.cli.context import CliState, handle_errors, pass_state
from generator.diagnostics import Report
from generator.ops.check import validate_workspace

REPORT_FORMAT_VERSION = 1


def render_text(report: Report) -> str:
    """Human text: ``file::$.path: message`` per problem, then a summary line."""
    lines = []
    for d in report:
        where = f"{d.path}:{d.line}" if d.line else d.path
        lines.append(f"{d.severity.value}: {where}::{d.json_path}: {d.message} [{d.code}]")
        if d.hint:
            lines.append(f"  hint: {d.hint}")
    lines.append(report.summary())
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """Versioned JSON envelope for scripts."""
    counts = report.counts()
    return json.dumps({
        "format_version": REPORT_FORMAT_VERSION,
        "checked_entries": report.checked_entries,
        "counts": {k: counts[k] for k in ("error", "warning", "note")},
        "diagnostics": [d.to_dict() for d in report],
    }, indent=2, ensure_ascii=False)  # fmt: skip


@click.command("validate")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="Report format.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@pass_state
@handle_errors
def validate_command(state: CliState, fmt: str, as_json: bool, strict: bool) -> None:
    """Validate every entry of the repositories; exit 1 when there are errors."""
    report = validate_workspace(state.workspace())
    click.echo(render_json(report) if as_json or fmt == "json" else render_text(report))
    if report.failed(strict=strict):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    """Attach the validate command."""
    group.add_command(validate_command)
