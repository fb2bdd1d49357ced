"""Dashboards in real headless Chromium: one drawn mark per result, compare page, nothing fetched from outside."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.ck.store import Repo
from generator.ops.build import build_site
from generator.ops.importing import run_import
from tests.browser_support import PageSession

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "results"
IC_SLUG = "mlperf-inference-v0.5-image-classification-singlestream"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real MkDocs build of a small KB imported from the fixture slices."""
    root = tmp_path_factory.mktemp("portal")
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_FSYNC", "0")
    try:
        core = Repo.init(root / "core", "core")
        core.add("dataset", "imagenet-2012-val", meta={"tags": ["dataset"], "name": "ImageNet 2012 validation"})
        run_import("mlperf", [FIXTURES / "mlperf-v0.5-ic-slice.json", FIXTURES / "mlperf-v0.5-od-slice.json"],
                   root / "mlperf", repo_paths=[core.path], cwd=root)  # fmt: skip
        run_import("ck-dashboard", [FIXTURES / "mobilenets-slice.json"], root / "mobilenets",
                   repo_paths=[core.path, root / "mlperf"], cwd=root)  # fmt: skip
    finally:
        mp.undo()
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Test portal\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Test portal\ndocs_dir: docs\nsite_dir: site\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - kb:\n      repos:\n        - core\n        - mlperf\n        - mobilenets\n",
        encoding="utf-8",
    )
    return build_site(root / "mkdocs.yml", site_dir=root / "site")


def _open(session: PageSession, url: str) -> Any:
    page = session.page
    page.goto(url)
    page.wait_for_selector(".kb-vega[data-ready] svg", timeout=20000)
    page.wait_for_function("[...document.querySelectorAll('.kb-vega')].every(c => c.dataset.ready)", timeout=20000)
    return page


def test_dashboard_draws_one_mark_per_result_with_no_external_request(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    data = json.loads((portal / "dashboards" / IC_SLUG / "data.json").read_text())
    assert len(data) == 10
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{IC_SLUG}/")
    marks = page.eval_on_selector_all(".kb-vega g.mark-symbol.role-mark.results_marks path", "n => n.length")
    assert marks == len(data)
    front = page.eval_on_selector_all(".kb-vega g.mark-line.role-mark path", "n => n.length")
    assert front == 1
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_submitter_filter_and_legend_are_interactive(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{IC_SLUG}/")
    assert page.eval_on_selector_all(".kb-vega g.role-legend-symbol path", "n => n.length") > 1
    page.select_option(".kb-vega select", "Intel")
    page.wait_for_function(
        "document.querySelectorAll('.kb-vega g.mark-symbol.role-mark.results_marks path').length === 2"
    )
    assert browser_page.console_errors == []


def test_compare_page_shows_metrics_side_by_side_with_percent_difference(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    results = json.loads((portal / "compare" / "results.json").read_text())["results"]
    ic = [r for r in results if r["benchmark"].endswith("image-classification")]
    first, second = ic[0], ic[1]
    page = browser_page.page
    page.goto(serve_dir(portal) + f"compare/?kind=results&ids={first['uid']},{second['uid']}")
    page.wait_for_selector("#kb-compare[data-ready] table.kb-compare-table td.kb-diff")
    latency = page.eval_on_selector_all(
        "table.kb-compare-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    row = next(r for r in latency if r[0] == "latency")
    a, b = first["metrics"]["latency"][0], second["metrics"]["latency"][0]
    expected = -(b - a) / abs(a) * 100  # lower is better: a smaller latency is a positive difference
    assert row[3] == f"{'+' if expected > 0 else ''}{expected:.1f} %"
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_platform_page_draws_its_results_chart_under_the_strict_policy(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    html = (portal / "platform" / "firefly-rk3399" / "index.html").read_text(encoding="utf-8")
    assert "'unsafe-eval'" not in html  # component pages keep the strict policy: Vega's interpreter draws
    page = _open(browser_page, serve_dir(portal) + "platform/firefly-rk3399/")
    data = json.loads((portal / "dashboards" / IC_SLUG / "data.json").read_text())
    counts = page.eval_on_selector_all(
        ".kb-vega", "charts => charts.map(c => c.querySelectorAll('g.mark-symbol.role-mark path').length)"
    )
    assert len(data) in counts
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_clicking_a_point_opens_its_result_page(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{IC_SLUG}/")
    box = page.locator(".kb-vega g.mark-symbol.role-mark.results_marks path").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/result/**")
    assert page.locator("h1").first.inner_text()
    assert browser_page.external_requests == []
