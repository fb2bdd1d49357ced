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


def _slugs(portal: Path) -> dict[str, str]:
    """Dashboard slugs of the test portal by a short name (closed ResNet-50, closed MobileNet, study)."""
    from generator.ck.corpus import Corpus
    from generator.ck.resolve import Workspace
    from generator.portal.dashboards import _LAST, results_view

    root = portal.parent
    corpus = Corpus.load(Workspace.open([root / "core", root / "mlperf", root / "mobilenets"]))
    _LAST.clear()
    boards = results_view(corpus).dashboards
    _LAST.clear()
    named = {"resnet": "resnet50-v1.5", "mobilenet": "mobilenet-v1-1.0-224"}
    found = {k: b.slug for b in boards for k, ref in named.items() if b.identity.reference_model == ref}
    found["study"] = next(b.slug for b in boards if b.benchmark == "mobilenets-armcl-tflite")
    return found


def _open(session: PageSession, url: str) -> Any:
    page = session.page
    page.goto(url)
    page.wait_for_selector(".kb-vega[data-ready] svg", timeout=20000)
    page.wait_for_function("[...document.querySelectorAll('.kb-vega')].every(c => c.dataset.ready)", timeout=20000)
    return page


def _marks(page: Any) -> int:
    return int(page.eval_on_selector_all(".kb-chart .kb-vega g.mark-symbol.role-mark.results_marks path",
                                         "n => n.length"))  # fmt: skip


def _ready(page: Any) -> None:
    page.wait_for_selector(".kb-chart[data-state=ready] .kb-vega[data-ready] svg", timeout=20000)


def test_dashboard_draws_one_mark_per_result_with_no_external_request(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    slug = _slugs(portal)["resnet"]
    data = json.loads((portal / "dashboards" / slug / "data.json").read_text())
    assert len(data) == 6  # the slice's closed-division ResNet-50 rows; MobileNet is another benchmark
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{slug}/")
    _ready(page)
    assert _marks(page) == len(data)
    front = page.eval_on_selector_all(".kb-vega g.mark-line.role-mark path", "n => n.length")
    assert front == 1
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_filters_apply_to_chart_front_and_tables_and_live_in_the_url(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    slug = _slugs(portal)["study"]
    data = json.loads((portal / "dashboards" / slug / "data.json").read_text())
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{slug}/")
    _ready(page)
    assert page.eval_on_selector_all(".kb-vega g.role-legend-symbol path", "n => n.length") > 1
    board = next(r["platform"] for r in data if "Firefly" in r["platform"])
    page.select_option("select[name=platform]", board)
    page.wait_for_function("document.querySelector('.kb-chart').dataset.shown === '6'")
    _ready(page)
    firefly = [r for r in data if r["platform"] == board]
    assert _marks(page) == len(firefly) == 6
    shown = page.eval_on_selector_all("table.kb-all tbody tr", "rows => rows.map(r => r.dataset.uid)")
    assert sorted(shown) == sorted(r["uid"] for r in firefly)
    front = page.eval_on_selector_all("table.kb-pareto tbody tr", "rows => rows.map(r => r.dataset.uid)")
    assert set(front) <= {r["uid"] for r in firefly}
    assert "platform=Firefly" in page.url
    page.goto(page.url)  # the URL alone brings the same view back
    _ready(page)
    assert page.eval_on_selector("select[name=platform]", "s => s.value") == board
    assert _marks(page) == 6
    assert browser_page.console_errors == []


def test_axes_are_chosen_among_the_benchmarks_metrics_with_units(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    slug = _slugs(portal)["study"]
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{slug}/")
    _ready(page)
    page.select_option("select[name=x]", "throughput")
    page.wait_for_function("location.search.includes('x=throughput')")
    _ready(page)
    titles = page.eval_on_selector_all(".kb-vega g.role-axis-title text", "n => n.map(t => t.textContent)")
    assert "throughput (images/s, higher is better)" in titles
    head = page.eval_on_selector_all("table.kb-pareto thead th", "n => n.map(t => t.textContent)")
    assert "throughput (images/s)" in head
    labels = page.eval_on_selector_all(".kb-vega g.role-axis-label text", "n => n.map(t => t.textContent)")
    assert labels and not any("e+" in t or len(t.replace(",", "").replace(".", "")) > 7 for t in labels)
    assert browser_page.console_errors == []


def test_compare_keeps_the_order_picked_with_a_baseline_and_ratios(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    results = json.loads((portal / "compare" / "results.json").read_text())["results"]
    ic = [r for r in results if "latency" in r["metrics"] and r["benchmark"].endswith("image-classification")]
    first, second, third = ic[0], ic[1], ic[2]
    page = browser_page.page
    page.goto(serve_dir(portal) + f"compare/?kind=results&ids={second['uid']},{first['uid']}")
    page.wait_for_selector("#kb-compare[data-ready] table.kb-compare-table td.kb-diff")
    heads = page.eval_on_selector_all("table.kb-compare-table thead th a", "n => n.map(a => a.textContent)")
    assert heads == [second["title"], first["title"]]  # the order picked, not the order of the data
    row = next(r for r in page.eval_on_selector_all(
        "table.kb-compare-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
        if r[0] == "latency")  # fmt: skip
    a, b = second["metrics"]["latency"][0], first["metrics"]["latency"][0]
    expected = -(b - a) / abs(a) * 100  # lower is better: a smaller latency is a positive difference
    assert row[3].startswith(f"{'+' if expected > 0 else ''}{expected:.1f} %")
    ratio = b / a
    assert ("× slower" in row[3]) == (ratio > 1) and ("×" in row[3])
    page.check(f"#kb-compare input[name=kb-compare-baseline][value='{first['uid']}']")
    page.fill(".kb-compare-filter", third["title"][:20])
    page.check(f".kb-compare-options input[value='{third['uid']}']")  # a plain click adds, keeps the others
    page.wait_for_function("document.querySelectorAll('table.kb-compare-table thead th a').length === 3")
    assert f"base={first['uid']}" in page.url and f"ids={second['uid']}%2C{first['uid']}%2C{third['uid']}" in page.url
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_platform_page_draws_its_results_chart_under_the_strict_policy(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    html = (portal / "platform" / "firefly-rk3399" / "index.html").read_text(encoding="utf-8")
    assert "'unsafe-eval'" not in html  # component pages keep the strict policy: Vega's interpreter draws
    page = _open(browser_page, serve_dir(portal) + "platform/firefly-rk3399/")
    slug = _slugs(portal)["resnet"]
    data = json.loads((portal / "dashboards" / slug / "data.json").read_text())
    counts = page.eval_on_selector_all(
        ".kb-vega", "charts => charts.map(c => c.querySelectorAll('g.mark-symbol.role-mark path').length)"
    )
    assert len(data) in counts
    results = page.locator("#results")
    assert results.count() == 1 and page.locator("table.kb-best").count() >= 1
    order = page.evaluate("[...document.querySelectorAll('h2')].map(h => h.id)")
    assert order.index("results") < order.index("details") if "details" in order else True
    assert browser_page.external_requests == []
    assert browser_page.console_errors == []


def test_clicking_a_point_opens_its_result_page(
    portal: Path, browser_page: PageSession, serve_dir: Callable[[Path], str]
) -> None:
    page = _open(browser_page, serve_dir(portal) + f"dashboards/{_slugs(portal)['resnet']}/")
    _ready(page)
    box = page.locator(".kb-vega g.mark-symbol.role-mark.results_marks path").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/result/**")
    assert page.locator("h1").first.inner_text()
    assert browser_page.external_requests == []
