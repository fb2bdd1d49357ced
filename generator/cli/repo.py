"""Repository commands: kb repo init, list, where, add."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state
from generator.config import find_config
from generator.errors import UsageError
from generator.ops.repos import init_repo, is_repo, list_repos, register_repo, where_repo


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
@click.option("--profile", type=click.Choice(["reef", "ck"]), default="reef", show_default=True,
              help="Rules kb validate applies: Reef KB's schemas as errors, or the CK format only.")
@json_option
@handle_errors
def init_command(path: Path, alias: str, uid: str, url: str, desc: str, deps: tuple[str, ...], profile: str,
                 as_json: bool) -> None:  # fmt: skip
    """Make PATH a CK repository by writing its .ckr.json (as 'ck add repo' does; with
    kb_profile: reef unless --profile ck)."""
    repo = init_repo(path, alias, uid=uid, url=url, desc=desc, deps=list(deps), profile=profile)
    if as_json:
        emit_json({"data_alias": repo.info.alias, "data_uid": repo.info.uid, "path": str(repo.path)})
    else:
        echo_inert(f"Created repository {repo.info.alias} (UID {repo.info.uid}) at {repo.path}")


@repo_group.command("list")
@json_option
@pass_state
@handle_errors
def list_command(state: CliState, as_json: bool) -> None:
    """List the repositories a command would see: alias, UID, path and repo_deps (missing ones
    are marked)."""
    rows = list_repos(state.workspace())
    if as_json:
        emit_json([row.to_dict() for row in rows])
        return
    for row in rows:
        deps = ", ".join(str(d.get("repo_uoa") or d.get("repo_uid")) + (" (missing)" if str(
            d.get("repo_uoa") or d.get("repo_uid")) in row.missing else "") for d in row.deps)  # fmt: skip
        info = row.repo.info
        echo_inert(f"{info.alias}\t{info.uid}\t{row.repo.path}" + (f"\tdeps: {deps}" if deps else ""))


@repo_group.command("where")
@click.argument("name")
@json_option
@pass_state
@handle_errors
def where_command(state: CliState, name: str, as_json: bool) -> None:
    """Print the folder of the repository NAME (alias or UID), like 'ck where repo:NAME'."""
    repo = where_repo(state.workspace(), name)
    if as_json:
        emit_json({"data_alias": repo.info.alias, "data_uid": repo.info.uid, "path": str(repo.path)})
    else:
        echo_inert(str(repo.path))


@repo_group.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--init", "create", is_flag=True, help="Create the repository first if PATH is not one.")
@click.option("--alias", default="", help="Alias for a repository created with --init.")
@pass_state
@handle_errors
def add_command(state: CliState, path: Path, create: bool, alias: str) -> None:
    """Register the repository at PATH in mkdocs.yml (the kb plugin's repos list), so every kb
    command and the portal see it.

    Example: kb repo add ../my-ck-repo
    """
    config = state.config or find_config(Path.cwd())
    if config is None:
        raise UsageError("no mkdocs.yml found", hint="pass -c/--config or run inside the project")
    if create and not is_repo(path):
        init_repo(path, alias)
    line = register_repo(config, path)
    echo_inert(f"Added '{line}' to the repos of the kb plugin in {config}")


def register(group: click.Group) -> None:
    """Attach the repo command group."""
    group.add_command(repo_group)
