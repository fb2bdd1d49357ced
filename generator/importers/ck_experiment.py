"""CK ``experiment`` entries with their points (``ckp-*.flat.json``, CK-FORMAT §5.5) → result entries."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.jsonio import read_json_object
from generator.errors import GeneratorError
from generator.importers.common import metric
from generator.importers.guess import direction_of, unit_of
from generator.importers.naming import metric_name, plain_text, slugify, stable_uid
from generator.importers.sink import EntrySink

NAMESPACE = "ck-experiment"
_POINT = re.compile(r"^ckp-(?P<point>[0-9a-f]{16})\.flat\.json$")
_STAT = re.compile(r"^##characteristics#(?P<stage>run|compile)#(?P<name>[^#@]+)#(?P<stat>mean|min|all)$")
_SKIP = {"run_success", "md5_sum", "joined_compiler_flags"}


def experiment_dirs(path: Path) -> list[Path]:
    """The experiment entry folders under a path: the entry itself or every entry in a module folder."""
    if (path / layout.CM).is_dir():
        return [path]
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if (p / layout.CM).is_dir())
        if found:
            return found
    raise GeneratorError(
        "not a CK experiment entry (no .cm folder)",
        path=path,
        hint="pass experiment/<entry> or the experiment module folder",
    )


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def point_metrics(flat: dict[str, Any]) -> dict[str, Any]:
    """Metrics of one point from its flat statistics: the mean (else min), repeats as samples."""
    stats: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        match = _STAT.match(key)
        if match and match["name"] not in _SKIP:
            stats.setdefault(match["name"], {})[match["stat"]] = value
    out = {}
    for name, found in sorted(stats.items()):
        value = _finite(found.get("mean")) if "mean" in found else _finite(found.get("min"))
        if value is None:
            continue
        samples = [s for s in (found.get("all") or []) if _finite(s) is not None]
        extra = {"samples": samples} if len(samples) > 1 else {}
        out[metric_name(name)] = metric(value, unit_of(name), direction_of(name), **extra)
    return out


def _choices(flat: dict[str, Any]) -> dict[str, Any]:
    return {
        k[len("##choices#") :]: v
        for k, v in sorted(flat.items())
        if k.startswith("##choices#") and isinstance(v, (str, int, float)) and not isinstance(v, bool)
    }


def _platform(sink: EntrySink, info: dict[str, Any], flat: dict[str, Any]) -> str:
    name = plain_text(
        str(
            flat.get("##features#platform#name")
            or info.get("platform")
            or info.get("plat_name")
            or info.get("cpu_name")
            or "unknown platform"
        )
    )
    meta: dict[str, Any] = {"tags": ["platform", "ck-experiment"], "name": name}
    if isinstance(info.get("cpu_name"), str):
        meta["processor"] = plain_text(info["cpu_name"])
    if isinstance(info.get("os_name"), str):
        meta["os"] = plain_text(info["os_name"])
    alias = slugify(name) or "unknown-platform"
    return sink.ensure("platform", alias, uid=stable_uid(NAMESPACE, "platform", alias), meta=meta, name=name)


def _date(meta: dict[str, Any], info: dict[str, Any]) -> str:
    added = meta.get("added") if isinstance(meta.get("added"), dict) else {}
    for value in (added.get("iso_datetime"), info.get("timestamp")):
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    return ""


def import_experiment(entry_dir: Path, sink: EntrySink, *, benchmark: str = "", submitter: str = "") -> int:
    """Write one result per point of an experiment entry; returns the number of points read."""
    meta = read_json_object(entry_dir / layout.CM / layout.META)
    info = meta.get("meta") if isinstance(meta.get("meta"), dict) else {}
    tags = [t for t in meta.get("tags", []) if isinstance(t, str)] if isinstance(meta.get("tags"), list) else []
    program = str(info.get("program_uoa") or "")
    bench = benchmark or f"ck-experiment/{slugify(program or (tags[0] if tags else entry_dir.name))}"
    points = sorted(p for p in entry_dir.iterdir() if _POINT.match(p.name))
    experiment_uid = stable_uid(NAMESPACE, entry_dir.name)
    for point_file in points:
        flat = read_json_object(point_file)
        metrics = point_metrics(flat)
        if not metrics:
            sink.stats.skipped_rows += 1
            continue
        point = _POINT.match(point_file.name)["point"]  # type: ignore[index]
        platform = _platform(sink, info, flat)
        result: dict[str, Any] = {
            "tags": ["result", "ck-experiment", *tags[:20]],
            "name": f"{entry_dir.name} point {point[:8]}",
            "benchmark": bench,
            "platform_uoa": platform,
            "metrics": metrics,
            "configuration": _choices(flat),
            "source": {"name": f"CK experiment {entry_dir.name}", "row": point},
        }
        if isinstance(info.get("cmd_key"), str):
            result["scenario"] = info["cmd_key"]
        if program and sink.find_alias("program", program):
            result["program_uoa"] = program
        dataset = str(info.get("dataset_uoa") or "")
        if dataset and sink.find_alias("dataset", dataset):
            result["dataset_uoa"] = dataset
        software = [
            {"name": plain_text(str(info[k]))}
            for k in ("library_name", "compiler_name", "compiler")
            if isinstance(info.get(k), str)
        ]
        if software:
            result["software"] = software
        if date := _date(meta, info):
            result["date"] = date
        if submitter:
            result["submitter"] = submitter
        uid = stable_uid(NAMESPACE, experiment_uid, point)
        sink.put("result", "", uid=uid, meta=result, name=result["name"])
    return len(points)
