"""Run the benchmark modules, print one table, write the figures as versioned JSON, compare runs.

Used by ``scripts/bench``; ``python -m benchmarks.runner --help`` lists the options.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import synth
from benchmarks.harness import PROJECT_ROOT, Figure

FORMAT_VERSION = 1
BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
COLUMNS = ("benchmark", "figure", "ours", "baseline", "baseline value", "ratio", "target", "holds?")


def discover(names: Sequence[str] = ()) -> list[str]:
    """Module names of ``benchmarks/bench_*.py``, filtered by topic (``search`` or ``bench_search``)."""
    found = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if not names:
        return found
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in names}
    unknown = wanted - {f.removeprefix("bench_") for f in found}
    if unknown:
        raise SystemExit(f"scripts/bench: no benchmark named {', '.join(sorted(unknown))} "
                         f"(have: {', '.join(f.removeprefix('bench_') for f in found)})")  # fmt: skip
    return [f for f in found if f.removeprefix("bench_") in wanted]


def run_one(module_name: str, entries: int, workdir: Path) -> dict[str, Any]:
    """Import and run one benchmark module in a fresh work folder; errors are recorded, not raised."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    record: dict[str, Any] = {"module": module_name, "name": module_name.removeprefix("bench_"), "figures": []}
    start = time.perf_counter()
    try:
        module = importlib.import_module(f"benchmarks.{module_name}")
        record["name"] = getattr(module, "NAME", record["name"])
        figures: list[Figure] = module.run(entries, workdir)
        record["figures"] = [f.to_dict() for f in figures]
    except Exception as exc:  # a broken benchmark must not hide the others' figures
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc()
    record["wall_s"] = round(time.perf_counter() - start, 3)
    return record


def fmt_value(value: float | None, unit: str = "") -> str:
    """Numbers with 3 significant digits and their unit; '—' when not measured."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table_rows(records: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """One row per figure (or per failed benchmark), in the COLUMNS order."""
    rows = []
    for rec in records:
        if "error" in rec:
            rows.append((rec["name"], "FAILED", "—", "", "—", "—", "", rec["error"][:80]))
        for f in rec["figures"]:
            ratio = "—" if f.get("ratio") is None else f"{f['ratio']:.2f}×"
            holds = {True: "yes", False: "NO", None: "—"}[f.get("holds")]
            rows.append((rec["name"], f["name"], fmt_value(f["ours"], f["unit"]), f.get("baseline_name") or "—",
                         fmt_value(f.get("baseline"), f["unit"]), ratio, f.get("target") or "—", holds))  # fmt: skip
    return rows


def render_table(rows: list[tuple[str, ...]], columns: Sequence[str] = COLUMNS, *, markdown: bool = False) -> str:
    """Aligned plain-text table, or a Markdown table for the README."""
    if markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in col) for col in zip(columns, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*columns), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(lines)


def notes(records: list[dict[str, Any]]) -> str:
    """The figures' notes, numbered, printed under the table."""
    lines = [f"- {rec['name']} / {f['name']}: {f['note']}" for rec in records for f in rec["figures"] if f.get("note")]
    return "\n".join(lines)


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Per figure present in both runs: old → new value and the relative change."""
    before = {(r["name"], f["name"]): f for r in old.get("benchmarks", []) for f in r["figures"]}
    rows = []
    for rec in new["benchmarks"]:
        for f in rec["figures"]:
            prev = before.get((rec["name"], f["name"]))
            if prev is None or prev.get("ours") is None or f.get("ours") is None:
                continue
            delta = "—" if not prev["ours"] else f"{(f['ours'] - prev['ours']) / prev['ours'] * 100:+.1f} %"
            rows.append((rec["name"], f["name"], fmt_value(prev["ours"], prev["unit"]),
                         fmt_value(f["ours"], f["unit"]), delta))  # fmt: skip
    header = f"compared with {old.get('started', '?')} ({old.get('entries', '?')} entries)"
    return header + "\n" + render_table(rows, ("benchmark", "figure", "old", "new", "change"))


def merged_records(out: Path, report: dict[str, Any]) -> list[dict[str, Any]]:
    """This run's records plus the latest record of every other benchmark already in ``out`` (same KB)."""
    try:
        old = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return report["benchmarks"]
    same_kb = all(old.get(k) == report[k] for k in ("entries", "seed", "results"))
    if old.get("format_version") != FORMAT_VERSION or not same_kb:
        return report["benchmarks"]
    fresh = {r["module"] for r in report["benchmarks"]}
    kept = [{"started": old.get("started"), "commit": old.get("commit"), **r}
            for r in old.get("benchmarks", []) if r.get("module") not in fresh]  # fmt: skip
    return sorted(kept + report["benchmarks"], key=lambda r: r["module"])


def latest_records(files: Sequence[Path]) -> list[dict[str, Any]]:
    """The newest record of each benchmark over several result files (each record keeps its commit)."""
    best: dict[str, dict[str, Any]] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for rec in data.get("benchmarks", []):
            rec = {"started": data.get("started", ""), "commit": data.get("commit", ""), **rec}
            if rec["module"] not in best or rec["started"] >= best[rec["module"]]["started"]:
                best[rec["module"]] = rec
    return [best[m] for m in sorted(best)]


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True, check=False)  # fmt: skip
    except OSError:
        return ""
    return out.stdout.strip()


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (bench_<topic>.py topics); default all")
    parser.add_argument("--entries", type=int, default=10_000, help="size of the synthetic KB (default 10000)")
    parser.add_argument("--results", type=int, default=None, help="how many of them are results (default 40%%)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic KB (default 0)")
    parser.add_argument("--out", type=Path, help="JSON file for the figures (default benchmarks/out/bench-<N>.json)")
    parser.add_argument("--compare", type=Path, metavar="OLD.json", help="print changes against an earlier run")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--fresh", action="store_true",
                        help="overwrite --out instead of keeping the other benchmarks' latest records in it")
    parser.add_argument("--show", type=Path, nargs="+", metavar="FILE.json",
                        help="print the table of earlier runs (latest record per benchmark) and exit")
    parser.add_argument("--growth", action="store_true",
                        help="measure how every cost grows: profiles G and R at 1k, 3k, 10k, 30k entries (issue 19)")
    parser.add_argument("--large", action="store_true", help="with --growth: add 50,000 entries")
    parser.add_argument("--sizes", default="", metavar="N,N", help="with --growth: these sizes instead")
    parser.add_argument("--profiles", default="G,R", metavar="P,P", help="with --growth: profiles (default G,R)")
    parser.add_argument("--runs", type=int, default=3, help="with --growth: runs per CLI comparison (median)")
    return parser.parse_args(argv)


def _growth(args: argparse.Namespace) -> int:
    from benchmarks import growth

    sizes = [int(n) for n in args.sizes.split(",") if n.strip()] or [*growth.SIZES, *([growth.LARGE] * args.large)]
    os.environ.setdefault(synth.CACHE_ENV, str(OUT_DIR / "kb-cache"))
    growth.run(sizes, [p.strip() for p in args.profiles.split(",") if p.strip()], OUT_DIR, runs=args.runs,
               markdown=args.markdown, out=args.out)  # fmt: skip
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Generate (or reuse) the KB, run the benchmarks, print the table, write JSON; 1 if one crashed."""
    args = _parse(argv)
    if args.show:
        print(render_table(table_rows(latest_records(args.show)), markdown=args.markdown))
        return 0
    if args.growth:
        return _growth(args)
    modules = discover(args.names)
    if args.list:
        print("\n".join(m.removeprefix("bench_") for m in modules))
        return 0
    os.environ.setdefault(synth.CACHE_ENV, str(OUT_DIR / "kb-cache"))
    start = time.perf_counter()
    repos = synth.generate_kb(OUT_DIR / "kb", args.entries, seed=args.seed, results=args.results)
    print(f"synthetic KB: {args.entries} entries, seed {args.seed}, {len(repos)} repositories "
          f"({time.perf_counter() - start:.1f} s incl. generation if not cached)", flush=True)  # fmt: skip
    started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    records: list[dict[str, Any]] = []
    report = {"format_version": FORMAT_VERSION, "started": started, "entries": args.entries, "seed": args.seed,
              "results": args.results, "commit": _git_commit(),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "command": "scripts/bench " + " ".join(argv if argv is not None else sys.argv[1:]),
              "benchmarks": records}  # fmt: skip
    out = args.out or OUT_DIR / f"bench-{args.entries}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    prior = [] if args.fresh else [r for r in merged_records(out, {**report, "benchmarks": []})
                                   if r.get("module") not in modules]  # fmt: skip
    trash: list[Path] = []  # work folders are removed at the very end: deleting a big site is slow
    for name in modules:
        print(f"running {name.removeprefix('bench_')} …", flush=True)
        workdir = OUT_DIR / "work" / f"{name}-{os.getpid()}"  # concurrent runs in one tree must not collide
        rec = run_one(name, args.entries, workdir)
        rec.update(started=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), commit=_git_commit())
        if "error" in rec:
            print(rec["traceback"], file=sys.stderr)
        records.append(rec)
        # Saved after every benchmark, before the (slow) clean-up: a long run keeps what it measured.
        saved = {**report, "benchmarks": sorted(prior + records, key=lambda r: r["module"])}
        out.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        trash.append(workdir)
    print()
    print(render_table(table_rows(records), markdown=args.markdown))
    if notes(records):
        print("\nnotes:\n" + notes(records))
    if args.compare:
        print("\n" + compare(json.loads(args.compare.read_text(encoding="utf-8")), report))
    print(f"\nfigures written to {out}", flush=True)
    for folder in trash:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if any("error" in r for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
