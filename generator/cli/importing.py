"""kb import: bring MLPerf tables, CK dashboards and CK experiments in as result entries, CK papers as papers."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state

_INTO = click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The CK repository to write into (created with a .ckr.json if missing).",
)
_NO_CREATE = click.option("--no-create", is_flag=True, help="Fail instead of creating the --into repository.")
_SOURCES = click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))


@click.group("import")
def import_group() -> None:
    """Import benchmark results as CK entries (idempotent: re-running changes nothing).

    Results link to platform, model, dataset and software entries that already exist in any
    configured repository (by alias); missing ones are created in the --into repository.
    """


def _run(
    state: CliState, kind: str, sources: tuple[Path, ...], into: Path, no_create: bool, as_json: bool, **options: str
) -> None:
    from generator.cli.progress import status_line
    from generator.ops.importing import run_import

    with status_line(f"Importing into {into}", start=True):
        report = run_import(
            kind, list(sources), into, repo_paths=state.repos, config_path=state.config, create=not no_create, **options
        )
    if as_json:
        emit_json(report.to_dict())
        return
    data = report.to_dict()
    echo_inert(f"Imported {report.rows} rows into {report.target}")
    for label in ("created", "updated", "unchanged", "linked"):
        counts = data[label]
        if counts:
            echo_inert(f"  {label}: " + ", ".join(f"{n} {m}" for m, n in sorted(counts.items())))
    for reason, count in sorted(report.stats.skipped.items()):
        echo_inert(f"  skipped: {count} ({reason})")
    for warning in report.stats.warnings:
        echo_inert(f"warning: {warning}", err=True)
    if not report.stats.changed:
        click.echo("  nothing changed")


@import_group.command("mlperf")
@_SOURCES
@_INTO
@_NO_CREATE
@json_option
@pass_state
@handle_errors
def mlperf_command(state: CliState, sources: tuple[Path, ...], into: Path, no_create: bool, as_json: bool) -> None:
    """Import MLPerf Inference v0.5 result tables (JSON lists of rows, or CK result folders).

    Rows with a zero performance value are skipped. Details/Code HTML links become links.
    """
    _run(state, "mlperf", sources, into, no_create, as_json)


@import_group.command("ck-dashboard")
@_SOURCES
@_INTO
@_NO_CREATE
@click.option("--benchmark", default="", help="Benchmark of generic and CK pipeline rows (default: the dashboard).")
@json_option
@pass_state
@handle_errors
def dashboard_command(
    state: CliState, sources: tuple[Path, ...], into: Path, no_create: bool, benchmark: str, as_json: bool
) -> None:
    """Import CK dashboard rows: result/<name>/ folders (users/<user>/result-N.json) or row files.

    MLPerf, MobileNets and CK pipeline rows (##characteristics#…, ReQuEST) are recognised; other
    rows use the axes of result.cfg/<name>.
    """
    _run(state, "ck-dashboard", sources, into, no_create, as_json, benchmark=benchmark)


@import_group.command("ck-experiment")
@_SOURCES
@_INTO
@_NO_CREATE
@click.option("--benchmark", default="", help="Benchmark name for the results (default: from the experiment).")
@click.option("--submitter", default="", help="Who measured the points.")
@json_option
@pass_state
@handle_errors
def experiment_command(
    state: CliState,
    sources: tuple[Path, ...],
    into: Path,
    no_create: bool,
    benchmark: str,
    submitter: str,
    as_json: bool,
) -> None:
    """Import CK experiment entries: one result per point (ckp-*.flat.json statistics)."""
    _run(state, "ck-experiment", sources, into, no_create, as_json, benchmark=benchmark, submitter=submitter)


@import_group.command("ck-papers")
@_SOURCES
@_INTO
@_NO_CREATE
@json_option
@pass_state
@handle_errors
def papers_command(state: CliState, sources: tuple[Path, ...], into: Path, no_create: bool, as_json: bool) -> None:
    """Import CK artifact-evaluation records (reproindex component.article entries) as paper entries.

    SOURCES are CK repositories, module folders or entry folders. Each record keeps its UID and
    gets its title as name; badges, DOI, arXiv id, venue, year and artifact links are read from its
    misc (or meta) fields. Re-importing keeps a paper's artifacts, results and benchmarks.
    """
    _run(state, "ck-papers", sources, into, no_create, as_json)


def register(group: click.Group) -> None:
    """Attach the import command group."""
    group.add_command(import_group)
