"""``scripts/bench --growth``: how every cost grows with the KB, on the shapes CK really has.

For each profile (G: generic tag dependencies; R: real repositories replicated, see synth_*.py)
and each size (1k, 3k, 10k, 30k; 50k with ``--large``) one run measures, each next to its baseline
in the same run and as whole processes: ``kb build`` against plain MkDocs Material + search
rendering comparable pages (plain_site.py), ``kb validate`` against check-jsonschema, ``kb list``
against ``ck list``, ``kb search`` against ``ck search`` (kb's background check waited for and its
CPU counted), ``kb build --dirty`` with nothing changed and after one edit, the first ``kb search``
(index build) and the built site's size. The table shows each ratio with our value, plus CPU
seconds per 1,000 entries so that growth is visible; the figures go to ``benchmarks/out/growth.json``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import growth_steps as steps
from benchmarks.growth_table import render
from benchmarks.harness import Measured, smoke
from benchmarks.plain_site import WHAT as PLAIN_WHAT
from benchmarks.synth import generate_kb

SIZES = (1_000, 3_000, 10_000, 30_000)
LARGE = 50_000
PROFILES = ("G", "R")
# (kb search arguments, ck search arguments) per profile: a tag query and a free-text query.
QUERIES = {
    "G": ((["tag:lang-cpp"], ["--tags=lang-cpp"]), (["gcc"], ["--search_string=*gcc*"])),
    "R": ((["tag:tensorflow"], ["--tags=tensorflow"]), (["mobilenet"], ["--search_string=*mobilenet*"])),
}


def _say(profile: str, size: int) -> steps.Progress:
    def say(text: str) -> None:
        print(f"  [{profile} {size:,}] {text}", file=sys.stderr, flush=True)

    return say


def _figures(step: steps.Step) -> dict[str, Any]:
    def one(m: Measured | None) -> dict[str, float] | None:
        if m is None:
            return None
        return {"wall_s": round(m.wall_s, 3), "cpu_s": round(m.cpu_s, 3), "peak_mb": round(m.peak_rss_mb, 1),
                "background_cpu_s": round(m.background_cpu_s, 3)}  # fmt: skip

    return {"ours": one(step.ours), "base": one(step.base), "note": step.note,
            **{k: v for k, v in step.extra.items() if k != "sample"}}  # fmt: skip


def measure_size(profile: str, size: int, work: Path, runs: int) -> tuple[dict[str, Any], str]:
    """Every figure of one profile at one size; returns them and the baseline's sample page."""
    say = _say(profile, size)
    repos = generate_kb(work / "gen", size, profile=profile)
    kb = steps.prepare(repos, work / f"{profile}-{size}", size)
    load = [round(x, 2) for x in os.getloadavg()]
    built, sizes = steps.build(kb, say)
    found: dict[str, Any] = {"load_before": load, "build": _figures(built), "site": _figures(sizes)}
    found["dirty_unchanged"] = _figures(steps.dirty_unchanged(kb))
    say(f"dirty rebuild, nothing changed {found['dirty_unchanged']['ours']['wall_s']:.1f} s")
    found["dirty"] = _figures(steps.dirty_rebuild(kb))
    say(f"dirty rebuild {found['dirty']['ours']['wall_s']:.1f} s")
    found["validate"] = _figures(steps.validate(kb, say))
    ck = None if smoke() else steps.ck_env(kb)  # the smoke test skips registering with CK (seconds)
    found["list"] = _figures(steps.listing(kb, ck, runs))
    (tag_ours, tag_ck), (text_ours, text_ck) = QUERIES[profile]
    found["first_search"] = _figures(steps.first_search(kb, text_ours[0]))
    say(f"first search {found['first_search']['ours']['wall_s']:.1f} s")
    found["search_tag"] = _figures(steps.search(kb, ck, tag_ours, tag_ck, runs))
    found["search_text"] = _figures(steps.search(kb, ck, text_ours, text_ck, runs))
    found["load_after"] = [round(x, 2) for x in os.getloadavg()]
    say(f"done, load average {found['load_after'][0]:.1f}")
    shutil.rmtree(kb.work, ignore_errors=True)
    return found, str(built.extra.get("sample", ""))


def run(sizes: Sequence[int], profiles: Sequence[str], out_dir: Path, *, runs: int = 3,
        markdown: bool = False, out: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """Measure every profile at every size, print the table, write the JSON; returns the report."""
    report: dict[str, Any] = {"started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                              "cpus": os.cpu_count(), "sizes": list(sizes), "profiles": {},
                              "plain_baseline": PLAIN_WHAT}  # fmt: skip
    out = out or out_dir / "growth.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    samples = {}
    for profile in profiles:
        report["profiles"][profile] = {}
        for size in sizes:
            print(f"{profile} at {size:,} entries …", flush=True)
            found, sample = measure_size(profile, size, out_dir / "work" / f"growth-{os.getpid()}", runs)
            report["profiles"][profile][str(size)] = found
            samples.setdefault(profile, sample)
            out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")  # kept after every size
    report["finished"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(render(report, markdown=markdown))
    for profile, sample in samples.items():
        head = "\n".join(sample.splitlines()[:14])
        print(f"\nplain baseline ({PLAIN_WHAT}); a page of profile {profile}, first lines:\n{head}")
    print(f"\nfigures written to {out}", flush=True)
    return report
