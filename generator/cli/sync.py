"""kb sync: clone or fetch remote repositories at pinned revisions and write kb.lock."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click

from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.cli.terminal import animation_allowed
from generator.diagnostics import inert
from generator.errors import UsageError
from generator.ops.sync import SyncOutcome, add_remote, load_sync_config, sync


def _progress_bar() -> tuple[AbstractContextManager[Any], Any]:
    """A rich progress bar on an interactive terminal; nothing under CI or when piped."""
    if not animation_allowed():
        return nullcontext(), None
    from rich.progress import BarColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   transient=True)  # fmt: skip
    tasks: dict[str, Any] = {}

    def report(name: str, message: str, fraction: float) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=1.0)
        bar.update(tasks[name], completed=fraction, description=f"{name}: {message.strip()[:40]}")

    return bar, report


def _render(outcome: SyncOutcome) -> None:
    """The outcome, every name and message made inert (upstreams choose their names and URLs)."""
    for warning in outcome.warnings:
        click.echo(f"Warning: {inert(warning)}", err=True)
    for name, pin in sorted(outcome.lock.repos.items()):
        via = f" (required by {inert(pin.required_by)})" if pin.required_by else ""
        click.echo(f"{inert(name)}: {pin.commit[:12]}{via}")
        changes = outcome.changes.get(name)
        if changes is not None and not changes.empty:
            click.echo(f"  {len(changes.added)} added, {len(changes.changed)} changed, {len(changes.removed)} removed")
            for kind, keys in (("+", changes.added), ("~", changes.changed), ("-", changes.removed)):
                for key in keys[:20]:
                    click.echo(f"    {kind} {inert(key)}")
    fetched = ", ".join(inert(name) for name in outcome.fetched) or "nothing (all pins satisfied from the cache)"
    click.echo(f"Fetched: {fetched}")


@click.command("sync")
@click.option("--update", "update_all", is_flag=True, help="Move every pin to the configured branch/tag/commit.")
@click.option("--url", default="", metavar="GIT_URL",
              help="First list this Git repository in mkdocs.yml (created here when there is none), like ck pull repo.")
@click.option("--subdir", default="", metavar="DIR", help="With --url: the folder of the CK repository in the clone.")
@click.argument("names", nargs=-1)
@json_option
@pass_state
@handle_errors
def sync_command(state: CliState, update_all: bool, url: str, subdir: str, names: tuple[str, ...],
                 as_json: bool) -> None:  # fmt: skip
    """Clone or fetch the Git repositories listed in mkdocs.yml (and their repo_deps) into the cache.

    Without --update, repositories stay at the commits pinned in kb.lock (no network when the cache
    has them). NAMES with --update moves only those pins; --update alone moves all of them.
    --url adds a repository first, so one command fetches it, as 'ck pull repo --url=' does.
    Examples: kb sync --update ck-env; kb sync --url https://github.com/ctuning/ck-mlperf
    """
    if subdir and not url:
        raise UsageError("--subdir needs --url")
    if url:
        path, line = add_remote(state.config, Path.cwd(), url, subdir)
        if line and not as_json:
            click.echo(f"Listed '{inert(line)}' in {path}")
        state.config = state.config or path
    config = load_sync_config(state.config, Path.cwd())
    update: bool | tuple[str, ...] = names if names else update_all
    if names and not update_all:
        update = names
    bar, report = _progress_bar()
    with bar:
        outcome = sync(config, update=update, progress=report)
    if as_json:
        emit_json({"repositories": outcome.lock.to_dict()["repositories"], "fetched": outcome.fetched,
                   "warnings": outcome.warnings, "errors": outcome.errors,
                   "changes": {k: vars(v) for k, v in outcome.changes.items()}})  # fmt: skip
    else:
        _render(outcome)
    for error in outcome.errors:
        click.echo(f"Error: {inert(error)}", err=True)
    if outcome.errors:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    """Attach the sync command."""
    group.add_command(sync_command)
