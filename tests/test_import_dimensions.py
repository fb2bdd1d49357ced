"""Importers keep the original's dimensions (issue 15, item 6): the ReQuEST tournament's 69 rows with
model, precision, batch size, framework, platform, price, power and min/max spread; every row read
is imported or counted with a reason; no control characters in names; truncated files warn."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.importers.naming import plain_text
from generator.ops.importing import run_import
from generator.results.identity import benchmark_id

RAW = Path(__file__).parent / "fixtures" / "results" / "raw"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Throwaway repositories need no durability."""
    monkeypatch.setenv("KB_FSYNC", "0")


def raw_table(name: str, folder: Path) -> Path:
    """A raw results table of tests/fixtures/results/raw, unpacked into a folder."""
    target = folder / f"{name}.json"
    target.write_bytes(gzip.decompress((RAW / f"{name}.json.gz").read_bytes()))
    return target


@pytest.fixture
def boards(tmp_path: Path) -> Repo:
    """Curated boards and models the ReQuEST rows must join (as in kb/reef-core)."""
    repo = Repo.init(tmp_path / "core", "core")
    repo.add("platform", "linaro-hikey960", meta={"tags": ["platform"]}, name="Linaro HiKey960")
    repo.add("platform", "firefly-rk3399", meta={"tags": ["platform"]}, name="Firefly RK3399")
    repo.add("model", "mobilenet-v1-1.0-224", meta={"tags": ["model"]}, name="MobileNet v1 1.0 224")
    repo.add("dataset", "imagenet-2012-val", meta={"tags": ["dataset"]}, name="ImageNet")
    return repo


def _metas(path: Path) -> list[dict]:
    return [e.meta for e in Corpus.load(Workspace.open([path])).of_module("result")]


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_request_tournament_imports_all_69_rows_with_every_dimension(tmp_path: Path, boards: Repo) -> None:
    rows = json.loads(raw_table("request-asplos18", tmp_path).read_text())
    report = run_import("ck-dashboard", [tmp_path / "request-asplos18.json"], tmp_path / "out",
                        repo_paths=[boards.path], cwd=tmp_path)  # fmt: skip
    assert (report.rows, report.stats.created["result"], report.stats.skipped_rows) == (69, 69, 0)
    metas = _metas(tmp_path / "out")
    assert len(metas) == len(rows) == 69
    for meta in metas:
        assert meta["model_uoa"] and meta["precision"] in {"fp32", "fp16", "int8"}, meta["name"]
        assert isinstance(meta["batch_size"], int) and meta["framework"], meta["name"]
        assert meta["platform_uoa"] != "unknown-platform"
        assert {"price", "power", "throughput"} <= set(meta["metrics"]), meta["name"]
        assert meta["metrics"]["price"]["unit"] == "$" and meta["metrics"]["price"]["primary"] is False
        assert not any(CONTROL.search(text) for text in _strings(meta)), meta["name"]
    with_spread = [m for m in metas if "min" in m["metrics"]["throughput"]]
    assert len(with_spread) == sum(1 for r in rows if r["##characteristics#run#inference_throughput#min"]
                                   < r["##characteristics#run#inference_throughput#max"])  # fmt: skip
    assert {m["framework"] for m in metas} == {"TensorFlow", "Caffe", "MXNet", "ArmCL", "VTA"}
    assert {m["precision"] for m in metas} == {"fp32", "fp16", "int8"}
    hikey = [m for m in metas if m["platform_uoa"] == "linaro-hikey960"]
    firefly = [m for m in metas if m["platform_uoa"] == "firefly-rk3399"]
    assert len(hikey) == sum(1 for r in rows if "HiKey960" in r["##meta#plat_name"])  # joined, NUL bytes gone
    assert len(firefly) == sum(1 for r in rows if "Firefly" in r["##meta#plat_name"])
    assert any(m["model_uoa"] == "mobilenet-v1-1.0-224" for m in metas)
    energy = next(m for m in metas if "latency" in m["metrics"])["metrics"]
    expected = energy["power"]["value"] * energy["latency"]["value"] / 1000
    assert energy["energy_per_inference"] == {"value": pytest.approx(expected), "unit": "J", "direction": "lower",
                                              "primary": False}  # fmt: skip


def test_a_cpu_only_run_never_names_the_boards_gpu(tmp_path: Path, boards: Repo) -> None:
    """TensorFlow (cpu) on a HiKey960 ran on the CPU although the board has a Mali GPU; ArmCL (OpenCL)
    on the same board used it: the run's own meta decides, not the board's."""
    rows = json.loads(raw_table("request-asplos18", tmp_path).read_text())
    run_import("ck-dashboard", [tmp_path / "request-asplos18.json"], tmp_path / "out", repo_paths=[boards.path],
               cwd=tmp_path)  # fmt: skip
    by_row = {m["source"]["row"].rsplit("/", 1)[-1]: m for m in _metas(tmp_path / "out")}
    for row in rows:
        meta, library = by_row[row["##point_uid"]], str(row["##meta#library_name"]).casefold()
        if row["##meta#gpgpu_name"]:
            assert meta["accelerator"] == row["##meta#gpgpu_name"], meta["name"]
        elif "cpu" in library or "intel" in library:
            assert meta["accelerator"] == "none", meta["name"]
        else:
            assert "mali" not in meta.get("accelerator", "").casefold(), meta["name"]
    study = raw_table("mobilenets-armcl-tflite", tmp_path)
    run_import("ck-dashboard", [study], tmp_path / "study", repo_paths=[boards.path], cwd=tmp_path)
    metas = _metas(tmp_path / "study")
    assert {m["accelerator"] for m in metas if m["framework"] == "TFLite"} == {"none"}
    assert all(m["accelerator"].startswith("ARM Mali") for m in metas if m["framework"] == "ArmCL")


def test_the_embedded_kb_colours_cpu_only_runs_as_cpu_only() -> None:
    """Every run of the embedded KB that states it used no accelerator reads 'CPU only', whatever
    GPU its board has; a run that states nothing on a board with a GPU is unknown, not that GPU."""
    from generator.results.table import CPU_ONLY, rows_from_corpus

    root = Path(__file__).resolve().parents[1] / "kb"
    corpus = Corpus.load(Workspace.open([root / n for n in ("reef-core", "mlperf-inference-v0.5", "mobilenets",
                                                           "request-asplos18")]))  # fmt: skip
    metas = {e.ref.uid: e.meta for e in corpus.of_module("result")}
    rows = rows_from_corpus(corpus)
    assert rows
    for row in rows:
        stated = str(metas[row.uid].get("accelerator", ""))
        if stated.casefold() == "none" or row.framework == "TFLite":
            assert row.accelerator == CPU_ONLY, row.title
        elif not stated:
            assert row.accelerator in ("", CPU_ONLY), row.title
    assert {r.accelerator for r in rows if r.benchmark == "mobilenets-armcl-tflite"} == {CPU_ONLY, "ARM Mali-G71",
                                                                                        "ARM Mali-T860"}  # fmt: skip


def test_request_dashboard_folder_with_result_cfg_imports_the_same_rows(tmp_path: Path) -> None:
    entry = tmp_path / "repo" / "result" / "demo.request.asplos18"
    entry.mkdir(parents=True)
    raw_table("request-asplos18", tmp_path).rename(entry / "result-1.json")
    cfg = tmp_path / "repo" / "result.cfg" / "demo.request.asplos18" / ".cm"
    cfg.mkdir(parents=True)
    shutil.copy(RAW / "request-asplos18.result-cfg.json", cfg / "meta.json")
    report = run_import("ck-dashboard", [entry], tmp_path / "out", cwd=tmp_path)
    assert (report.rows, report.stats.created["result"]) == (69, 69)
    assert {m["benchmark"] for m in _metas(tmp_path / "out")} == {
        "request.asplos18/image-classification", "request.asplos18/image-classification-simulation"}


def test_result_cfg_axes_named_without_the_min_max_suffix_read_the_suffixed_keys(tmp_path: Path) -> None:
    entry = tmp_path / "repo" / "result" / "demo.spread"
    entry.mkdir(parents=True)
    rows = [{"platform": "Board A", "model": "m1", "time#min": 10.0, "time#max": 12.0, "accuracy#min": 0.7},
            {"platform": "Board B", "model": "m1", "time#min": 20.0, "time#max": 21.0, "accuracy#min": 0.71}]
    (entry / "result-1.json").write_text(json.dumps(rows))
    cfg = tmp_path / "repo" / "result.cfg" / "demo.spread" / ".cm"
    cfg.mkdir(parents=True)
    (cfg / "meta.json").write_text(json.dumps({"data_config": {"raw_config": {"xDimension": "time",
                                                                              "yDimension": "accuracy"}}}))
    report = run_import("ck-dashboard", [entry], tmp_path / "out", cwd=tmp_path)
    assert (report.rows, report.stats.created["result"], report.stats.skipped_rows) == (2, 2, 0)
    board_a = next(m for m in _metas(tmp_path / "out") if m["platform_uoa"] == "board-a")
    assert board_a["metrics"]["time"] == {"value": 10.0, "unit": "s", "direction": "lower", "min": 10.0,
                                          "max": 12.0}  # fmt: skip
    assert board_a["metrics"]["accuracy"]["value"] == 0.7


def test_every_row_read_is_imported_or_counted_with_a_reason(tmp_path: Path, run_cli: Callable) -> None:
    table = tmp_path / "rows.json"
    rows = json.loads(raw_table("request-asplos18", tmp_path).read_text())[:3]
    rows.append({k: ("" if "characteristics" in k else v) for k, v in rows[0].items()})  # nothing measured
    rows.append("not a row")
    table.write_text(json.dumps(rows))
    result = run_cli(["-R", str(tmp_path / "none"), "import", "ck-dashboard", str(table), "--into",
                      str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Imported 4 rows" in result.output and "created: " in result.output
    assert "skipped: 1 (no measured value)" in result.output
    assert "skipped: 1 (not a JSON object)" in result.output
    assert len(_metas(tmp_path / "out")) == 3


def test_a_truncated_rows_file_keeps_its_complete_rows_and_warns(tmp_path: Path, run_cli: Callable) -> None:
    full = raw_table("mobilenets-armcl-tflite", tmp_path).read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(full[: len(full) // 2])
    result = run_cli(["-R", str(tmp_path / "none"), "import", "ck-dashboard", str(cut), "--into",
                      str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 0, result.output
    kept = len(_metas(tmp_path / "out"))
    assert 100 < kept < 304
    assert f"the file is truncated or damaged after {kept} complete rows" in result.output


def _experiment(root: Path, name: str, meta: dict, points: dict[str, str]) -> Path:
    entry = root / "experiment" / name
    (entry / ".cm").mkdir(parents=True)
    (entry / ".cm" / "meta.json").write_text(json.dumps(meta))
    for file_name, text in points.items():
        (entry / file_name).write_text(text)
    return entry


def test_crowd_experiments_take_their_platform_from_their_own_meta(tmp_path: Path) -> None:
    point = json.dumps({"##characteristics#run#execution_time#min": 1.5,
                        "##characteristics#run#execution_time#max": 1.7})
    tuned = _experiment(tmp_path, "crowd-1", {"meta": {"plat_name": "SAMSUNG SM-G935F", "os_name": "Android 6.0.1",
                                                       "gpu_name": "ARM Mali-T880"}, "tags": ["crowdtuning"]},
                        {"ckp-0123456789abcdef.flat.json": point})  # fmt: skip
    phone = _experiment(tmp_path, "crowd-2", {"meta": {"plat_name": "Xiaomi Redmi 4 (Xiaomi Redmi 4)"},
                                              "all_raw_results": [{"time": [812, 790, 801]}, {"time": [799, 805]}],
                                              "tags": ["crowd"]}, {})  # fmt: skip
    report = run_import("ck-experiment", [tuned, phone], tmp_path / "out", cwd=tmp_path)
    assert (report.rows, report.stats.created["result"]) == (3, 3)
    metas = _metas(tmp_path / "out")
    assert {m["platform_uoa"] for m in metas} == {"samsung-sm-g935f", "xiaomi-redmi-4"}
    samsung = Repo.open(tmp_path / "out").load(Repo.open(tmp_path / "out").find("platform", "samsung-sm-g935f"))
    assert samsung.meta["accelerator"] == "ARM Mali-T880" and samsung.meta["os"] == "Android 6.0.1"


def test_an_unreadable_experiment_point_is_warned_about_and_counted(tmp_path: Path) -> None:
    good = json.dumps({"##characteristics#run#execution_time#mean": 2.0})
    entry = _experiment(tmp_path, "cut", {"meta": {"cpu_name": "BCM2709"}, "tags": ["x"]},
                        {"ckp-0000000000000001.flat.json": good,
                         "ckp-0000000000000002.flat.json": good[: len(good) // 2]})  # fmt: skip
    report = run_import("ck-experiment", [entry], tmp_path / "out", cwd=tmp_path)
    assert report.stats.created["result"] == 1
    assert dict(report.stats.skipped) == {"unreadable point file": 1}
    assert any("ckp-0000000000000002.flat.json" in w and "truncated" in w for w in report.stats.warnings)


def test_names_never_keep_control_characters() -> None:
    assert plain_text("HiKey960\x00 (HiKey960\x00)") == "HiKey960 (HiKey960)"
    assert plain_text("a\tb\nc\x07d\x9b") == "a b cd"


@pytest.mark.parametrize(
    ("kind", "table"),
    [("mlperf", "mlperf-inference-v0.5-image-classification"), ("mlperf", "mlperf-inference-v0.5-object-detection"),
     ("ck-dashboard", "mobilenets-armcl-tflite"), ("ck-dashboard", "request-asplos18")],
)
def test_every_importer_writes_titles_no_two_results_of_a_benchmark_share(kind: str, table: str,
                                                                          tmp_path: Path) -> None:  # fmt: skip
    run_import(kind, [raw_table(table, tmp_path)], tmp_path / "out", cwd=tmp_path)
    corpus = Corpus.load(Workspace.open([tmp_path / "out"]))
    seen: dict[object, set[str]] = defaultdict(set)
    for entry in corpus.of_module("result"):
        key = benchmark_id(entry.meta)
        assert entry.name.casefold() not in seen[key], entry.name
        seen[key].add(entry.name.casefold())
    assert sum(len(v) for v in seen.values()) == len(corpus.of_module("result")) > 0


@pytest.mark.parametrize("source", ["experiment/rpi3-7z-encode-gcc4", "result/demo.tiny"])
def test_ck_experiment_and_generic_dashboard_outputs_have_distinct_titles_too(source: str, tmp_path: Path) -> None:
    kind = "ck-experiment" if source.startswith("experiment") else "ck-dashboard"
    run_import(kind, [Path(__file__).parent / "fixtures" / "results" / "ck-repo" / source], tmp_path / "out",
               cwd=tmp_path)  # fmt: skip
    entries = Corpus.load(Workspace.open([tmp_path / "out"])).of_module("result")
    names = [(benchmark_id(e.meta), e.name.casefold()) for e in entries]
    assert len(entries) >= 2 and len(set(names)) == len(names)
