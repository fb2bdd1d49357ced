"""CK pipeline points (flat ``##characteristics#…``, ``##choices#…``, ``##features#…`` keys) plus the
experiment's own meta → a result with every dimension the original dashboards showed: model,
precision, batch size, framework, platform, price, power, energy per inference and min/max spread.

Used for CK dashboard rows such as the ReQuEST @ ASPLOS'18 tournament (``##meta#…`` keys carry the
meta) and for CK experiment entries (``ckp-*.flat.json`` points, the entry's ``meta`` dict).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.importers import ck_entities as entities
from generator.importers.common import ensure_dataset, ensure_software, metric, software_item
from generator.importers.guess import direction_of, unit_of
from generator.importers.naming import metric_name, plain_text, slugify
from generator.importers.sink import EntrySink
from generator.numbers import finite

_STAT = re.compile(r"^##characteristics#(?P<stage>run|compile)#(?P<name>[^#@]+)#(?P<stat>min|max|mean|all)$")
_SKIP = re.compile(r"_bool$|^(run_success|md5_sum|joined_compiler_flags|output_check_failed|fail_reason)$")
# Known characteristics: metric name, unit, direction, factor to the unit, ranked on leaderboards.
KNOWN: dict[str, tuple[str, str, str, float, bool]] = {
    "inference_latency": ("latency", "ms", "lower", 1000.0, True),
    "inference_throughput": ("throughput", "images/s", "higher", 1.0, True),
    "prediction_time_avg_s": ("prediction_time", "ms", "lower", 1000.0, False),
    "usage_cost": ("usage_cost", "$/image", "lower", 1.0, False),
    "memory_usage": ("memory_usage", "B", "lower", 1.0, False),
}
_ACCURACY = re.compile(r"^accuracy_top[15]$")
# Environment choices that say where files were, not how the run was configured.
# CK_ENV_* name the packages (model, data set) a run used: the model entry says that already; a batch
# size is a result field of its own and the iteration count follows from it and the data set size.
_ENV_NOISE = re.compile(r"^CK_ENV_|(HOST|PORT|DIR|PATH|LIST|FILE|FILENAME|_VAL|_MODEL|_WEIGHTS|_MEAN_BIN|_ALWAYS|"
                        r"BATCH_SIZE|ITERATIONS)$")  # fmt: skip
_FEATURES = ("freq", "cpu_freq", "gpu_freq")


@dataclass
class Point:
    """One measured point: flat keys, the meta describing it, where it came from."""

    flat: Mapping[str, Any]
    meta: Mapping[str, Any]
    benchmark: str
    source: dict[str, Any]
    submitter: str = ""
    date: str = ""
    scenario: str = ""
    tags: list[str] = field(default_factory=list)


def is_pipeline_row(row: Mapping[str, Any]) -> bool:
    """Whether a dashboard row holds flattened CK pipeline statistics."""
    return any(isinstance(k, str) and k.startswith("##characteristics#") for k in row)


def row_meta(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ``##meta#…`` keys of a dashboard row as a meta dict (the experiment's own meta)."""
    return {k[len("##meta#") :]: v for k, v in row.items() if isinstance(k, str) and k.startswith("##meta#")}


def _statistics(flat: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        match = _STAT.match(key) if isinstance(key, str) else None
        if match and not _SKIP.search(match["name"]):
            stats.setdefault(match["name"], {})[match["stat"]] = value
    return stats


def _spread(found: Mapping[str, Any], direction: str, scale: float) -> tuple[float | None, dict[str, Any]]:
    """The value (the mean, else the best of min/max, as the original dashboards showed it) and
    the spread and repeats to keep with it."""
    low, high = finite(found.get("min")), finite(found.get("max"))
    mean = finite(found.get("mean"))
    value = mean if mean is not None else (low if direction == "lower" else high)
    if value is None:
        value = high if low is None else low
    if value is None:
        return None, {}
    extra: dict[str, Any] = {}
    if low is not None and high is not None and low < high and low <= value <= high:
        extra.update(min=round(low * scale, 9), max=round(high * scale, 9))
    samples = [s * scale for s in (found.get("all") or []) if finite(s) is not None] \
        if isinstance(found.get("all"), list) else []  # fmt: skip
    if len(samples) > 1:
        extra["samples"] = samples
    return value * scale, extra


def point_metrics(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Metrics of one point: known characteristics in their units, the rest as CK named them."""
    out: dict[str, Any] = {}
    for name, found in sorted(_statistics(flat).items()):
        if name in KNOWN:
            key, unit, direction, scale, primary = KNOWN[name]
        elif _ACCURACY.match(name):
            key, unit, direction, primary = name, "%", "higher", True
            sample = finite(found.get("min")) or finite(found.get("max")) or finite(found.get("mean"))
            scale = 100.0 if sample is not None and sample <= 1.0 else 1.0
        else:
            key, unit, direction, scale, primary = metric_name(name), unit_of(name), direction_of(name), 1.0, True
        value, extra = _spread(found, direction, scale)
        if value is None or (value <= 0 and (unit == "%" or key in ("latency", "throughput"))):
            continue  # 0 % accuracy and 0 ms latency mean 'not measured' in these tables
        out[key] = metric(value, unit, direction, **extra, **({} if primary else {"primary": False}))
    return out


def _cost_metrics(metrics: dict[str, Any], platform: entities.Platform | None, flat: Mapping[str, Any]) -> None:
    """Price and power of the platform, energy per inference and model size: axes, not rankings."""
    if platform is not None and platform.price is not None:
        metrics["price"] = metric(platform.price, "$", "lower", primary=False)
    if platform is not None and platform.power is not None:
        metrics["power"] = metric(platform.power, "W", "lower", primary=False)
        if "latency" in metrics:
            joules = platform.power * metrics["latency"]["value"] / 1000.0
            metrics["energy_per_inference"] = metric(joules, "J", "lower", primary=False)
    size = finite(flat.get("##features#model_size#min")) or finite(flat.get("##features#model_size"))
    if size is not None and size > 0:
        metrics["model_size"] = metric(size, "B", "lower", primary=False)


def _scalar(value: Any) -> str | int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    text = plain_text(str(value)) if isinstance(value, str) else ""
    return text or None


def environment(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The ``##choices#env#…`` values of a point (statistic suffixes removed)."""
    env = {}
    for key, value in flat.items():
        if isinstance(key, str) and key.startswith("##choices#env#") and (found := _scalar(value)) is not None:
            env[key[len("##choices#env#") :].split("#")[0]] = found
    return env


def configuration(flat: Mapping[str, Any], env: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    """How the point was configured: environment choices (paths and hosts left out), other choices
    such as compiler flags, device frequencies, the CK program and the data set size."""
    config: dict[str, Any] = {}
    for key, value in env.items():
        if _ENV_NOISE.search(key) or (isinstance(value, str) and ("/" in value or "\\" in value
                                                                  or value.startswith("tmp-"))):  # fmt: skip
            continue
        config[key.removeprefix("CK_").lower()] = value
    for key, value in flat.items():
        if isinstance(key, str) and key.startswith("##choices#") and not key.startswith("##choices#env#"):
            name = key[len("##choices#") :].removesuffix("#min")
            if name and name != "data_uoa" and (found := _scalar(value)) is not None:
                config[name] = found
    for name in _FEATURES:
        if (found := finite(flat.get(f"##features#{name}#min"))) is not None and found > 0:
            config[f"{name} MHz"] = _scalar(found)
    if farm := entities.text(meta, "farm"):
        config["farm"] = farm
    program = _scalar(flat.get("##choices#data_uoa#min"))
    if program is not None:
        config["program"] = program
    if (size := entities.number(meta, "dataset_size")) is not None:
        config["dataset size"] = int(size)
    return config


def _batch_size(flat: Mapping[str, Any], env: Mapping[str, Any]) -> int | None:
    for value in (flat.get("##features#batch_size#min"), env.get("CK_BATCH_SIZE"), env.get("CK_CAFFE_BATCH_SIZE")):
        try:
            size = int(str(value)) if value not in (None, "") and not isinstance(value, bool) else None
        except ValueError:
            continue
        if size is not None and size > 0:
            return size
    return None


def task_of(meta: Mapping[str, Any]) -> str:
    """The task from the meta's algorithm species ('image classification' → 'image-classification')."""
    return slugify(entities.text(meta, "algorithm_species"))


def result_meta(point: Point, sink: EntrySink) -> dict[str, Any] | None:
    """The result entry of one point (None when it measured nothing); links or creates its platform,
    model, dataset and software entries."""
    metrics = point_metrics(point.flat)
    if not metrics:
        return None
    meta, env = point.meta, environment(point.flat)
    platform = entities.ensure_platform(sink, meta, fallback=plain_text(str(point.flat.get("##features#platform#name")
                                                                             or "")))  # fmt: skip
    _cost_metrics(metrics, platform, point.flat)
    task = task_of(meta)
    result: dict[str, Any] = {
        "tags": list(dict.fromkeys(["result", "ck", *point.tags])),
        "benchmark": point.benchmark,
        "platform_uoa": platform.alias if platform else "unknown-platform",
        "metrics": metrics,
        "configuration": configuration(point.flat, env, meta),
        "source": point.source,
    }
    if platform is None:
        sink.ensure("platform", "unknown-platform", uid=entities.stable_uid(entities.NAMESPACE, "platform", "unknown"),
                    meta={"tags": ["platform"], "name": "unknown platform"}, name="unknown platform")  # fmt: skip
    _describe(result, point, sink, env, task)
    return result


def _describe(result: dict[str, Any], point: Point, sink: EntrySink, env: Mapping[str, Any], task: str) -> None:
    """Add the model, dataset, precision, batch size, software, submitter, date and a base title."""
    meta = point.meta
    model, model_name = entities.ensure_model(sink, meta, env, task)
    if model:
        result["model_uoa"] = model
    if task and "imagenet" in entities.text(meta, "dataset_species").casefold():
        result["dataset_uoa"] = ensure_dataset(sink, task, entities.NAMESPACE)
    if precision := entities.text(meta, "model_precision"):
        result["precision"] = precision
    if (batch := _batch_size(point.flat, env)) is not None:
        result["batch_size"] = batch
    if accelerator := entities.run_accelerator(meta):
        result["accelerator"] = accelerator
    name, version = entities.framework(meta)
    software = [software_item(sink, name, version, entities.NAMESPACE)] if name else []
    compiler = entities.text(meta, "compiler_name") or entities.text(meta, "compiler")
    software += ensure_software(sink, [compiler], entities.NAMESPACE) if compiler else []
    if software:
        result["software"] = software
    if name:
        result["framework"] = name
    for key in ("scenario", "submitter", "date"):
        if value := getattr(point, key):
            result[key] = value
    what = model_name or point.benchmark
    where = entities.platform_name(meta) or result["platform_uoa"]
    with_what = f" with {name} {version.split(' (')[0]}".rstrip() if name else ""
    precision_text = f" {result['precision']}" if "precision" in result else ""
    result["name"] = f"{what}{precision_text}{with_what} on {where}"
