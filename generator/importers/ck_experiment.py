"""CK ``experiment`` entries (CK-FORMAT §5.5, §5.6) → result entries, one per point.

Points come from ``ckp-*.flat.json`` (autotuning, ReQuEST), from ``ck-stat-flat-characteristics.json``
(crowd-benchmarking on desktops) or from the meta's ``all_raw_results`` (crowd-benchmarking on
phones). Model, precision, framework and platform come from the experiment's own meta.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.jsonio import read_json_object
from generator.errors import GeneratorError
from generator.importers import ck_pipeline
from generator.importers.naming import slugify, stable_uid
from generator.importers.sink import EntrySink

NAMESPACE = "ck-experiment"
_POINT = re.compile(r"^ckp-(?P<point>[0-9a-f]{16})\.flat\.json$")
CROWD_STATS = "ck-stat-flat-characteristics.json"


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


def _date(meta: dict[str, Any], info: dict[str, Any]) -> str:
    added = meta.get("added") if isinstance(meta.get("added"), dict) else {}
    for value in (added.get("iso_datetime"), info.get("timestamp")):
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    return ""


def experiment_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """What the experiment says about itself: the ``meta`` dict over the entry meta's own scalars."""
    own = {k: v for k, v in meta.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    inner = meta.get("meta") if isinstance(meta.get("meta"), dict) else {}
    return {**own, **inner}


def _points(entry_dir: Path, meta: dict[str, Any], sink: EntrySink) -> Iterator[tuple[str, dict[str, Any]]]:
    """(point id, flat statistics) of every readable point; unreadable files are warned about."""
    files = sorted(p for p in entry_dir.iterdir() if _POINT.match(p.name))
    if (entry_dir / CROWD_STATS).is_file():
        files.append(entry_dir / CROWD_STATS)
    for path in files:
        try:
            flat = read_json_object(path)
        except GeneratorError as error:
            sink.stats.warnings.append(f"{path}: unreadable (truncated or damaged?): {error.message}; point skipped")
            sink.stats.skip("unreadable point file")
            continue
        match = _POINT.match(path.name)
        yield (match["point"] if match else "stats"), flat
    raw = meta.get("all_raw_results")
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        times = item.get("time") if isinstance(item, dict) else None
        if not isinstance(times, list):
            sink.stats.skip("raw result without times")
            continue
        yield f"raw-{index}", {"##characteristics#run#time#all": times,
                               "##characteristics#run#time#min": min(times, default=None, key=_key),
                               "##characteristics#run#time#max": max(times, default=None, key=_key)}  # fmt: skip


def _key(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("inf")


def import_experiment(entry_dir: Path, sink: EntrySink, *, benchmark: str = "", submitter: str = "") -> int:
    """Write one result per point of an experiment entry; returns the number of points read."""
    meta = read_json_object(entry_dir / layout.CM / layout.META)
    info = experiment_meta(meta)
    tags = [t for t in meta.get("tags", []) if isinstance(t, str)] if isinstance(meta.get("tags"), list) else []
    program = str(info.get("program_uoa") or "")
    bench = benchmark or f"ck-experiment/{slugify(program or (tags[0] if tags else entry_dir.name))}"
    experiment_uid = stable_uid(NAMESPACE, entry_dir.name)
    read = 0
    for point_id, flat in _points(entry_dir, meta, sink):
        read += 1
        if flat.get("##pipeline_state#fail_bool") is True:
            sink.stats.skip("the run failed (fail_bool)")
            continue
        point = ck_pipeline.Point(
            flat=flat, meta=info, benchmark=bench, tags=tags[:20],
            source={"name": f"CK experiment {entry_dir.name}", "row": point_id},
            submitter=submitter or str(info.get("user") or ""), date=_date(meta, info),
            scenario=str(info["cmd_key"]) if isinstance(info.get("cmd_key"), str) else "",
        )  # fmt: skip
        result = ck_pipeline.result_meta(point, sink)
        if result is None:
            sink.stats.skip("no measured value")
            continue
        result["tags"] = list(dict.fromkeys(["result", "ck-experiment", *tags[:20]]))
        if "model_uoa" not in result:
            result["name"] = f"{entry_dir.name} point {point_id[:8]}"
        if program and sink.find_alias("program", program):
            result["program_uoa"] = program
        dataset = str(info.get("dataset_uoa") or "")
        if dataset and "dataset_uoa" not in result and sink.find_alias("dataset", dataset):
            result["dataset_uoa"] = dataset
        sink.put_result("", uid=stable_uid(NAMESPACE, experiment_uid, point_id), meta=result)
    return read
