"""The ``kb`` command group and its global options (``main.py`` is the entry point)."""

from __future__ import annotations

from pathlib import Path

import click

from generator import __version__
from generator.cli.ck_names import CkAwareGroup
from generator.cli.context import CliState
from generator.cli.lazy import LazyCommands
from generator.cli.terminal import plain_requested


@click.group(cls=CkAwareGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kb")
@click.option("-R", "--repo", "repos", multiple=True, type=click.Path(path_type=Path),
              help="A CK repository folder to work on (repeatable). Default: the repository around "
                   "the current folder, else the repos listed in mkdocs.yml.")  # fmt: skip
@click.option("-c", "--config", type=click.Path(path_type=Path, dir_okay=False),
              help="The mkdocs.yml whose kb plugin section lists the repositories.")  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, repos: tuple[Path, ...], config: Path | None) -> None:
    """Reef KB: read, write, validate and publish Collective Knowledge (CK) repositories.

    CIDs name entries as module:entry or repo:module:entry; list, rm and find accept the
    wildcards * and ? in every part. Exit codes: 0 ok, 1 data problems, 2 usage errors.
    """
    ctx.obj = CliState(repos=repos, config=config)
    if plain_requested():  # NO_COLOR / TERM=dumb: click drops the styles of every command's output
        ctx.color = False


def _register() -> None:
    from generator.cli import build, doctor, entries, importing, new, repo, run, search, submit, sync, validate

    for module in (entries, repo, validate, build, search, importing, doctor, sync, run, new, submit):
        module.register(cli)


# Commands load on first use; `kb search`, `kb validate`, `kb list` and `kb build` import only their own module
# (start-up time matters there: interactive search, changed-only checks in pre-commit and CI, listing like
# `ck list`, and a busy port refused at once by `kb build --serve`).
LIGHT_COMMANDS = {"search": "generator.cli.search", "validate": "generator.cli.validate",
                  "list": "generator.cli.entries", "build": "generator.cli.build"}
cli.commands = LazyCommands(cli, _register, light=LIGHT_COMMANDS)
