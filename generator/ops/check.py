"""The validation jobs: the whole corpus, or only what changed since a Git revision."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.diagnostics import Report
from generator.provenance.changes import start_changed_files
from generator.report.codes import descriptions
from generator.report.github import render_annotations, render_step_summary
from generator.report.json_report import render_json
from generator.report.sarif import render_sarif
from generator.report.text import render_text

if TYPE_CHECKING:
    from generator.ck.references import ReferenceGraph

REPORT_FORMATS = ("text", "json", "github", "sarif")


def validate_corpus(corpus: Corpus, graph: ReferenceGraph | None = None) -> Report:
    """All diagnostics for an already loaded corpus (pass the build's reference graph to reuse it)."""
    from generator.schema.corpus_checks import check_corpus

    return check_corpus(corpus, graph)


def validate_workspace(workspace: Workspace) -> Report:
    """Load every entry of the workspace and validate it (each entry checked as it loads, then dropped
    to its identity and tags: the memory stays low on a large KB)."""
    from generator.schema.corpus_checks import check_workspace

    return check_workspace(workspace)


DEFAULT_MAX_CHANGED = 2000  # files a pull request may touch before it needs a maintainer's label


def validate_changed(workspace: Workspace, since: str, cwd: Path | None = None, *,
                     max_changed: int = DEFAULT_MAX_CHANGED) -> Report:  # fmt: skip
    """Validate the entries touched since a Git revision, their references against everything.

    Git walks the checkout while the validator (jsonschema and the schemas) loads: on two cores the
    two halves of a pre-commit or PR check overlap instead of adding up.
    """
    folders = [r.path for r in workspace.repos] or [cwd or Path.cwd()]
    pending = start_changed_files(folders, since)
    try:
        from generator.schema.corpus_checks import check_changed
        from generator.schema.loader import load_schemas

        schemas = load_schemas()
    except BaseException:
        pending.cancel()
        raise
    paths = pending.paths()
    if 0 < max_changed < len(paths):
        from generator.schema.corpus_checks import change_size_report

        return change_size_report(len(paths), max_changed, folders[0])
    return check_changed(workspace, paths, schemas)


def render_report(report: Report, fmt: str, *, strict: bool = False, verbose: bool = False,
                  colour: bool = False, root: str = "") -> str:  # fmt: skip
    """The report in one of REPORT_FORMATS (text, json, github, sarif)."""
    if fmt == "json":
        return render_json(report, strict=strict)
    if fmt == "sarif":
        return render_sarif(report, root, descriptions=descriptions())
    if fmt == "github":
        return render_annotations(report, root, show_notes=verbose)
    return render_text(report, color=colour, show_notes=verbose, root=root)


def step_summary(report: Report, root: str = "", *, strict: bool = False) -> str:
    """Markdown for GitHub's $GITHUB_STEP_SUMMARY."""
    return render_step_summary(report, root, strict=strict)
