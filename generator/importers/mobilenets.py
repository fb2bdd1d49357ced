"""MobileNets design-space study rows (CK dashboard ``demo.mlperf.mobilenets``) → result entries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.importers.common import ensure_dataset, ensure_software, metric
from generator.importers.naming import plain_text, slugify, stable_uid
from generator.importers.sink import EntrySink

NAMESPACE = "mobilenets"
BENCHMARK = "mobilenets-armcl-tflite"
SOURCE_NAME = "CK dashboard demo.mlperf.mobilenets.all"
PROGRAMS = {"armcl": "mobilenets-armcl-classification", "tflite": "mobilenets-tflite-classification"}
CONFIG_KEYS = (
    "convolution_method",
    "data_layout",
    "kernel_tuner",
    "batch_size",
    "batch_count",
    "cpu_freq",
    "gpu_freq",
    "os_name",
)
_MODEL = re.compile(r"^v(?P<version>\d)-(?P<multiplier>\d+(?:\.\d+)?)-(?P<resolution>\d+)$")
_LIBRARY = re.compile(r"^(?P<name>[a-z]+)-(?P<version>[\d.]+)$")
LIBRARY_NAMES = {"armcl": "ArmCL", "tflite": "TFLite"}
PHONES = ("huawei", "samsung", "galaxy", "mate", "pixel")


def is_mobilenets_row(row: dict[str, Any]) -> bool:
    """Whether a row looks like the MobileNets study (model, library, platform, time_avg_ms)."""
    return all(k in row for k in ("model", "library", "platform", "time_avg_ms"))


def model_alias(label: str) -> tuple[str, int, float, int] | None:
    """'v1-0.50-128' → ('mobilenet-v1-0.5-128', version 1, multiplier 0.5, resolution 128)."""
    match = _MODEL.match(label.strip())
    if not match:
        return None
    version, multiplier, resolution = int(match["version"]), float(match["multiplier"]), int(match["resolution"])
    return f"mobilenet-v{version}-{multiplier}-{resolution}", version, multiplier, resolution


def ensure_model(sink: EntrySink, label: str, dataset: str) -> str:
    """Link to or create the MobileNet model of a label such as 'v1-0.50-128'."""
    parsed = model_alias(label)
    if parsed is None:
        alias = slugify(f"mobilenet-{label}")
        meta: dict[str, Any] = {"tags": ["model", "image-classification", "mobilenet"], "name": label}
    else:
        alias, version, multiplier, resolution = parsed
        meta = {
            "tags": ["model", "image-classification", "mobilenet", f"mobilenet-v{version}"],
            "name": f"MobileNet v{version} {multiplier} {resolution}",
            "architecture": f"MobileNet v{version}",
            "input_resolution": resolution,
            "width_multiplier": multiplier,
            "precision": "fp32",
        }
    meta.update(task="image-classification", dataset_uoa=dataset)
    return sink.ensure("model", alias, uid=stable_uid(NAMESPACE, "model", alias), meta=meta, name=meta["name"])


def _ensure_platform(sink: EntrySink, row: dict[str, Any]) -> str:
    name = plain_text(str(row.get("platform", ""))) or "unknown platform"
    meta: dict[str, Any] = {"tags": ["platform", "arm", "mobilenets"], "name": name}
    if cpu := plain_text(str(row.get("cpu_name", ""))):
        meta["processor"] = cpu
    if gpu := plain_text(str(row.get("gpgpu_name", ""))):
        meta["accelerator"] = gpu
    if os_name := plain_text(str(row.get("os_name", ""))):
        meta["os"] = os_name
    meta["form_factor"] = ["mobile"] if any(p in name.lower() for p in PHONES) else ["embedded"]
    alias = slugify(name)
    return sink.ensure("platform", alias, uid=stable_uid(NAMESPACE, "platform", alias), meta=meta, name=name)


def _library(label: str) -> tuple[str, str, str]:
    """'armcl-18.08' → ('armcl', 'ArmCL', '18.08')."""
    match = _LIBRARY.match(label.strip().lower())
    if not match:
        return slugify(label), label, ""
    return match["name"], LIBRARY_NAMES.get(match["name"], match["name"]), match["version"]


def _number(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _metrics(row: dict[str, Any]) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    if (avg := _number(row, "time_avg_ms")) and avg > 0:
        spread = {
            k: round(v, 6)
            for k, key in (("min", "time_avg_ms#min"), ("max", "time_avg_ms#max"))
            if (v := _number(row, key)) is not None
        }
        metrics["latency"] = metric(avg, "ms", "lower", **spread)
    for name, key in (("accuracy_top1", "accuracy_top1"), ("accuracy_top5", "accuracy_top5")):
        if (value := _number(row, key)) and value > 0:
            metrics[name] = metric(value * 100.0 if value <= 1.0 else value, "%", "higher")
    if (rate := _number(row, "rate_max_s")) and rate > 0:
        metrics["throughput"] = metric(rate, "images/s", "higher")
    if (per_watt := _number(row, "rate_max_s_w")) and per_watt > 0:
        metrics["rate_per_watt"] = metric(per_watt, "images/s/W", "higher")
    return metrics


def row_key(row: dict[str, Any]) -> list[str]:
    """The source's own identity of a row: platform, library, model and the configuration columns."""
    return [str(row.get(k, "")) for k in ("platform", "library", "model", *CONFIG_KEYS)]


def import_rows(rows: Iterable[dict[str, Any]], sink: EntrySink, *, submitter: str = "") -> None:
    """Write one result per study row that has a latency."""
    for row in rows:
        metrics = _metrics(row) if isinstance(row, dict) and is_mobilenets_row(row) else {}
        if "latency" not in metrics:
            sink.stats.skip("no latency measured")
            continue
        dataset = ensure_dataset(sink, "image-classification", NAMESPACE)
        lib_key, lib_name, lib_version = _library(str(row["library"]))
        software = ensure_software(sink, [f"{lib_name} {lib_version}".strip()], NAMESPACE)
        platform = _ensure_platform(sink, row)
        model = ensure_model(sink, str(row["model"]), dataset)
        config = {k: row[k] for k in CONFIG_KEYS if k in row and str(row[k]).strip() not in ("", "-")}
        meta: dict[str, Any] = {
            "tags": ["result", "mobilenets", BENCHMARK, "image-classification", lib_key],
            "name": f"{model} with {lib_name} {lib_version} on {plain_text(str(row['platform']))}",
            "benchmark": BENCHMARK,
            "scenario": "SingleStream",
            "framework": lib_name,
            "precision": "fp32",
            "accelerator": plain_text(str(row.get("gpgpu_name") or "")) or "none",  # TFLite ran on the CPU
            "platform_uoa": platform,
            "model_uoa": model,
            "dataset_uoa": dataset,
            "software": software,
            "metrics": metrics,
            "configuration": config,
            "source": {"name": SOURCE_NAME, "row": "|".join(row_key(row))},
        }
        if lib_key in PROGRAMS and sink.find_alias("program", PROGRAMS[lib_key]):
            meta["program_uoa"] = PROGRAMS[lib_key]
        if submitter:
            meta["submitter"] = submitter
        if isinstance(row.get("batch_size"), int) and not isinstance(row.get("batch_size"), bool):
            meta["batch_size"] = row["batch_size"]
            config.pop("batch_size", None)
        sink.put_result("", uid=stable_uid(NAMESPACE, *row_key(row)), meta=meta)
