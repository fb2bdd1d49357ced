"""Data problems found in a corpus, collected (never printed) and summarised in a Report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a diagnostic is; errors fail validation, warnings only under --strict."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is (file, JSON path, line) and how to fix it."""

    code: str
    severity: Severity
    path: str
    message: str
    json_path: str = "$"
    line: int = 0
    column: int = 0
    hint: str = ""

    def location(self) -> str:
        """Return ``file::$.json.path`` as check-jsonschema prints it."""
        return f"{self.path}::{self.json_path}"

    def to_dict(self) -> dict[str, object]:
        """Plain-data form for the JSON reporter."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class Report:
    """All diagnostics of one run plus what was checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked_entries: int = 0

    def extend(self, items: Iterable[Diagnostic]) -> None:
        """Add diagnostics from one check."""
        self.diagnostics.extend(items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics ordered by file, then line, then JSON path, so output is stable."""
        return sorted(self.diagnostics, key=lambda d: (d.path, d.line, d.json_path, d.code))

    def counts(self) -> Counter[str]:
        """Number of diagnostics per severity name."""
        return Counter(d.severity.value for d in self.diagnostics)

    def failed(self, *, strict: bool = False) -> bool:
        """True when the run should exit 1: any error, or any warning under --strict."""
        counts = self.counts()
        return counts["error"] > 0 or (strict and counts["warning"] > 0)

    def summary(self) -> str:
        """One line: how many entries and problems."""
        c = self.counts()
        return (
            f"{self.checked_entries} entries checked: {c['error']} errors, "
            f"{c['warning']} warnings, {c['note']} notes"
        )
