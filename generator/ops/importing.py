"""The import job: read another system's results into a target CK repository, idempotently."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.errors import GeneratorError, UsageError
from generator.importers import ck_dashboard, ck_experiment, ck_papers, mlperf
from generator.importers.sink import EntrySink, ImportStats
from generator.ops.workspace import resolve_repo_paths

log = logging.getLogger(__name__)

KINDS = ("mlperf", "ck-dashboard", "ck-experiment", "ck-papers")


@dataclass(frozen=True)
class ImportReport:
    """What one import did: the target, the rows read and the per-module counts."""

    kind: str
    target: Path
    rows: int
    stats: ImportStats

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``kb import --json``."""
        return {"kind": self.kind, "target": str(self.target), "rows": self.rows, **self.stats.to_dict()}


def open_target(path: Path, *, create: bool = True) -> Repo:
    """The repository to write into, created (``.ckr.json``) when missing and allowed."""
    if (path / layout.REPO_FILE).is_file():
        return Repo.open(path)
    if not create:
        raise GeneratorError(
            "not a CK repository: .ckr.json is missing", path=path, hint="drop --no-create, or run 'kb repo init' first"
        )
    return Repo.init(path, path.resolve().name)


def _link_repos(repo_paths: Sequence[Path], config_path: Path | None, cwd: Path, target: Repo) -> Workspace:
    """The target plus every configured repository, so imports link to entries that already exist."""
    try:
        paths = resolve_repo_paths(repo_paths, config_path, cwd)
    except GeneratorError:
        paths = []
    repos = [target]
    for path in paths:
        if path.resolve() != target.path and (path / layout.REPO_FILE).is_file():
            repos.append(Repo.open(path))
    return Workspace(repos)


def run_import(
    kind: str,
    sources: Sequence[Path],
    target_path: Path,
    *,
    repo_paths: Sequence[Path] = (),
    config_path: Path | None = None,
    cwd: Path | None = None,
    create: bool = True,
    benchmark: str = "",
    submitter: str = "",
) -> ImportReport:
    """Import every source of one kind into the target repository; re-running changes nothing."""
    if kind not in KINDS:
        raise UsageError(f"unknown import kind {kind!r}", hint="choose one of " + ", ".join(KINDS))
    if not sources:
        raise UsageError("nothing to import: name at least one file or folder")
    target = open_target(target_path, create=create)
    sink = EntrySink(_link_repos(repo_paths, config_path, cwd or Path.cwd(), target), target)
    rows = 0
    with sink.session():
        for number, source in enumerate(sources, start=1):
            log.info("reading %s (%d of %d)", source.name, number, len(sources))
            rows += _import_source(kind, source, sink, benchmark=benchmark, submitter=submitter)
    return ImportReport(kind, target.path, rows, sink.stats)


def _import_source(kind: str, source: Path, sink: EntrySink, *, benchmark: str, submitter: str) -> int:
    """Import one file or folder; returns the rows (or experiment points) read."""
    if not source.exists():
        raise GeneratorError("no such file or folder", path=source)
    if kind == "ck-dashboard" or (kind == "mlperf" and source.is_dir()):
        return ck_dashboard.import_dashboard(source, sink, benchmark=benchmark)
    if kind == "ck-papers":
        return ck_papers.import_papers(source, sink)
    if kind == "mlperf":
        table = ck_dashboard.read_rows(source, sink.stats)
        mlperf.import_rows(table, sink)
        return len(table)
    return sum(
        ck_experiment.import_experiment(entry_dir, sink, benchmark=benchmark, submitter=submitter)
        for entry_dir in ck_experiment.experiment_dirs(source)
    )
