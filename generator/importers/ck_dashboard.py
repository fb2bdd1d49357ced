"""CK dashboards (``result/<name>`` rows + ``result.cfg/<name>``, CK-FORMAT §5.7) → result entries."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.jsonio import read_json, read_json_object
from generator.errors import GeneratorError
from generator.importers import mlperf, mobilenets
from generator.importers.common import ensure_dataset, metric
from generator.importers.guess import direction_of, unit_of
from generator.importers.naming import metric_name, plain_text, slugify, stable_uid
from generator.importers.sink import EntrySink

NAMESPACE = "ck-dashboard"
_RESULT_FILE = re.compile(r"^result-(?P<point>[\w.-]+)\.json$")
_PLATFORM_KEYS = ("platform", "system", "System", "plat_name", "##features#platform#name", "cpu_name")
_SKIP_USERS = {"all", "merged"}


@dataclass(frozen=True)
class RowFile:
    """One file of rows: which dashboard, which user pushed it, which point."""

    path: Path
    dashboard: str
    user: str
    point: str


def find_row_files(path: Path) -> list[RowFile]:
    """Row files of a result entry folder (root and users/<user>/), or the path itself if a file."""
    if path.is_file():
        return [RowFile(path, slugify(path.stem) or "rows", "", "1")]
    if not path.is_dir():
        raise GeneratorError("no such file or folder", path=path, hint="pass a result entry folder or a JSON file")
    found = [RowFile(f, path.name, "", m["point"]) for f in sorted(path.iterdir()) if (m := _RESULT_FILE.match(f.name))]
    users = path / "users"
    user_dirs = sorted(p for p in users.iterdir() if p.is_dir()) if users.is_dir() else []
    if any(d.name not in _SKIP_USERS for d in user_dirs):  # users/all and users/merged repeat their rows
        user_dirs = [d for d in user_dirs if d.name not in _SKIP_USERS]
    if user_dirs:
        for user_dir in user_dirs:
            found.extend(
                RowFile(f, path.name, user_dir.name, m["point"])
                for f in sorted(user_dir.iterdir())
                if (m := _RESULT_FILE.match(f.name))
            )
    if not found:
        raise GeneratorError(
            "no result-*.json rows in this folder",
            path=path,
            hint="a CK dashboard keeps rows in result-N.json or users/<user>/result-N.json",
        )
    return found


def read_rows(path: Path) -> list[dict[str, Any]]:
    """A JSON list of flat dicts (a dashboard table)."""
    data = read_json(path)
    if not isinstance(data, list):
        raise GeneratorError("expected a JSON list of rows", path=path, hint="CK dashboard rows are a list of dicts")
    return [row for row in data if isinstance(row, dict)]


def load_chart_config(entry_dir: Path) -> dict[str, Any]:
    """The ``raw_config`` of the dashboard's ``result.cfg`` entry (axes), or {} when there is none."""
    cfg = entry_dir.parent.parent / "result.cfg" / entry_dir.name / layout.CM / layout.META
    if not cfg.is_file():
        return {}
    meta = read_json_object(cfg)
    data_config = meta.get("data_config") if isinstance(meta.get("data_config"), dict) else {}
    raw = data_config.get("raw_config") if isinstance(data_config.get("raw_config"), dict) else {}
    return raw


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _generic_metrics(row: dict[str, Any], axes: list[str]) -> dict[str, Any]:
    names = axes or [k for k, v in row.items() if _finite(v) is not None and "#" not in k]
    out = {}
    for key in names:
        value = _finite(row.get(key))
        if value is not None:
            out[metric_name(key.strip("#").replace("#", "_"))] = metric(value, unit_of(key), direction_of(key))
    return out


def _import_generic(rows: list[dict[str, Any]], source: RowFile, config: dict[str, Any], sink: EntrySink) -> None:
    axes = [str(config[k]) for k in ("xDimension", "yDimension") if isinstance(config.get(k), str)]
    for row in rows:
        metrics = _generic_metrics(row, axes)
        if not metrics:
            sink.stats.skipped_rows += 1
            continue
        platform_name = next((plain_text(str(row[k])) for k in _PLATFORM_KEYS if row.get(k)), "") or "unknown platform"
        platform_alias = slugify(platform_name) or "unknown-platform"
        platform = sink.ensure(
            "platform",
            platform_alias,
            uid=stable_uid(NAMESPACE, "platform", platform_alias),
            meta={"tags": ["platform"], "name": platform_name},
            name=platform_name,
        )
        canonical = json.dumps(row, sort_keys=True, ensure_ascii=False)
        meta: dict[str, Any] = {
            "tags": ["result", "ck-dashboard", source.dashboard],
            "name": f"{source.dashboard} on {platform_name}",
            "benchmark": f"ck-dashboard/{source.dashboard}",
            "platform_uoa": platform,
            "metrics": metrics,
            "source": {"name": f"CK dashboard {source.dashboard}", "row": f"{source.user or '-'}/{source.point}"},
        }
        if source.user and source.user not in _SKIP_USERS:
            meta["submitter"] = source.user
        if isinstance(row.get("dataset_uoa"), str):
            meta["dataset_uoa"] = ensure_dataset(sink, slugify(row["dataset_uoa"]), NAMESPACE)
        uid = stable_uid(NAMESPACE, source.dashboard, source.user, source.point, canonical)
        sink.put("result", "", uid=uid, meta=meta, name=meta["name"])


def _split(rows: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    kinds: dict[str, list[dict[str, Any]]] = {"mlperf": [], "mobilenets": [], "generic": []}
    for row in rows:
        kind = (
            "mlperf" if mlperf.is_mlperf_row(row) else "mobilenets" if mobilenets.is_mobilenets_row(row) else "generic"
        )
        kinds[kind].append(row)
    yield from ((k, v) for k, v in kinds.items() if v)


def import_dashboard(path: Path, sink: EntrySink) -> int:
    """Import every row file of a CK dashboard entry (or one rows file); returns the rows read."""
    files = find_row_files(path)
    config = load_chart_config(path) if path.is_dir() else {}
    total = 0
    for source in files:
        rows = read_rows(source.path)
        total += len(rows)
        submitter = source.user if source.user not in _SKIP_USERS else ""
        for kind, group in _split(rows):
            if kind == "mlperf":
                mlperf.import_rows(group, sink)
            elif kind == "mobilenets":
                mobilenets.import_rows(group, sink, submitter=submitter)
            else:
                _import_generic(group, source, config, sink)
    return total
