"""The validation job: load the corpus once, check every entry, return a Report."""

from __future__ import annotations

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.diagnostics import Report
from generator.schema.entry_checks import check_entry
from generator.schema.loader import load_schemas


def validate_corpus(corpus: Corpus) -> Report:
    """All diagnostics for an already loaded corpus (parse problems included)."""
    schemas = load_schemas()
    report = Report(checked_entries=len(corpus.entries) + len(corpus.problems))
    report.extend(corpus.problems)
    for entry in corpus.entries:
        report.extend(check_entry(entry, schemas))
    return report


def validate_workspace(workspace: Workspace) -> Report:
    """Load every entry of the workspace and validate it."""
    return validate_corpus(Corpus.load(workspace))
