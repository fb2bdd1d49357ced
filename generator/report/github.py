"""GitHub Actions output: workflow-command annotations and a Markdown step summary.

Every string from a KB repository goes through ``diagnostics.inert`` (GitHub's ``%``, CR, LF
escapes plus invisible characters and legacy ``##[`` commands; ``:`` and ``,`` too in
properties), so a message can never start a command such as ``::add-mask::`` or
``::stop-commands::`` (SECURITY-CASES §1.6 #53). GitHub shows only about
ten annotations per type per step, so the summary carries the full list.
"""

from __future__ import annotations

import os

from generator.diagnostics import Diagnostic, Report, Severity, counted, inert
from generator.report.text import location

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
MAX_SUMMARY_BYTES = 1_000_000


def escape_property(text: str) -> str:
    """Escape a command property value (file, title)."""
    return inert(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: str, root: str) -> str:
    if root and os.path.isabs(path):
        try:
            rel = os.path.relpath(path, root)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel
    return path


def annotation(d: Diagnostic, root: str = "") -> str:
    """One ``::error file=…,line=…,col=…,title=…::message`` line."""
    props = [f"file={escape_property(_relative(d.path, root))}"]
    if d.line:
        props += [f"line={d.line}", f"col={d.column or 1}"]
    props.append(f"title={escape_property(f'{d.code} at {d.json_path}')}")
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return f"::{_COMMAND[d.severity]} {','.join(props)}::{inert(message)}"


def render_annotations(report: Report, root: str = "", *, show_notes: bool = False) -> str:
    """Annotation lines for every error and warning (notes too when asked), then the summary."""
    lines = [annotation(d, root) for d in report if show_notes or d.severity is not Severity.NOTE]
    lines.append(inert(report.summary()))
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Markdown table cell: pipes, HTML, mentions and line breaks neutralised."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|").replace("@", "&#64;").replace("`", "'")
    return " ".join(text.split())


def render_step_summary(report: Report, root: str = "", *, strict: bool = False) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: verdict, counts, then one table row per diagnostic."""
    counts = report.counts()
    verdict = "❌ failed" if report.failed(strict=strict) else "✅ passed"
    lines = [f"## Reef KB validation {verdict}", "",
             f"{counted(report.checked_entries, 'entry', 'entries')} checked: **{counted(counts['error'], 'error')}**, "
             f"{counted(counts['warning'], 'warning')}, {counted(counts['note'], 'note')}", ""]  # fmt: skip
    rows = [d for d in report if d.severity is not Severity.NOTE]
    if rows:
        lines += ["| severity | code | where | message | hint |", "|---|---|---|---|---|"]
    size = sum(len(line) + 1 for line in lines)
    for shown, d in enumerate(rows):
        where = f"{_relative(location(d), root)} {d.json_path}"
        row = f"| {d.severity.value} | {d.code} | `{_cell(where)}` | {_cell(d.message)} | {_cell(d.hint)} |"
        size += len(row.encode("utf-8")) + 1
        if size > MAX_SUMMARY_BYTES - 200:
            lines.append(f"\n… {len(rows) - shown} more not shown (GitHub limits the summary to 1 MiB)")
            break
        lines.append(row)
    return "\n".join(lines) + "\n"
