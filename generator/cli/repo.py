"""Repository commands: kb repo init, kb repo list."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.ops.repos import init_repo


@click.group("repo")
def repo_group() -> None:
    """Create and inspect CK repositories."""


@repo_group.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--alias", default="", help="Repository alias (default: the folder name).")
@click.option("--uid", default="", help="Use this 16-hex UID instead of a generated one.")
@click.option("--url", default="", help="Git URL of the repository (shared=git).")
@click.option("--desc", default="", help="One-line description stored in .ckr.json.")
@click.option("--dep", "deps", multiple=True, help="A repository this one depends on (repeatable).")
@json_option
@handle_errors
def init_command(path: Path, alias: str, uid: str, url: str, desc: str, deps: tuple[str, ...],
                 as_json: bool) -> None:  # fmt: skip
    """Make PATH a CK repository by writing its .ckr.json (as 'ck add repo' does)."""
    repo = init_repo(path, alias, uid=uid, url=url, desc=desc, deps=list(deps))
    if as_json:
        emit_json({"data_alias": repo.info.alias, "data_uid": repo.info.uid, "path": str(repo.path)})
    else:
        click.echo(f"Created repository {repo.info.alias} (UID {repo.info.uid}) at {repo.path}")


@repo_group.command("list")
@json_option
@pass_state
@handle_errors
def list_command(state: CliState, as_json: bool) -> None:
    """List the repositories a command would see, with their paths."""
    repos = state.workspace().repos
    rows = [{"data_alias": r.info.alias, "data_uid": r.info.uid, "path": str(r.path),
             "url": r.info.url} for r in repos]  # fmt: skip
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['data_alias']}\t{row['data_uid']}\t{row['path']}")


def register(group: click.Group) -> None:
    """Attach the repo command group."""
    group.add_command(repo_group)
