"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from generator import __version__
from generator.diagnostics import Report, Severity, inert_json

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _uri(path: str, root: str) -> str:
    if root and os.path.isabs(path):
        rel = os.path.relpath(path, root)
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return Path(path).as_uri() if os.path.isabs(path) else Path(path).as_posix()


def sarif_dict(report: Report, root: str = "", *, descriptions: dict[str, str] | None = None) -> dict[str, Any]:
    """One run with a rule per diagnostic code and a result per diagnostic."""
    codes = sorted({d.code for d in report.diagnostics} | set(descriptions or {}))
    rules = [{"id": code, "name": code,
              "shortDescription": {"text": (descriptions or {}).get(code, code)},
              "helpUri": f"https://reef-kb.org/validation/#{code}"} for code in codes]  # fmt: skip
    results = []
    for d in report:
        region: dict[str, int] = {"startLine": d.line, "startColumn": d.column or 1} if d.line else {}
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.path, root)}}
        if region:
            physical["region"] = region
        results.append({
            "ruleId": d.code, "ruleIndex": codes.index(d.code), "level": _LEVEL[d.severity],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": physical,
                           "logicalLocations": [{"fullyQualifiedName": d.json_path, "kind": "member"}]}],
        })  # fmt: skip
    return {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "reef-kb validate", "version": __version__,
                                      "informationUri": "https://reef-kb.org/validation/", "rules": rules}},
                  "results": results}],
    }  # fmt: skip


def render_sarif(report: Report, root: str = "", *, descriptions: dict[str, str] | None = None) -> str:
    """SARIF as indented JSON text."""
    return inert_json(json.dumps(sarif_dict(report, root, descriptions=descriptions), indent=2, ensure_ascii=False))
