"""Dashboard pages over the embedded KB: every point, the Pareto front, leaderboards, compare, badges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal.dashboards import home_dashboards, results_view, write_dashboards
from generator.portal.result_sections import component_section
from generator.portal.shell import CONTENT_MARK, TITLE_MARK, shell_url_path
from generator.results.pareto import pareto_front
from tests.test_results import assert_valid_vega_lite

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = [ROOT / "kb" / "reef-core", ROOT / "kb" / "mlperf-inference-v0.5", ROOT / "kb" / "mobilenets",
            ROOT / "kb" / "request-asplos18"]  # fmt: skip
IC = "mlperf-inference-v0.5/image-classification"


def fake_shells(site_dir: Path) -> None:
    """Minimal theme shells (what MkDocs renders for the kb plugin) so pages can be filled."""
    for depth in (1, 2):
        page = site_dir / shell_url_path(depth) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<html><head><title>{TITLE_MARK}</title></head><body><h1>{TITLE_MARK}</h1>{CONTENT_MARK}</body></html>",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """The embedded KB's curated entries and imported results."""
    return Corpus.load(Workspace.open(EMBEDDED))


@pytest.fixture(scope="module")
def site(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dashboards written into a site folder (no SVGs: they are tested once, separately)."""
    site_dir = tmp_path_factory.mktemp("site")
    fake_shells(site_dir)
    stats = write_dashboards(corpus, site_dir, svg=False)
    assert stats.dashboards == 8
    return site_dir


def _board(corpus: Corpus, benchmark: str, reference: str, division: str = "Closed") -> Any:
    return next(b for b in results_view(corpus).dashboards if (b.benchmark, b.identity.reference_model,
                                                               b.identity.division) == (benchmark, reference, division))


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _ic_results(corpus: Corpus) -> list[Any]:
    return [
        e for e in corpus.of_module("result") if e.meta.get("benchmark") == "mlperf-inference-v0.5/image-classification"
    ]


def test_embedded_ic_dashboards_hold_every_imported_point_once(corpus: Corpus, site: Path) -> None:
    imported = _ic_results(corpus)
    assert len(imported) == 407
    boards = [b for b in results_view(corpus).dashboards if b.benchmark == IC]
    assert len(boards) == 3  # closed ResNet-50, closed MobileNet, open MobileNet
    found = []
    for board in boards:
        data = json.loads((site / "dashboards" / board.slug / "data.json").read_text())
        found += [r["uid"] for r in data]
        page = _soup(site / "dashboards" / board.slug / "index.html")
        assert f"{len(data)} results" in page.select_one(".kb-dashboard-summary").get_text()
    assert sorted(found) == sorted(e.ref.uid for e in imported)


def test_closed_resnet_dashboard_lists_the_correct_pareto_front(corpus: Corpus, site: Path) -> None:
    board = _board(corpus, IC, "resnet50-v1.5")
    data = json.loads((site / "dashboards" / board.slug / "data.json").read_text())
    expected = {data[i]["uid"] for i in pareto_front([(r["x"], r["y"]) for r in data], "lower", "higher")}
    assert {r["uid"] for r in data if r["front"]} == expected
    rows = _soup(site / "dashboards" / board.slug / "index.html").select("table.kb-pareto tbody tr")
    assert {tr["data-uid"] for tr in rows} == expected
    latencies = [float(tr.select("td.kb-num")[0]["data-value"]) for tr in rows]
    assert latencies == sorted(latencies)  # best (lowest) latency first
    assert all(tr.select("td.kb-num")[0].get_text().endswith(" ms") for tr in rows)


def test_leaderboards_rank_primary_metrics_in_their_direction(corpus: Corpus, site: Path) -> None:
    for board in results_view(corpus).dashboards:
        page = _soup(site / "dashboards" / board.slug / "index.html")
        tables = page.select("table.kb-leaderboard")
        assert [t["data-metric"] for t in tables] == [lb.metric for lb in board.leaderboards]
        for table in tables:
            values = [float(td["data-value"]) for td in table.select("td.kb-num")]
            descending = table["data-direction"] == "higher"
            assert values == sorted(values, reverse=descending), (board.slug, table["data-metric"])
            assert not any(word in table["data-metric"] for word in ("stdev", "_min", "_max", "price", "power"))
    resnet = _soup(site / "dashboards" / _board(corpus, IC, "resnet50-v1.5").slug / "index.html")
    assert [t["data-direction"] for t in resnet.select("table.kb-leaderboard")] == ["lower", "higher"]


def test_every_generated_spec_validates_against_the_vega_lite_schema(corpus: Corpus, site: Path) -> None:
    specs = [json.loads(p.read_text()) for p in (site / "dashboards").rglob("*spec.json")]
    for page in (site / "dashboards").rglob("index.html"):
        specs += [json.loads(s.string) for s in _soup(page).select("script.vega-spec")]
    for module in ("platform", "model"):  # focus charts differ only in the focus value: a sample suffices
        for entry in corpus.of_module(module)[:8]:
            html = str(component_section(entry, corpus))
            specs += [json.loads(s.string) for s in BeautifulSoup(html, "html.parser").select("script.vega-spec")]
    assert len(specs) > 20
    for spec in specs:
        assert_valid_vega_lite(spec)


def test_chart_data_lives_next_to_the_page_not_inline(corpus: Corpus, site: Path) -> None:
    page = (site / "dashboards" / _board(corpus, IC, "resnet50-v1.5").slug / "index.html").read_text()
    spec = json.loads(BeautifulSoup(page, "html.parser").select_one("script.vega-spec").string)
    assert spec["data"] == {"url": "data.json"}
    assert '"values"' not in page
    assert (site / "assets" / "kb" / "vendor" / "vega.min.js").is_file()
    assert (site / "assets" / "kb" / "charts.js").is_file()


def test_dashboard_index_and_compare_page_are_written(corpus: Corpus, site: Path) -> None:
    index = _soup(site / "dashboards" / "index.html")
    links = [a["href"] for a in index.select("table.kb-dashboards a")]
    assert all(f"../dashboards/{b.slug}/" in links for b in results_view(corpus).dashboards)
    compare = json.loads((site / "compare" / "results.json").read_text())
    assert len(compare["results"]) == 805 and compare["platforms"]
    sample = compare["results"][0]
    assert set(sample) >= {"uid", "title", "url", "benchmark", "scenario", "platform", "metrics"}
    assert _soup(site / "compare" / "index.html").select_one("#kb-compare")["data-src"] == "results.json"


def test_result_pages_say_how_often_their_configuration_was_measured(corpus: Corpus) -> None:
    view = results_view(corpus)
    lonely = next(g for g in view.groups.values() if g.count == 1)
    entry = next(e for e in corpus.of_module("result") if e.ref.uid == lonely.rows[0].uid)
    html = str(component_section(entry, corpus))
    assert "measured once" in html and "No other result has measured this configuration yet." in html
    assert "#1 of" in html or "#" in BeautifulSoup(html, "html.parser").select_one("table.kb-ranks").get_text()


def test_platform_and_model_pages_get_their_results_charts(corpus: Corpus) -> None:
    firefly = corpus.lookup("platform", "firefly-rk3399")[0]
    soup = BeautifulSoup(str(component_section(firefly, corpus)), "html.parser")
    titles = [h.get_text() for h in soup.select("h3")]
    assert any("image-classification" in t for t in titles) and any("mobilenets" in t for t in titles)
    spec = json.loads(soup.select_one("script.vega-spec").string)
    assert (
        spec["data"]["url"].startswith("../../dashboards/")
        and {"name": "focus", "value": "firefly-rk3399"} in spec["params"]
    )
    resnet = corpus.lookup("model", "resnet50-v1.5")[0]
    assert "vega-spec" in str(component_section(resnet, corpus))
    dataset = BeautifulSoup(str(component_section(corpus.lookup("dataset", "imagenet-2012-val")[0], corpus)),
                            "html.parser")  # fmt: skip
    cells = [td.find(string=True) for td in dataset.select("table.kb-best td.kb-num")]  # the value, not its range
    assert cells and all(c.endswith((" ms", " %", "images/s", "/W")) for c in cells), cells
    gnmt = corpus.lookup("model", "gnmt")[0]
    assert str(component_section(gnmt, corpus)) == ""  # no GNMT result was measured


def test_home_dashboards_link_every_dashboard(corpus: Corpus) -> None:
    class Site:
        pass

    fake = Site()
    fake.corpus = corpus  # type: ignore[attr-defined]
    html = str(home_dashboards(fake))
    for board in results_view(corpus).dashboards:
        assert f'href="dashboards/{board.slug}/"' in html


def test_untrusted_titles_are_escaped_in_pages(tmp_path: Path) -> None:
    from generator.ck.store import Repo

    repo = Repo.init(tmp_path / "r", "r")
    repo.add("platform", "p", meta={"tags": ["platform"], "name": "<img src=x onerror=alert(1)>"})
    repo.add(
        "result",
        "evil",
        name="<script>alert(1)</script>",
        meta={
            "tags": ["result"],
            "benchmark": "b</script><script>alert(2)</script>",
            "platform_uoa": "p",
            "metrics": {"latency": {"value": 1, "unit": "ms", "direction": "lower"}},
        },
    )
    site_dir = tmp_path / "site"
    fake_shells(site_dir)
    write_dashboards(Corpus.load(Workspace.open([repo.path])), site_dir, svg=False)
    pages = list((site_dir / "dashboards").rglob("index.html"))
    assert len(pages) == 2
    for page in pages:
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text
        for script in BeautifulSoup(text, "html.parser").select("script.vega-spec"):
            json.loads(script.string)


def test_svg_is_written_for_each_dashboard(tmp_path: Path) -> None:
    from generator.ck.store import Repo

    repo = Repo.init(tmp_path / "r", "r")
    for i in range(3):
        repo.add(
            "result",
            f"r{i}",
            meta={
                "tags": ["result"],
                "benchmark": "b/t",
                "platform_uoa": "p",
                "metrics": {
                    "latency": {"value": 1 + i, "unit": "ms", "direction": "lower"},
                    "accuracy": {"value": 70 + i, "unit": "%", "direction": "higher"},
                },
            },
        )
    site_dir = tmp_path / "site"
    fake_shells(site_dir)
    corpus = Corpus.load(Workspace.open([repo.path]))
    stats = write_dashboards(corpus, site_dir)
    assert stats.svgs == 1
    svg = site_dir / "dashboards" / "b-t" / "chart.svg"
    assert svg.read_text().startswith("<svg") and "accuracy (%, higher is better)" in svg.read_text()
    before = svg.stat().st_mtime_ns
    assert write_dashboards(corpus, site_dir).svgs == 0  # a rebuild with the same data keeps the SVG
    assert svg.stat().st_mtime_ns == before


_FORKED_SVGS = """
import sys
from pathlib import Path
from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal import parallel
from generator.portal.dashboards import write_dashboards
from tests.test_dashboards import EMBEDDED, fake_shells
site = Path(sys.argv[1])
fake_shells(site)
tasks = []
stats = write_dashboards(Corpus.load(Workspace.open(EMBEDDED)), site, svg_tasks=tasks)
assert parallel.fork_safe_svg() and len(tasks) == stats.svgs == 8, (len(tasks), stats)
parallel.MIN_TASKS = 1
with parallel.TaskPool(2) as pool:
    pool.start(tasks)
    assert pool._pool is not None
    print(sum(pool.results()))
"""


def test_dashboard_svgs_are_drawn_in_forked_workers(tmp_path: Path) -> None:
    import subprocess
    import sys

    site_dir = tmp_path / "site"
    run = subprocess.run([sys.executable, "-c", _FORKED_SVGS, str(site_dir)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "8"
    svgs = sorted((site_dir / "dashboards").glob("*/chart.svg"))
    assert len(svgs) == 8 and all(p.read_text().startswith("<svg") for p in svgs)


def test_trend_over_time_appears_when_a_configuration_has_several_dates(tmp_path: Path) -> None:
    from generator.ck.store import Repo

    repo = Repo.init(tmp_path / "r", "r")
    for i, date in enumerate(("2018-05-01", "2019-05-01", "2020-05-01")):
        repo.add(
            "result",
            f"r{i}",
            meta={
                "tags": ["result"],
                "benchmark": "b/t",
                "scenario": "Offline",
                "platform_uoa": "p",
                "model_uoa": "m",
                "date": date,
                "software": [{"name": "lib", "version": "1"}],
                "metrics": {"throughput": {"value": 10.0 * (i + 1), "unit": "samples/s", "direction": "higher"}},
            },
        )
    site_dir = tmp_path / "site"
    fake_shells(site_dir)
    write_dashboards(Corpus.load(Workspace.open([repo.path])), site_dir, svg=False)
    folder = site_dir / "dashboards" / "b-t-offline"
    trend = json.loads((folder / "trend.json").read_text())
    assert [(p["date"], p["value"]) for p in trend] == [
        ("2018-05-01", 10.0),
        ("2019-05-01", 20.0),
        ("2020-05-01", 30.0),
    ]
    page = _soup(folder / "index.html")
    assert page.select_one("h2#trend") is not None
    specs = [json.loads(s.string) for s in page.select("script.vega-spec")]
    assert specs[1]["data"] == {"url": "trend.json"}
    assert_valid_vega_lite(specs[1])
    assert page.select_one('meta[property="og:image"]')["content"] == "chart.svg"
    assert "not reproduced: spread 100 % (tolerance ±5 %)" in page.get_text()  # 10, 20, 30: one submitter, 3 dates


def test_badges_show_independent_measurements_spread_and_tolerance_and_link_to_their_group(tmp_path: Path) -> None:
    from generator.ck.store import Repo

    repo = Repo.init(tmp_path / "r", "r")
    base = {"tags": ["result"], "benchmark": "b/t", "platform_uoa": "p", "model_uoa": "m",
            "software": [{"name": "lib", "version": "1"}]}  # fmt: skip
    for alias, submitter, latency in (("a", "alice", 10.0), ("b", "bob", 10.4), ("c", "carol", 30.0)):
        model = "m" if alias != "c" else "other"
        meta = {**base, "model_uoa": model, "submitter": submitter,
                "metrics": {"latency": {"value": latency, "unit": "ms", "direction": "lower"}}}  # fmt: skip
        repo.add("result", alias, meta=meta, name=f"run {alias}")
    repo.add("result", "d", meta={**base, "model_uoa": "other", "submitter": "dave",
                                  "metrics": {"latency": {"value": 60.0, "unit": "ms", "direction": "lower"}}},
             name="run d")  # fmt: skip
    corpus = Corpus.load(Workspace.open([repo.path]))
    site_dir = tmp_path / "site"
    fake_shells(site_dir)
    write_dashboards(corpus, site_dir, svg=False)
    (board,) = results_view(corpus).dashboards
    page = _soup(site_dir / board.url / "index.html")
    summary = page.select_one(".kb-repro-summary").get_text(" ", strip=True)
    assert "1 configuration reproduced, 1 not reproduced, 0 measured once" in summary
    badges = {a.get_text(): a["href"] for a in page.select("table.kb-all a.kb-badge")}
    assert "reproduced ×2 (±2 %, tolerance ±5 %)" in badges
    assert "not reproduced: spread 67 % (tolerance ±5 %)" in badges
    for href in badges.values():
        assert page.select_one(href) is not None and page.select_one(href).name == "tr"  # the group's row
    result = next(e for e in corpus.of_module("result") if e.ref.alias == "a")
    own = BeautifulSoup(str(component_section(result, corpus)), "html.parser").select_one("a.kb-badge")
    assert own.get_text() == "reproduced ×2 (±2 %, tolerance ±5 %)"
    assert own["href"].startswith(f"../../{board.url}#repro-")
