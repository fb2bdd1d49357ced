"""Versioned JSON for scripts; the shape is documented in docs/validation.md."""

from __future__ import annotations

import json
from typing import Any

from generator.diagnostics import Report, inert_json

FORMAT = "reef-kb-validate"
FORMAT_VERSION = 1


def report_dict(report: Report, *, strict: bool = False) -> dict[str, Any]:
    """The envelope: format, version, summary (counts, failed) and every diagnostic."""
    counts = report.counts()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "summary": {
            "checked_entries": report.checked_entries,
            "errors": counts["error"], "warnings": counts["warning"], "notes": counts["note"],
            "strict": strict, "failed": report.failed(strict=strict), "text": report.summary(),
        },
        "counts": {"error": counts["error"], "warning": counts["warning"], "note": counts["note"]},
        "diagnostics": [d.to_dict() for d in report],
    }  # fmt: skip


def render_json(report: Report, *, strict: bool = False) -> str:
    """The envelope as indented UTF-8 JSON text."""
    return inert_json(json.dumps(report_dict(report, strict=strict), indent=2, ensure_ascii=False))
