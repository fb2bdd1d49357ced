"""kb build: build (or serve) the portal from mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.context import CliState, echo_inert, handle_errors, pass_state
from generator.config import CONFIG_NAME, find_config
from generator.diagnostics import Diagnostic, Severity
from generator.errors import UsageError

HOST = "127.0.0.1"


def _config_file(state: CliState) -> Path:
    path = state.config or find_config(Path.cwd())
    if path is None:
        raise UsageError(f"no {CONFIG_NAME} found here or above", hint="pass --config mkdocs.yml")
    return path


@click.command("build")
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write the site (default: site_dir of mkdocs.yml, usually site/).")  # fmt: skip
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings (broken links, bad entries).")
@click.option("--dirty", is_flag=True,
              help="Keep the site folder; rewrite only outputs whose inputs changed (previews, never deploy).")
@click.option("--serve", is_flag=True, help="Serve on 127.0.0.1 with live reload instead of building once.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port for --serve (a busy port is refused before building).")
@pass_state
@handle_errors
def build_command(state: CliState, site_dir: Path | None, strict: bool, dirty: bool, serve: bool,
                  port: int) -> None:  # fmt: skip
    """Build the portal: a page per entry, listings per type, from the repos in mkdocs.yml.

    Entries the site cannot carry (names that cannot be URLs, values strict JSON cannot hold) are
    left out with a warning each; the rest is built, and the exit code is then 1.
    """
    from generator.cli.progress import status_line
    from generator.ops.build import build_site, serve_site

    config_file = _config_file(state)
    if serve:
        with status_line("Building the portal", start=True) as line:

            def ready(url: str) -> None:
                if line is not None:
                    line.stop()
                echo_inert(f"Serving the portal on {url} (Ctrl-C to stop)")

            serve_site(config_file, host=HOST, port=port, on_ready=ready)
        return
    problems: list[Diagnostic] = []
    with status_line("Building the portal", start=True):
        out = build_site(config_file, site_dir=site_dir, strict=strict, dirty=dirty, problems=problems)
    left_out = sum(1 for d in problems if d.severity is Severity.ERROR)
    if left_out:  # each was logged as a warning above, naming its file and why
        echo_inert(f"Built the portal into {out}, leaving out {left_out} entr{'y' if left_out == 1 else 'ies'} "
                   "or outputs (see the warnings above; kb validate explains each)")  # fmt: skip
        raise SystemExit(1)
    echo_inert(f"Built the portal into {out}")


def register(group: click.Group) -> None:
    """Attach the build command."""
    group.add_command(build_command)
