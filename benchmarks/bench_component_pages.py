"""Component pages alone: the once-per-build site model, then every page rendered in-process.

Reported in CPU seconds as well as wall time (the build machine is shared; CPU is steadier).
Budget (issue 6, part A): the whole component-page pass for 10,000 entries takes a few seconds;
the median page body stays small (the theme shell adds ~10-14 KB).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchmarks.harness import Figure, within
from benchmarks.synth import generate_kb
from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal.component import build_site_model, render_components

NAME = "component-pages"
PASS_LIMIT_S_PER_10K = 10.0
BODY_LIMIT_KB = 16.0


def _timed(fn):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def run(entries: int, workdir: Path) -> list[Figure]:
    """Measure build_site_model and rendering every component page, serial and with 2 workers."""
    repos = generate_kb(workdir / "kb", entries)
    corpus = Corpus.load(Workspace.open(repos))
    site, model_wall, model_cpu = _timed(lambda: build_site_model(corpus, history=False))
    sizes, wall, cpu = _timed(lambda: [len(p.body_html.encode("utf-8"))
                                       for _, p in render_components(corpus.entries, site)])  # fmt: skip
    _, wall2, _ = _timed(lambda: sum(1 for _ in render_components(corpus.entries, site, workers=2)))
    n = max(1, len(sizes))
    per_10k = cpu * 10_000 / n
    body_kb = statistics.median(sizes) / 1024 if sizes else 0.0
    return [
        Figure(name="site model (reference graph, tag index), once per build", ours=model_cpu, unit="s CPU",
               note=f"{model_wall:.2f} s wall; Git history not included (synthetic KB is not in Git)"),
        Figure(name=f"render {n} component pages, 1 process", ours=cpu, unit="s CPU",
               target=f"≤ {PASS_LIMIT_S_PER_10K:.0f} s CPU per 10,000", holds=within(per_10k, PASS_LIMIT_S_PER_10K),
               note=f"{1000 * cpu / n:.2f} ms/page; {wall:.2f} s wall; 2 forked workers: {wall2:.2f} s wall"),
        Figure(name="median component page body", ours=body_kb, unit="KB",
               target=f"≤ {BODY_LIMIT_KB:.0f} KB (page < 30 KB with the shell)", holds=within(body_kb, BODY_LIMIT_KB)),
    ]  # fmt: skip
