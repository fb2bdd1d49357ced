"""The doctor job: find layout problems CK would trip on across repositories, optionally repair."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.ck import doctor
from generator.ck.lock import RepoLock, reading
from generator.ck.store import Repo
from generator.diagnostics import Report


@dataclass
class DoctorResult:
    """What was found (and fixed) in each repository."""

    findings: list[doctor.Finding] = field(default_factory=list)
    fixed: list[doctor.Finding] = field(default_factory=list)

    def report(self) -> Report:
        """Remaining problems as a diagnostics report (fixed ones left out)."""
        report = Report(checked_entries=0)
        fixed = {id(f) for f in self.fixed}
        report.extend(f.diagnostic() for f in self.findings if id(f) not in fixed)
        return report


def run_doctor(repo_paths: list[Path], *, fix: bool = False) -> DoctorResult:
    """Examine each repository without auto-recovery; with ``fix`` apply the safe repairs."""
    result = DoctorResult()
    for path in repo_paths:
        repo = Repo.open(path, recover=False)
        # Examined while no kb writer is mid-change (a half-done rename is no finding), and with
        # --fix under the write lock all along: a repair acts on what is on disk at that moment.
        with RepoLock(repo.path) if fix else reading(repo.path):
            findings = doctor.examine(repo)
            result.findings += findings
            if fix and findings:
                result.fixed += doctor.repair(repo, findings)
    return result
