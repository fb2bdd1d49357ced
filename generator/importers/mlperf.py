"""MLPerf Inference v0.5 result tables (CK dashboard rows) → result, platform, model entries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.importers.common import ensure_dataset, ensure_software, metric
from generator.importers.naming import extract_url, plain_text, slugify, stable_uid, strip_suffix_note
from generator.importers.sink import EntrySink

NAMESPACE = "mlperf-v0.5"
BENCHMARK = "mlperf-inference-v0.5"
PUBLISHED = "2019-11-06"  # MLPerf Inference v0.5 results were published on this day
SOURCE_NAME = "MLPerf Inference v0.5 results"

# Performance per scenario: metric name, unit, direction (MLPerf v0.5 rules).
SCENARIOS: dict[str, tuple[str, str, str]] = {
    "SingleStream": ("latency", "ms", "lower"),
    "MultiStream": ("streams", "streams", "higher"),
    "Server": ("throughput", "queries/s", "higher"),
    "Offline": ("throughput", "samples/s", "higher"),
}
TASKS = {
    "Image Classification": "image-classification",
    "Object Detection": "object-detection",
    "Machine Translation": "machine-translation",
}
CANONICAL_MODELS = {
    "resnet": "resnet50-v1.5",
    "mobilenet": "mobilenet-v1-1.0-224",
    "mobilenet-quantized": "mobilenet-v1-1.0-224-quant",
    "ssd-small": "ssd-mobilenet-v1-coco",
    "ssd-large": "ssd-resnet34-1200",
    "gnmt": "gnmt",
}
# The model each benchmark fixes and its closed-division quality target (MLPerf Inference v0.5 rules);
# open-division results of a benchmark may run other models and have no quality target.
REFERENCE_MODELS = {
    "resnet50-v1.5": "≥ 99 % of FP32 top-1 (76.456 %)",
    "mobilenet-v1-1.0-224": "≥ 98 % of FP32 top-1 (71.676 %)",
    "ssd-mobilenet-v1-coco": "≥ 99 % of FP32 mAP (22.0)",
    "ssd-resnet34-1200": "≥ 99 % of FP32 mAP (20.0)",
    "gnmt": "≥ 99 % of FP32 BLEU (23.9)",
}
FORM_FACTORS = {"FF_M": "mobile", "FF_E": "edge", "FF_D": "desktop", "FF_S": "datacenter"}
_RESOLUTION = re.compile(r"\s*\((\d+)x\d+\)\s*$")
_BLANK = {"", "-", "n/a", "na", "none", "?"}


def is_mlperf_row(row: dict[str, Any]) -> bool:
    """Whether a table row looks like an MLPerf results row (ID list plus P_*/A_* columns)."""
    return isinstance(row.get("ID"), list) and any(k.startswith("P_") for k in row)


def _perf_columns(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(performance column, accuracy column) pairs of a row, e.g. ('P_IC1', 'A_IC1')."""
    return [(k, "A_" + k[2:]) for k in sorted(row) if k.startswith("P_")]


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return plain_text(str(value)) if value is not None else ""


def _count(row: dict[str, Any], key: str) -> int | None:
    value = row.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def model_alias(benchmark: str) -> tuple[str, int | None]:
    """MLPerf benchmark label → canonical model alias and input resolution."""
    match = _RESOLUTION.search(benchmark)
    resolution = int(match.group(1)) if match else None
    base = _RESOLUTION.sub("", benchmark).strip()
    if base in CANONICAL_MODELS:
        return CANONICAL_MODELS[base], resolution
    return slugify(base.replace("-quantized", "-quant")), resolution


def reference_model(benchmark: str) -> str:
    """The model an MLPerf benchmark label belongs to: every MobileNet variant (open division) to
    MobileNet v1 1.0 224, quantized or not; ResNet, SSD and GNMT to their own reference."""
    base = _RESOLUTION.sub("", benchmark).strip().lower()
    if base.startswith("mobilenet"):
        return CANONICAL_MODELS["mobilenet"]
    return CANONICAL_MODELS.get(base, model_alias(benchmark)[0])


def _ensure_platform(sink: EntrySink, row: dict[str, Any]) -> str:
    submitter, system = _text(row, "Submitter"), _text(row, "System")
    alias = slugify(strip_suffix_note(system)) or stable_uid(NAMESPACE, "platform", submitter, system)
    meta: dict[str, Any] = {
        "tags": ["platform", "mlperf", slugify(submitter) or "unknown"],
        "name": system,
        "vendor": submitter,
    }
    for key, out in (("Processor", "processor"), ("Accelerator", "accelerator")):
        if _text(row, key).lower() not in _BLANK:
            meta[out] = _text(row, key)
    for key, out in (("Processor #", "processor_count"), ("Accelerator #", "accelerator_count")):
        if _count(row, key) is not None:
            meta[out] = _count(row, key)
    factors = [v for k, v in FORM_FACTORS.items() if str(row.get(k, "")).strip().lower() == "x"]
    if factors:
        meta["form_factor"] = factors
    if url := extract_url(str(row.get("Details", ""))):
        meta["links"] = [{"url": url, "title": "MLPerf system description"}]
    uid = stable_uid(NAMESPACE, "platform", submitter, system)
    return sink.ensure("platform", alias, uid=uid, meta=meta, name=system)


def _ensure_model(sink: EntrySink, benchmark: str, task: str, dataset: str) -> str:
    alias, resolution = model_alias(benchmark)
    name = _RESOLUTION.sub("", benchmark).strip()
    meta: dict[str, Any] = {
        "tags": ["model", task, *([t] if (t := alias.split("-")[0]) else [])],
        "name": name,
        "task": task,
        "dataset_uoa": dataset,
    }
    if "mobilenet" in alias:
        meta["architecture"] = "MobileNet v2" if "-v2-" in alias else "MobileNet v1"
    if resolution and "quant" not in alias:
        meta["input_resolution"] = resolution
    meta["precision"] = "int8" if "quant" in alias else "fp32"
    return sink.ensure("model", alias, uid=stable_uid(NAMESPACE, "model", alias), meta=meta, name=name)


def _result_meta(row: dict[str, Any], perf_key: str, acc_key: str, sink: EntrySink) -> dict[str, Any] | None:
    perf = row.get(perf_key)
    scenario = _text(row, "Scenario")
    if not isinstance(perf, (int, float)) or isinstance(perf, bool) or perf <= 0 or scenario not in SCENARIOS:
        return None
    task = TASKS.get(_text(row, "Task"), slugify(_text(row, "Task")) or "unknown")
    dataset = ensure_dataset(sink, task, NAMESPACE)
    benchmark_label = _text(row, "Benchmark")
    name, unit, direction = SCENARIOS[scenario]
    metrics = {name: metric(perf, unit, direction)}
    accuracy = row.get(acc_key)
    if isinstance(accuracy, (int, float)) and not isinstance(accuracy, bool) and accuracy > 0:
        metrics["accuracy"] = metric(accuracy, "%" if task != "object-detection" else "% mAP", "higher")
    software_cmd = row.get("Software", {}).get("cmd", "") if isinstance(row.get("Software"), dict) else ""
    submitter, system, division = _text(row, "Submitter"), _text(row, "System"), _text(row, "Division")
    software = ensure_software(sink, [s for s in software_cmd.split(",") if s.strip()], NAMESPACE)
    reference = reference_model(benchmark_label)
    model = _ensure_model(sink, benchmark_label, task, dataset)
    meta: dict[str, Any] = {
        "tags": ["result", "mlperf", BENCHMARK, task, division.lower() or "unknown", scenario.lower()],
        "name": result_name(submitter, system, f"{benchmark_label} {scenario}", software, division),
        "benchmark": f"{BENCHMARK}/{task}",
        "reference_model": reference,
        "scenario": scenario,
        "division": division,
        "category": _text(row, "Category"),
        "submitter": submitter,
        "platform_uoa": _ensure_platform(sink, row),
        "model_uoa": model,
        "precision": "int8" if "quant" in model else "fp32",
        "dataset_uoa": dataset,
        "date": PUBLISHED,
        "software": software,
        "metrics": metrics,
        "source": {"name": SOURCE_NAME, "row": str(row["ID"][0]), "url": extract_url(str(row.get("Details", "")))},
    }
    links = [
        {"url": u, "title": t}
        for t, key in (("System description", "Details"), ("Code", "Code"))
        if (u := extract_url(str(row.get(key, ""))))
    ]
    if links:
        meta["links"] = links
    if (notes := _text(row, "Notes")) and notes.lower() not in _BLANK:
        meta["notes"] = notes
    if not meta["source"]["url"]:
        del meta["source"]["url"]
    if division.casefold() == "closed" and (target := REFERENCE_MODELS.get(reference)):
        meta["quality_target"] = target
    if software and software[0].get("name"):
        meta["framework"] = software[0]["name"]
    meta["accelerator"] = _text(row, "Accelerator") if _text(row, "Accelerator").lower() not in _BLANK else "none"
    meta["configuration"] = system_configuration(row)
    return meta


def system_configuration(row: dict[str, Any]) -> dict[str, Any]:
    """The system as this row ran it: processors and accelerators with their counts (one system name
    covers CPU-only and GPU runs, and DellEMC's R740xd two different CPUs)."""
    config: dict[str, Any] = {}
    for key, out in (("Processor", "processor"), ("Accelerator", "accelerator")):
        if _text(row, key).lower() not in _BLANK:
            config[out] = _text(row, key)
    for key, out in (("Processor #", "processors"), ("Accelerator #", "accelerators")):
        if (count := _count(row, key)) is not None and (out == "processors" or count > 0):
            config[out] = count
    return config


ENGINE_LABEL_CHARS = 32  # versions can be whole commit hashes; the page lists the full stack


def result_name(submitter: str, system: str, what: str, software: list[dict[str, str]], division: str) -> str:
    """A title that tells a system's runs apart: one system ran a model with several inference
    engines (ArmNN with Neon or OpenCL, TFLite) and in both divisions, so the first item of the
    software stack (the engine; the rest is listed on the page) and the division are named."""
    engine = " ".join(part for part in (software[0].get("name", ""), software[0].get("version", "")) if part) \
        if software else ""
    engine = engine if len(engine) <= ENGINE_LABEL_CHARS else engine[: ENGINE_LABEL_CHARS - 1].rstrip() + "…"
    details = "; ".join(part for part in (engine, division) if part)
    return f"{submitter} {system}: {what}" + (f" ({details})" if details else "")


def import_rows(rows: Iterable[dict[str, Any]], sink: EntrySink) -> None:
    """Write one result per row and measured performance column (zero values are skipped)."""
    for row in rows:
        if not isinstance(row, dict) or not is_mlperf_row(row):
            sink.stats.skip("not an MLPerf row")
            continue
        wrote = False
        for perf_key, acc_key in _perf_columns(row):
            meta = _result_meta(row, perf_key, acc_key, sink)
            if meta is None:
                continue
            key = [str(part) for part in row["ID"]]
            uid = stable_uid(NAMESPACE, *key, perf_key)
            alias = slugify(f"{key[0]}-{perf_key[2:]}")
            sink.put_result(alias, uid=uid, meta=meta)
            wrote = True
        if not wrote:
            sink.stats.skip("no measured value")
