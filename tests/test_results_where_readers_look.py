"""Results where readers look: result listings, tag pages, search hits and the Results sections of
platform, model, dataset and program pages show benchmark, platform, model and primary metrics with
units, and on component pages the chart and best results come before the metadata."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.index.documents import document_for

ROOT = Path(__file__).resolve().parent.parent


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_result_listing_shows_benchmark_platform_model_and_metrics_sortably(project_site: Path) -> None:
    page = _soup(project_site / "result" / "index.html")
    heads = [th.get_text() for th in page.select("table.kb-listing-table th")]
    assert heads[:5] == ["Name", "Benchmark", "Platform", "Model", "Result"]
    assert all(th.has_attr("data-kb-sort") for th in page.select("table.kb-listing-table th"))
    first = page.select_one("table.kb-listing-table tbody tr").select("td")
    assert first[1].a["href"].startswith("../dashboards/") and first[2].get_text() and first[3].get_text()
    assert any(unit in first[4].get_text() for unit in (" ms", " %", "/s"))
    data = json.loads((project_site / "result" / "rows.json").read_text())
    assert data["columns"][-1] == "result" and all(isinstance(r[-1], list) for r in data["rows"])
    assert page.select_one("table.kb-listing-table").find_parent(class_="kb-scroll") is not None


def test_tag_pages_show_the_numbers_of_their_results(project_site: Path) -> None:
    page = _soup(project_site / "tags" / "mobilenets" / "index.html")
    rows = page.select("table.kb-with-results tbody tr")
    measured = [tr for tr in rows if "latency" in tr.select("td")[4].get_text()]
    assert measured and all(" ms" in tr.select("td")[4].get_text() for tr in measured)


def test_search_hits_of_results_name_benchmark_platform_model_and_metrics() -> None:
    corpus = Corpus.load(Workspace.open([ROOT / "kb" / "mobilenets"]))
    entry = corpus.of_module("result")[0]
    summary = document_for(entry, readme="").summary
    assert summary.startswith("mobilenets-armcl-tflite · SingleStream · on ")
    assert entry.meta["model_uoa"] in summary and "latency " in summary and " ms" in summary
    assert "accuracy_top1 " in summary and " %" in summary


def test_component_pages_show_results_before_their_metadata(project_site: Path) -> None:
    for folder in ("platform/firefly-rk3399", "model/mobilenet-v1-1.0-224", "dataset/imagenet-2012-val",
                   "program/mobilenets-armcl-classification"):
        page = _soup(project_site / folder / "index.html")
        ids = [h["id"] for h in page.select(".kb-entry h2[id]")]
        assert "results" in ids, folder
        facts = page.select_one(".kb-entry table.kb-facts")
        section = page.select_one(".kb-results-section")
        assert section is not None and section.find_next("script", class_="vega-spec") is not None, folder
        if facts is not None:
            assert str(page).index("kb-results-section") < str(page).index("kb-facts"), folder
        cells = [td.find(string=True) for td in section.select("table.kb-best td.kb-num")]
        assert cells and all(c is None or not c[-1].isdigit() for c in cells), (folder, cells[:4])
