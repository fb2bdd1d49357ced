"""Human text: ``severity: file::$.path: message [code]``, the clickable ``file:line:col``, a hint, a summary."""

from __future__ import annotations

import os
from dataclasses import replace

from generator.diagnostics import Diagnostic, Report, Severity, inert

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def location(d: Diagnostic) -> str:
    """``file:line:col`` (editors and terminals make it clickable); just the file when unknown."""
    if d.line:
        return f"{d.path}:{d.line}:{d.column or 1}"
    return d.path


def relative(path: str, root: str) -> str:
    """A path under ``root`` shown relative to it (shorter, and what editors and CI expect)."""
    if root and os.path.isabs(path):
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return rel
    return path


def format_diagnostic(d: Diagnostic, *, color: bool = False, root: str = "") -> list[str]:
    """``severity: file::$.path: message [code]``, then ``--> file:line:col`` and the hint."""
    d = replace(d, path=relative(d.path, root)) if root else d
    label = _paint(d.severity.value, "1;" + _COLOURS[d.severity], color)
    code = _paint(f"[{d.code}]", "2", color)
    lines = [f"{label}: {inert(d.path)}::{inert(d.json_path)}: {inert(d.message)} {code}"]
    if d.line:
        lines.append(f"  --> {inert(location(d))}")
    if d.hint:
        lines.append(f"  {_paint('hint:', '2', color)} {inert(d.hint)}")
    return lines


def render_text(report: Report, *, color: bool = False, show_notes: bool = False, root: str = "") -> str:
    """The whole report; notes only with ``show_notes`` (their count is always in the summary)."""
    lines: list[str] = []
    hidden = 0
    for d in report:
        if d.severity is Severity.NOTE and not show_notes:
            hidden += 1
            continue
        lines += format_diagnostic(d, color=color, root=root)
    summary = report.summary()
    if hidden:
        summary += " (notes hidden; --verbose lists them)"
    failed = report.failed()
    lines.append(_paint(summary, "1;31" if failed else "1;32", color))
    return "\n".join(lines)
