"""Papers: CK artifact-evaluation records imported as papers, the embedded papers with their ACM badges
on the papers listing, and links both ways between a paper and its artifacts and reproducing results."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

from generator.ck.store import Repo
from generator.importers.ck_papers import authors_of, year_of

FIXTURES = Path(__file__).parent / "fixtures"
REPROINDEX = FIXTURES / "ckpapers" / "reproindex"
KERNEL = FIXTURES / "ckrepos" / "real-ck-kernel" / "repos"
RunCli = Callable[..., Result]


def _import(run_cli: RunCli, target: Path, *sources: Path) -> dict[str, Any]:
    result = run_cli(["import", "ck-papers", *map(str, sources), "--into", str(target), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


MOBILENETS_AUTOTUNING = "Multi-objective autotuning of MobileNets across the full software/hardware stack"
VTA = "Leveraging the VTA-TVM Hardware-Software Stack for FPGA Acceleration of 8-bit ResNet-18 Inference"


def test_uid_only_artifact_evaluation_records_become_titled_papers(run_cli: RunCli, tmp_path: Path) -> None:
    report = _import(run_cli, tmp_path / "papers", REPROINDEX)
    assert report["created"] == {"paper": 8} and report["skipped_rows"] == 0
    repo = Repo.open(tmp_path / "papers")
    paper = repo.load(repo.find("paper", "a9144f8e833f27ef"))
    assert paper.ref.alias == "" and paper.ref.path.name == "a9144f8e833f27ef"  # UID-only, as in the source
    assert paper.info["data_name"] == paper.name == MOBILENETS_AUTOTUNING
    meta = paper.meta
    assert meta["badges"] == ["available", "reusable", "replicated"]
    assert meta["authors"] == ["Anton Lokhmotov", "Nikolay Chunosov", "Flavio Vella", "Grigori Fursin"]
    assert (meta["venue"], meta["year"], meta["doi"], meta["artifact_doi"]) == (
        "ReQuEST-ASPLOS'18", 2018, "10.1145/3229762.3229767", "10.1145/3229773")
    assert {"url": "https://github.com/dividiti/ck-request-asplos18-mobilenets-armcl-opencl",
            "title": "Artifact sources (GitHub)"} in meta["links"]  # fmt: skip
    functional = repo.load(repo.find("paper", "cf6bec35943caabd")).meta["badges"]
    assert functional == ["functional", "reusable", "replicated"]
    cgo = repo.load(repo.find("paper", "4878e0fa90e3d4d7")).meta
    assert cgo["authors"] == ["Sam Ainsworth", "Timothy M. Jones"] and "badges" not in cgo and cgo["year"] == 2017
    assert cgo["pdf_url"].endswith(".pdf") and cgo["url"] == "https://dl.acm.org/citation.cfm?id=3049865"
    arxiv = repo.load(repo.find("paper", "df295212f00bb958")).meta
    assert arxiv["arxiv"] == "1801.08024" and "year" not in arxiv  # no year in the record, its tags or its venue
    assert run_cli(["-R", str(tmp_path / "papers"), "validate", "--strict"]).exit_code == 0


def test_reimporting_changes_nothing_and_keeps_the_links_a_curator_added(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "papers"
    _import(run_cli, target, REPROINDEX)
    links = {"artifacts": [{"module_uoa": "model", "data_uoa": "mobilenet"}], "benchmarks": ["b"]}
    repo = Repo.open(target)
    repo.update(repo.find("paper", "a9144f8e833f27ef"), links)
    again = _import(run_cli, target, REPROINDEX)
    assert again["created"] == {} and again["updated"] == {} and again["unchanged"] == {"paper": 8}
    assert Repo.open(target).load(repo.find("paper", "a9144f8e833f27ef")).meta["benchmarks"] == ["b"]


def test_entries_that_are_no_artifact_evaluation_record_are_counted_as_skipped(run_cli: RunCli,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    report = _import(run_cli, tmp_path / "papers", KERNEL / "reproindex")
    assert report["created"] == {"paper": 1}
    assert report["skipped"] == {"not an artifact-evaluation entry": 1}  # its component.module entry


def test_codereef_records_with_their_fields_under_meta_and_untitled_records(run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "lib"
    Repo.init(source, "lib", profile="ck")
    for name, meta in {"one": {"tags": ["reproduced-papers"], "meta": {"title": "A reproduced paper",
                                                                           "authors": "A. B, C. D & E. F",
                                                                           "badge_acm_results_reproduced": "yes"}},
                       "two": {"tags": ["papers"], "misc": {"authors": "nobody"}}}.items():  # fmt: skip
        folder = source / "lib" / name / ".cm"
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps(meta))
    report = _import(run_cli, tmp_path / "papers", source / "lib")
    assert report["created"] == {"paper": 1} and report["skipped"] == {"record without a title": 1}
    repo = Repo.open(tmp_path / "papers")
    (ref,) = repo.iter_refs("paper")
    meta = repo.load(ref).meta
    assert meta["authors"] == ["A. B", "C. D", "E. F"] and meta["badges"] == ["reproduced"]


@pytest.mark.parametrize(("text", "names"), [("A, B and C", ["A", "B", "C"]), (["X", " Y "], ["X", "Y"]),
                                              ("", []), ("Solo", ["Solo"])])  # fmt: skip
def test_authors_are_split_at_commas_and_and(text: Any, names: list[str]) -> None:
    assert authors_of(text) == names


def test_the_year_comes_from_the_record_a_tag_or_the_venue() -> None:
    assert year_of({"year": 2021}, []) == 2021
    assert year_of({}, ["papers", "papers-sysml-2019"]) == 2019
    assert year_of({"where": "CGO'17"}, []) == 2017
    assert year_of({"where": "ArXiv"}, ["papers-reports"]) is None


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_papers_listing_shows_the_embedded_papers_with_their_badges(project_site: Path) -> None:
    soup = _soup(project_site, "papers")
    rows = {tr.select_one("td a").get_text(strip=True): tr for tr in soup.select(".kb-papers-table tbody tr")}
    assert {"MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications",
            "Deep Residual Learning for Image Recognition", "SSD: Single Shot MultiBox Detector",
            "MLPerf Inference Benchmark",
            "Introducing ReQuEST: an Open Platform for Reproducible and Quality-Efficient Systems-ML Tournaments",
            VTA} <= set(rows)
    vta = rows[VTA]
    assert [b.get_text() for b in vta.select(".kb-acm-badge")] == [
        "Artifacts Available", "Artifacts Evaluated – Reusable", "Results Replicated"]
    assert vta["data-venue"] == "ReQuEST-ASPLOS'18" and vta["data-year"] == "2018"
    assert sum(1 for tr in rows.values() if tr.select(".kb-acm-badge")) >= 5
    venues = [o["value"] for o in soup.select("select[data-filter=venue] option")]
    assert {"", "CVPR 2016", "ISCA 2020", "ReQuEST-ASPLOS'18", "arXiv"} <= set(venues)


def test_a_paper_links_its_artifacts_and_results_and_they_link_back(project_site: Path) -> None:
    paper = _soup(project_site, "paper/55bcc7ab241d4b45")
    artifacts = [a["href"] for a in paper.select("#paper-artifacts + ul a")]
    assert "../../soft/vta/" in artifacts and "../../model/resnet18/" in artifacts
    results = [a["href"] for a in paper.select("#paper-results ~ ul.kb-refs a")]
    assert len(results) == 1 and results[0].startswith("../../result/")
    result = _soup(project_site, results[0].removeprefix("../../").rstrip("/"))
    note = result.select_one(".kb-paper-note").get_text(" ", strip=True)
    assert "Reproduces Leveraging the VTA-TVM Hardware-Software Stack" in note
    model = _soup(project_site, "model/resnet50-v1.5").select_one(".kb-paper-note").get_text(" ", strip=True)
    assert "Artifact of Deep Residual Learning for Image Recognition" in model


def test_papers_naming_a_benchmark_list_its_dashboards_and_its_results_name_them(project_site: Path) -> None:
    paper = _soup(project_site, "paper/mlperf-inference-benchmark")
    boards = [a["href"] for a in paper.select(".kb-paper-benchmarks a")]
    assert boards and all(href.startswith("../../dashboards/") for href in boards)
    mlperf = next(p for p in (project_site / "result").iterdir() if p.name.startswith("inf-0.5-"))
    note = _soup(project_site, f"result/{mlperf.name}").select_one(".kb-paper-note").get_text(" ", strip=True)
    assert "Reproduces MLPerf Inference Benchmark" in note


def test_the_embedded_request_papers_are_the_imported_reproindex_records(tmp_path: Path, run_cli: RunCli) -> None:
    """kb/request-asplos18's papers are what the importer makes of the fixture records, plus curated links."""
    root = Path(__file__).resolve().parents[1]
    embedded = Repo.open(root / "kb" / "request-asplos18")
    target = tmp_path / "again"
    shutil.copytree(root / "kb" / "request-asplos18", target, ignore=shutil.ignore_patterns("result", "*.lock"))
    shutil.rmtree(target / "paper")
    uids = sorted(ref.uid for ref in embedded.iter_refs("paper"))
    _import(run_cli, target, *(REPROINDEX / "component.article" / uid for uid in uids))
    again = Repo.open(target)
    for uid in uids:
        mine = dict(embedded.load(embedded.find("paper", uid)).meta)
        assert mine.pop("artifacts") and mine.pop("results")
        assert again.load(again.find("paper", uid)).meta == mine
