"""kb import: MLPerf tables, MobileNets rows, CK dashboards and CK experiments become linked entries."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.importers.naming import extract_url, slugify, split_version, stable_uid
from generator.ops.importing import run_import

FIXTURES = Path(__file__).parent / "fixtures" / "results"
IC = FIXTURES / "mlperf-v0.5-ic-slice.json"
OD = FIXTURES / "mlperf-v0.5-od-slice.json"
MOBILENETS = FIXTURES / "mobilenets-slice.json"
CK_REPO = FIXTURES / "ck-repo"


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()
    }


def _results(path: Path) -> list[dict]:
    corpus = Corpus.load(Workspace.open([path]))
    return [e.meta for e in corpus.of_module("result")]


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Throwaway repositories need no durability; fsync makes imports slow on busy disks."""
    monkeypatch.setenv("KB_FSYNC", "0")


@pytest.fixture
def core(tmp_path: Path) -> Repo:
    """A small curated repository holding canonical aliases the importers must link to."""
    repo = Repo.init(tmp_path / "core", "core")
    repo.add("model", "resnet50-v1.5", meta={"tags": ["model"], "task": "image-classification"})
    repo.add("dataset", "imagenet-2012-val", meta={"tags": ["dataset"]})
    repo.add("platform", "firefly-rk3399", meta={"tags": ["platform"], "accelerator": "Arm Mali-T860 MP4"})
    repo.add("soft", "tflite", meta={"tags": ["soft"]})
    return repo


def test_mlperf_import_writes_one_result_per_measured_row(tmp_path: Path) -> None:
    report = run_import("mlperf", [IC], tmp_path / "out", cwd=tmp_path)
    rows = json.loads(IC.read_text())
    measured = [r for r in rows if r["P_IC1"] > 0]
    assert report.rows == len(rows)
    assert report.stats.created["result"] == len(measured) == 10
    assert report.stats.skipped_rows == len(rows) - len(measured)
    metas = _results(tmp_path / "out")
    assert {m["source"]["row"] for m in metas} == {r["ID"][0] for r in measured}


def test_mlperf_result_meta_has_units_directions_and_links(tmp_path: Path) -> None:
    run_import("mlperf", [IC], tmp_path / "out", cwd=tmp_path)
    habana = next(r for r in json.loads(IC.read_text()) if r["System"] == "HL-102-Goya PCI-board")
    repo = Repo.open(tmp_path / "out")
    ref = repo.find("result", slugify(habana["ID"][0] + "-IC1"))
    assert ref is not None
    meta = repo.load(ref).meta
    assert meta["benchmark"] == "mlperf-inference-v0.5/image-classification"
    assert meta["scenario"] == "SingleStream"
    assert meta["metrics"]["latency"]["unit"] == "ms"
    assert meta["metrics"]["latency"]["direction"] == "lower"
    assert meta["metrics"]["accuracy"] == {"value": pytest.approx(76.11, abs=0.01), "unit": "%", "direction": "higher"}
    assert meta["model_uoa"] == "resnet50-v1.5"
    assert meta["dataset_uoa"] == "imagenet-2012-val"
    assert meta["date"] == "2019-11-06"
    assert all(link["url"].startswith("https://github.com/mlperf/") for link in meta["links"])


def test_imported_strings_never_keep_raw_html(tmp_path: Path) -> None:
    run_import("mlperf", [IC, OD], tmp_path / "out", cwd=tmp_path)
    for path in (tmp_path / "out").rglob("meta.json"):
        text = path.read_text()
        assert "<a" not in text and "href" not in text, path


def test_mlperf_scenarios_map_to_their_performance_metric(tmp_path: Path) -> None:
    run_import("mlperf", [OD], tmp_path / "out", cwd=tmp_path)
    metas = _results(tmp_path / "out")
    assert metas and all(m["scenario"] == "Offline" for m in metas)
    assert {json.dumps(m["metrics"]["throughput"]["unit"]) for m in metas} == {'"samples/s"'}
    assert all(m["metrics"]["throughput"]["direction"] == "higher" for m in metas)
    assert {m["benchmark"] for m in metas} == {"mlperf-inference-v0.5/object-detection"}


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_import("mlperf", [IC, OD], out, cwd=tmp_path)
    before = _snapshot(out)
    again = run_import("mlperf", [IC, OD], out, cwd=tmp_path)
    assert again.stats.changed == 0
    assert sum(again.stats.unchanged.values()) > 0
    assert _snapshot(out) == before


def test_import_rewrites_only_the_entry_whose_source_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = tmp_path / "ic.json"
    shutil.copy(IC, source)
    run_import("mlperf", [source], out, cwd=tmp_path)
    rows = json.loads(source.read_text())
    changed = next(r for r in rows if r["P_IC1"] > 0)
    changed["A_IC1"] = 12.5
    source.write_text(json.dumps(rows))
    report = run_import("mlperf", [source], out, cwd=tmp_path)
    assert dict(report.stats.updated) == {"result": 1}
    assert report.stats.created == {}


def test_import_links_to_existing_aliases_in_other_repos(tmp_path: Path, core: Repo) -> None:
    report = run_import("mlperf", [IC], tmp_path / "out", repo_paths=[core.path], cwd=tmp_path)
    assert report.stats.linked["model"] == 1  # resnet50-v1.5 lives in core
    assert report.stats.linked["platform"] == 1  # Firefly-RK3399 (firefly) → firefly-rk3399
    out = Repo.open(tmp_path / "out")
    assert out.find("model", "resnet50-v1.5") is None
    assert out.find("platform", "firefly-rk3399") is None
    assert out.find("model", "mobilenet-v1-1.0-224") is not None  # missing in core: created here
    metas = _results(tmp_path / "out")
    firefly = [m for m in metas if m["platform_uoa"] == "firefly-rk3399"]
    assert len(firefly) == 2


def test_result_uids_derive_from_the_source_keys(tmp_path: Path) -> None:
    run_import("mlperf", [IC], tmp_path / "out", cwd=tmp_path)
    row = next(r for r in json.loads(IC.read_text()) if r["P_IC1"] > 0)
    uid = stable_uid("mlperf-v0.5", *[str(p) for p in row["ID"]], "P_IC1")
    assert Repo.open(tmp_path / "out").find("result", uid) is not None


def test_mobilenets_rows_become_results_with_spread_and_linked_models(tmp_path: Path, core: Repo) -> None:
    report = run_import("ck-dashboard", [MOBILENETS], tmp_path / "mn", repo_paths=[core.path], cwd=tmp_path)
    assert report.stats.created["result"] == 8
    metas = _results(tmp_path / "mn")
    first = next(
        m
        for m in metas
        if m["configuration"].get("convolution_method") == "DIRECT" and m["software"][0]["version"] == "17.12"
    )
    latency = first["metrics"]["latency"]
    assert (latency["unit"], latency["direction"]) == ("ms", "lower")
    assert latency["min"] < latency["value"] < latency["max"]
    assert first["metrics"]["accuracy_top1"]["value"] == pytest.approx(62.0)
    assert first["model_uoa"] == "mobilenet-v1-1.0-224"
    assert first["platform_uoa"] == "firefly-rk3399"
    assert {m["benchmark"] for m in metas} == {"mobilenets-armcl-tflite"}
    assert Repo.open(tmp_path / "mn").find("model", "mobilenet-v2-0.35-128") is not None
    assert report.stats.linked["soft"] >= 1  # tflite from core


def test_ck_dashboard_folder_imports_user_rows_with_result_cfg_axes(tmp_path: Path) -> None:
    report = run_import("ck-dashboard", [CK_REPO / "result" / "demo.tiny"], tmp_path / "out", cwd=tmp_path)
    assert report.rows == 3  # users/all repeats alice's and bob's rows and is skipped
    metas = _results(tmp_path / "out")
    assert sorted(m["submitter"] for m in metas) == ["alice", "alice", "bob"]
    assert all(set(m["metrics"]) == {"time_min_ms", "accuracy_top1"} for m in metas)
    assert {m["metrics"]["time_min_ms"]["direction"] for m in metas} == {"lower"}
    assert {m["metrics"]["time_min_ms"]["unit"] for m in metas} == {"ms"}
    assert {m["platform_uoa"] for m in metas} == {"raspberry-pi-3", "odroid-xu4"}


def test_ck_experiment_points_become_results_with_samples(tmp_path: Path) -> None:
    source = CK_REPO / "experiment" / "rpi3-7z-encode-gcc4"
    report = run_import("ck-experiment", [source], tmp_path / "out", cwd=tmp_path, submitter="ctuning")
    assert report.rows == 2 and report.stats.created["result"] == 2
    metas = sorted(_results(tmp_path / "out"), key=lambda m: m["metrics"]["execution_time"]["value"])
    fast = metas[0]
    assert fast["metrics"]["execution_time"] == {
        "value": 4.98,
        "unit": "s",
        "direction": "lower",
        "samples": [4.95, 5.01, 4.98],
    }
    assert fast["metrics"]["binary_size"]["direction"] == "lower"
    assert fast["configuration"]["compiler_flags#-O"] == "-O2 -funroll-loops"
    assert fast["benchmark"] == "ck-experiment/7z" and fast["scenario"] == "encode"
    assert fast["date"] == "2017-02-11" and fast["submitter"] == "ctuning"
    assert "run_success" not in fast["metrics"]


def test_imported_entries_pass_the_result_schema(tmp_path: Path, core: Repo) -> None:
    from generator.schema.entry_checks import check_entry
    from generator.schema.loader import load_schemas

    run_import("mlperf", [IC, OD], tmp_path / "out", repo_paths=[core.path], cwd=tmp_path)
    run_import("ck-dashboard", [MOBILENETS], tmp_path / "out", repo_paths=[core.path], cwd=tmp_path)
    schemas = load_schemas()
    corpus = Corpus.load(Workspace.open([tmp_path / "out"]))
    problems = [d for e in corpus.entries for d in check_entry(e, schemas) if d.severity.name == "ERROR"]
    assert problems == []


def test_kb_import_cli_reports_counts_and_nothing_changed(tmp_path: Path, run_cli: Callable) -> None:
    out = tmp_path / "out"
    first = run_cli(["-R", str(tmp_path / "none"), "import", "mlperf", str(IC), "--into", str(out)])
    assert first.exit_code == 0, first.output
    assert f"Imported 13 rows into {out}" in first.output
    assert "skipped: 3 (no measured value)" in first.output
    second = run_cli(["-R", str(tmp_path / "none"), "import", "mlperf", str(IC), "--into", str(out)])
    assert "nothing changed" in second.output
    as_json = run_cli(["-R", str(tmp_path / "none"), "import", "mlperf", str(IC), "--into", str(out), "--json"])
    assert json.loads(as_json.output)["unchanged"]["result"] == 10


def test_kb_import_of_a_non_list_file_is_a_clear_error(tmp_path: Path, run_cli: Callable) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "rows"}')
    result = run_cli(["import", "mlperf", str(bad), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "expected a JSON list of rows" in result.output


def test_kb_import_no_create_refuses_a_missing_repository(tmp_path: Path, run_cli: Callable) -> None:
    result = run_cli(["import", "mlperf", str(IC), "--into", str(tmp_path / "x"), "--no-create"])
    assert result.exit_code == 1
    assert ".ckr.json is missing" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Firefly RK3399", "firefly-rk3399"),
        ("alibaba_cloud_t4", "alibaba-cloud-t4"),
        ("  Odd..Name!! ", "odd..name"),
        ("x" * 80, "x" * 63),
    ],
)
def test_slugify_follows_the_alias_rule(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_extract_url_keeps_only_http_links() -> None:
    assert extract_url('<a href="https://x.org/a?b=1&amp;c=2">Link</a>') == "https://x.org/a?b=1&c=2"
    assert extract_url('<a href="javascript:alert(1)">x</a>') == ""
    assert extract_url("plain text") == ""


def test_split_version_separates_name_and_version() -> None:
    assert split_version("TFLite v1.15.0-rc2") == ("TFLite", "1.15.0-rc2")
    assert split_version("tf-nightly==1.15.0-dev20190730") == ("tf-nightly", "1.15.0-dev20190730")
    assert split_version("PyTorch") == ("PyTorch", "")


def test_mlperf_result_titles_name_the_engine_and_division() -> None:
    from generator.importers.mlperf import result_name

    neon = [{"name": "ArmNN", "version": "19.08 (Neon)"}]
    opencl = [{"name": "ArmNN", "version": "19.08 (OpenCL)"}]
    what = "mobilenet (224x224) SingleStream"
    assert result_name("dividiti", "Firefly", what, neon, "Open") == \
        "dividiti Firefly: mobilenet (224x224) SingleStream (ArmNN 19.08 (Neon); Open)"
    assert result_name("d", "Firefly", what, neon, "Open") != result_name("d", "Firefly", what, opencl, "Open")
    hashed = [{"name": "TensorFlow", "version": "commit f5ce1c00d4397875ff3d706881bd46430f4a9667"}]
    assert result_name("C", "S", what, hashed, "Closed").endswith("(TensorFlow commit f5ce1c00d4397…; Closed)")
    assert result_name("C", "S", what, [], "") == "C S: mobilenet (224x224) SingleStream"


def test_mlperf_import_titles_are_distinct_per_row(tmp_path: Path) -> None:
    run_import("mlperf", [IC], tmp_path / "out", cwd=tmp_path)
    names = [m["name"] for m in _results(tmp_path / "out")]
    assert all(name.endswith("; Closed)") for name in names)
    assert any(name.endswith("(ArmNN 19.08 (Neon); Closed)") for name in names)
