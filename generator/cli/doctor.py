"""kb doctor: find the layout problems CK would trip on and repair the safe ones."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.diagnostics import counted, inert
from generator.ops.doctor import run_doctor
from generator.ops.workspace import resolve_repo_paths


@click.command("doctor")
@click.option("--fix", is_flag=True,
              help="Apply the safe repairs: finish interrupted changes, delete temp leftovers and stale "
                   "alias files, write missing alias files from info.json and a missing desc.json as {}.")  # fmt: skip
@json_option
@pass_state
@handle_errors
def doctor_command(state: CliState, fix: bool, as_json: bool) -> None:
    """Check what CK depends on, with the checks kb validate runs: folders against alias files and
    info.json, the .cm files ck add writes, duplicate UIDs; plus interrupted changes and temp
    leftovers. Exit 0 when clean (after --fix), 1 when problems remain.
    """
    paths = resolve_repo_paths(state.repos, state.config, Path.cwd())
    result = run_doctor(paths, fix=fix)
    report = result.report()
    if as_json:
        emit_json({"findings": [f.diagnostic().to_dict() for f in result.findings],
                   "fixed": [f.diagnostic().to_dict() for f in result.fixed],
                   "remaining": len(list(report))})  # fmt: skip
    else:
        fixed = {id(f) for f in result.fixed}
        for finding in result.findings:
            status = "fixed" if id(finding) in fixed else finding.severity.value
            click.echo(f"{status}[{finding.code}] {inert(str(finding.path))}: {inert(finding.message)}")
            if id(finding) not in fixed and (finding.fix or finding.hint):
                advice = "fix with --fix: " + finding.fix if finding.fix else "hint: " + finding.hint
                click.echo(f"  {inert(advice)}")
        remaining = len(list(report))
        problems = counted(len(result.findings), "problem")
        click.echo(f"{counted(len(paths), 'repository', 'repositories')} checked: "
                   f"{problems}, {len(result.fixed)} fixed, {remaining} remaining")  # fmt: skip
    if any(True for _ in report):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    """Attach the doctor command."""
    group.add_command(doctor_command)
