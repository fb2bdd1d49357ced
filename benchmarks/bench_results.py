"""Results: import 5,000 generated MLPerf-style rows, build every dashboard's data and specs, draw one.

Figures (issue 8): ``kb import mlperf`` of 5,000 rows (whole process, first run and the idempotent
re-run), building all dashboards' data and specs from the loaded corpus (target < 5 s), and a
5,000-point dashboard drawn in headless Chromium (target < 2 s, from navigation until every mark
is in the SVG). The rows are generated here, deterministically; ``--entries`` does not change the
5,000 (the smoke test runs 60).
"""

from __future__ import annotations

import functools
import http.server
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import Figure, kb_argv, measure_call, measure_command, smoke, within
from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal import dashboards as portal_dashboards
from generator.portal.shell import CONTENT_MARK, TITLE_MARK, shell_url_path
from generator.results.dashboards import board_slug
from generator.results.identity import BenchmarkId

NAME = "results"
RESULTS = 5000
BUILD_TARGET_S = 5.0
DRAW_TARGET_S = 2.0
# Every generated row is an open-division MobileNet result: one benchmark, so one 5,000-point dashboard.
SLUG = board_slug(BenchmarkId("mlperf-inference-v0.5/image-classification", "mobilenet-v1-1.0-224", "SingleStream",
                              "Open", "imagenet-2012-val"))  # fmt: skip


def mlperf_rows(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """MLPerf v0.5-shaped image-classification rows (SingleStream), realistic spreads, HTML links."""
    rng = random.Random(seed)
    submitters = [f"Submitter{i}" for i in range(25)]
    systems = [
        (rng.choice(submitters), f"System {i}", rng.choice(["NVIDIA T4", "Arm Mali-G71", "N/A", "Goya"]))
        for i in range(120)
    ]
    models = ["mobilenet (224x224)"] + [
        f"mobilenet-v1-{m}-{r} ({r}x{r})" for m in ("0.25", "0.5", "0.75", "1.0") for r in (128, 160, 192, 224)
    ]
    rows = []
    for i in range(count):
        submitter, system, accelerator = rng.choice(systems)
        rows.append(
            {
                "ID": [f"Inf-0.5-{i:05d}", "Open", "Available", submitter, system, "x"],
                "Division": "Open",
                "Category": "Available",
                "Submitter": submitter,
                "System": system,
                "Task": "Image Classification",
                "Benchmark": rng.choice(models),
                "Scenario": "SingleStream",
                "Processor": "Some CPU",
                "Processor #": 1,
                "Accelerator": accelerator,
                "Accelerator #": 1,
                "FF_M": " ",
                "FF_E": "x",
                "FF_D": " ",
                "FF_S": " ",
                "Details": f'<a href="https://example.org/systems/{i}.json">Link</a>',
                "Code": " ",
                "Notes": " ",
                "Software": {
                    "title": "Software",
                    "cmd": rng.choice(["TFLite v1.15.0", "ArmNN v19.08 (Neon)", "TensorRT 6.0"]),
                },
                "Invalid?": 0,
                "P_IC1": round(rng.lognormvariate(3.0, 1.3), 3),
                "A_IC1": round(rng.uniform(40, 77), 3),
            }
        )
    return rows


def build_all(corpus: Corpus) -> int:
    """Every dashboard's data and specs (what the portal writes), from a loaded corpus; returns the points."""
    portal_dashboards._LAST.clear()
    view = portal_dashboards.results_view(corpus)
    size = 0
    for board in view.dashboards:
        size += sum(len(text) for text in portal_dashboards.dashboard_files(view, board).values())
    size += len(json.dumps(portal_dashboards.compare_data(view)))
    return sum(len(r) for r in view.records.values())


def _fake_shells(site: Path) -> None:
    for depth in (1, 2):
        page = site / shell_url_path(depth) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{TITLE_MARK}</title></head>"
            f"<body>{CONTENT_MARK}</body></html>",
            encoding="utf-8",
        )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log in the benchmark output."""


def _draw_seconds(site: Path, expected: int) -> tuple[float | None, str]:
    """Seconds from navigation until the dashboard's SVG holds every mark, in headless Chromium."""
    try:
        from playwright.sync_api import sync_playwright

        from tests.browser_support import CHROMIUM_ARGS, chromium_path
    except ImportError as exc:
        return None, f"skipped: {exc}"
    path = chromium_path()
    if path is None:
        return None, "skipped: Chromium is not installed"
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/dashboards/{SLUG}/"
    selector = ".kb-vega g.mark-symbol.role-mark.results_marks path"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)  # warm-up: caches the 0.8 MB runtime like a second visit would
            page.wait_for_selector(".kb-chart[data-state=ready] .kb-vega[data-ready]", timeout=60000)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(".kb-chart[data-state=ready] .kb-vega[data-ready]", timeout=60000)
                times.append(time.perf_counter() - start)
            drawn = page.eval_on_selector_all(selector, "n => n.length")
            embed_ms = page.eval_on_selector(".kb-vega", "c => Number(c.dataset.ms)")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    times.sort()
    note = (
        f"{drawn} marks drawn (expected {expected}); median of {len(times)} loads after a warm-up; "
        f"vegaEmbed itself {embed_ms / 1000:.2f} s of the last load"
    )
    return times[len(times) // 2], note


def run(entries: int, workdir: Path) -> list[Figure]:
    """Import, build and draw; one figure each."""
    count = min(entries, 60) if smoke() else RESULTS
    workdir.mkdir(parents=True, exist_ok=True)
    table = workdir / "mlperf-rows.json"
    table.write_text(json.dumps(mlperf_rows(count)), encoding="utf-8")
    repo = workdir / "imported"
    env = {"KB_FSYNC": "0"}
    argv = kb_argv("-R", workdir / "no-config", "import", "mlperf", table, "--into", repo)
    first = measure_command(argv, env=env)
    again = measure_command(argv, env=env)
    corpus = Corpus.load(Workspace.open([repo]))
    built = measure_call(build_all, corpus, repeat=1 if smoke() else 3)
    site = workdir / "site"
    _fake_shells(site)
    portal_dashboards.write_dashboards(corpus, site, svg=False)
    drawn, note = (None, "skipped in the smoke run") if smoke() else _draw_seconds(site, built.value)
    return [
        Figure(
            name=f"kb import mlperf, {count} rows (whole process)",
            ours=first.wall_s,
            unit="s",
            note=f"peak RSS {first.peak_rss_mb:.0f} MB; KB_FSYNC=0",
        ),
        Figure(name=f"kb import mlperf again, {count} rows (nothing changes)", ours=again.wall_s, unit="s"),
        Figure(
            name=f"build all dashboards' data and specs, {built.value} points",
            ours=built.wall_s,
            unit="s",
            target=f"< {BUILD_TARGET_S:.0f} s",
            holds=within(built.wall_s, BUILD_TARGET_S),
            note="from the loaded corpus: rows, groups, fronts, leaderboards, records, specs, compare JSON",
        ),
        Figure(
            name=f"draw a {built.value}-point dashboard in Chromium",
            ours=drawn,
            unit="s",
            target=f"< {DRAW_TARGET_S:.0f} s",
            holds=within(drawn, DRAW_TARGET_S),
            note=note,
        ),
    ]
