"""kb run: benchmark a program entry on this machine and record a result entry."""

from __future__ import annotations

from pathlib import Path

import click

from generator.ck.ids import Cid
from generator.cli.complete import complete_cid
from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state
from generator.ops.run import DEFAULT_TIMEOUT_S, open_target_repo, run_program


@click.command("run")
@click.argument("cid", shell_complete=complete_cid)
@click.option("-n", "--repeats", default=5, show_default=True, help="How many times to run the command.")
@click.option("--repo-out", type=click.Path(path_type=Path, file_okay=False),
              help="Repository to write the result (and a new platform) into; default: the program's.")  # fmt: skip
@click.option("--timeout", default=DEFAULT_TIMEOUT_S, show_default=True, help="Seconds allowed per run.")
@json_option
@pass_state
@handle_errors
def run_command(state: CliState, cid: str, repeats: int, repo_out: Path | None, timeout: float,
                as_json: bool) -> None:  # fmt: skip
    """Run the program entry CID (or a solution's program) N times and write a result entry with its timings.

    The platform (CPU, cores, memory, OS, accelerators reported by nvidia-smi) is detected and
    linked: an existing platform entry with the same fingerprint, or a new one.
    A solution's result names the solution (solution_uoa), its benchmark, model and data set.
    Example: kb run reef-core:program:matmul-python -n 5; kb run solution:matmul-python-cpu
    """
    target = open_target_repo(repo_out) if repo_out else None
    report = None if as_json else (lambda i, s: click.echo(f"  run {i}/{repeats}: {s * 1000:.1f} ms", err=True))
    outcome = run_program(state.workspace(), Cid.parse(cid), repeats=repeats, target=target, timeout=timeout,
                          on_run=report)  # fmt: skip
    if as_json:
        emit_json({"result": outcome.result.ref.cid, "result_uid": outcome.result.ref.uid,
                   "platform": outcome.platform.ref.cid, "platform_created": outcome.platform_created,
                   "samples_ms": [round(s * 1000, 4) for s in outcome.samples_s]})  # fmt: skip
        return
    verb = "new platform" if outcome.platform_created else "platform"
    echo_inert(f"Recorded {outcome.result.ref.cid} on {verb} {outcome.platform.ref.cid}")
    click.echo("Next: kb validate --changed-since HEAD, then kb submit (see CONTRIBUTING.md)")


def register(group: click.Group) -> None:
    """Attach the run command."""
    group.add_command(run_command)
