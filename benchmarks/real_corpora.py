"""kb validate on real CK corpora, checked against the table of their true faults.

    .venv/bin/python -m benchmarks.real_corpora /work/shared/data [--json]

The table, ``tests/fixtures/real-ck-faults.json``, lists every error and warning of each corpus
with the reason it is a true fault, and the counts before issue 15. For each corpus this prints the
counts before and now and every fault that is reported but not in the table (a false report, or
a fault nobody has reviewed) or in the table but no longer reported; it exits 1 when there is any.
The CK kernel's own repository comes from the installed ``ck`` package. The tests read the same
table for the small copies in ``tests/fixtures/ckrepos/real-*`` and never read the corpora.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from generator.ck.resolve import Workspace
from generator.diagnostics import Report
from generator.ops.check import validate_workspace

TABLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real-ck-faults.json"
KERNEL = "ck-kernel"
Fault = tuple[str, str, str]  # code, severity, path relative to the repository


def load_table(path: Path = TABLE) -> dict[str, Any]:
    """The table of true faults per corpus."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def kernel_repo() -> Path | None:
    """The CK kernel repository shipped in the installed ck==2.6.4 package (None without ck)."""
    try:
        import ck  # type: ignore[import-untyped]
    except ImportError:
        return None
    return Path(ck.__file__).resolve().parent / "repo"


def faults_of(report: Report, root: Path) -> list[Fault]:
    """The errors and warnings of a report, with paths relative to the repository."""
    return [(d.code, d.severity.value, str(Path(d.path).relative_to(root)))
            for d in report.sorted() if d.severity.value != "note"]  # fmt: skip


def listed(corpus: dict[str, Any]) -> list[Fault]:
    """The faults the table lists for one corpus."""
    return [(f["code"], f["severity"], f["path"]) for f in corpus["faults"]]


def check(name: str, corpus: dict[str, Any], root: Path) -> dict[str, Any]:
    """Validate one corpus and compare it with its table entry."""
    report = validate_workspace(Workspace.open([root]))
    seen, expected = faults_of(report, root), listed(corpus)
    counts = {s: sum(1 for d in report if d.severity.value == s) for s in ("error", "warning", "note")}
    return {"corpus": name, "entries": report.checked_entries, "before": corpus.get("before", {}), "now": counts,
            "unexpected": [f for f in seen if f not in expected], "missing": [f for f in expected if f not in seen]}


def main(argv: list[str] | None = None) -> int:
    """Check every corpus found under DATA_DIR (and the installed CK kernel repository)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder holding ck-mlperf/ and ck-corpora/")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = []
    for name, corpus in load_table()["corpora"].items():
        root = kernel_repo() if name == KERNEL else args.data_dir / corpus["folder"]
        if root is None or not (root / ".ckr.json").is_file():
            print(f"{name}: not found, skipped", file=sys.stderr)
            continue
        results.append(check(name, corpus, root))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'corpus':<22}{'entries':>8}  {'before (err/warn)':>18}  {'now (err/warn/note)':>20}  off-table")
        for r in results:
            before = f"{r['before'].get('errors', '?')}/{r['before'].get('warnings', '?')}"
            now = f"{r['now']['error']}/{r['now']['warning']}/{r['now']['note']}"
            off = len(r["unexpected"]) + len(r["missing"])
            print(f"{r['corpus']:<22}{r['entries']:>8}  {before:>18}  {now:>20}  {off}")
            for fault in r["unexpected"]:
                print(f"  not in the table: {fault}")
            for fault in r["missing"]:
                print(f"  no longer reported: {fault}")
    return 1 if any(r["unexpected"] or r["missing"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
