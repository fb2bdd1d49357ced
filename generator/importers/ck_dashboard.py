"""CK dashboards (``result/<name>`` rows + ``result.cfg/<name>``, CK-FORMAT §5.7) → result entries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.jsonio import read_json, read_json_object
from generator.errors import GeneratorError
from generator.importers import ck_pipeline, mlperf, mobilenets
from generator.importers.common import ensure_dataset, metric
from generator.importers.guess import direction_of, unit_of
from generator.importers.naming import metric_name, plain_text, slugify, stable_uid
from generator.importers.sink import EntrySink, ImportStats
from generator.numbers import finite

NAMESPACE = "ck-dashboard"
_RESULT_FILE = re.compile(r"^result-(?P<point>[\w.-]+)\.json$")
_PLATFORM_KEYS = ("platform", "system", "System", "plat_name", "##features#platform#name", "cpu_name")
_SKIP_USERS = {"all", "merged"}
_CONFIG_NUMBERS = {"batch_size", "batch_count", "threads", "num_threads", "resolution", "multiplier"}


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


def read_rows(path: Path, stats: ImportStats | None = None) -> list[dict[str, Any]]:
    """A JSON list of flat dicts (a dashboard table). A truncated list keeps the rows read before the
    cut, with a warning in ``stats`` (without ``stats`` it is an error, as any other bad JSON)."""
    try:
        data = read_json(path)
    except GeneratorError:
        salvaged = _complete_rows(path) if stats is not None else None
        if salvaged is None:
            raise
        stats.warnings.append(f"{path}: the file is truncated or damaged after {len(salvaged)} complete rows; "
                              "the rest of it was not read")  # fmt: skip
        data = salvaged
    if not isinstance(data, list):
        raise GeneratorError("expected a JSON list of rows", path=path, hint="CK dashboard rows are a list of dicts")
    rows = [row for row in data if isinstance(row, dict)]
    if stats is not None and len(rows) < len(data):
        stats.skip("not a JSON object", len(data) - len(rows))
    return rows


def _complete_rows(path: Path) -> list[Any] | None:
    """The complete items at the start of a cut-off JSON list, or None when it is not such a list."""
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError):
        return None
    decoder = json.JSONDecoder(parse_constant=lambda name: None)
    position = len(text) - len(text.lstrip())
    if not text.startswith("[", position):
        return None
    items: list[Any] = []
    position += 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            item, position = decoder.raw_decode(text, position)
        except ValueError:
            return items
        items.append(item)


def load_chart_config(entry_dir: Path) -> dict[str, Any]:
    """The ``raw_config`` of the dashboard's ``result.cfg`` entry (axes), or {} when there is none."""
    cfg = entry_dir.parent.parent / "result.cfg" / entry_dir.name / layout.CM / layout.META
    if not cfg.is_file():
        return {}
    meta = read_json_object(cfg)
    data_config = meta.get("data_config") if isinstance(meta.get("data_config"), dict) else {}
    raw = data_config.get("raw_config") if isinstance(data_config.get("raw_config"), dict) else {}
    return raw


def axis_value(row: dict[str, Any], key: str) -> tuple[float | None, dict[str, float]]:
    """A row's value of a chart axis and its spread. An axis named without the ``#min``/``#max``
    suffix its rows carry (``time`` for ``time#min``/``time#max``) reads the suffixed keys: the
    mean when there is one, else the best of min and max in the metric's direction."""
    if (value := finite(row.get(key))) is not None:
        return value, {}
    low, high, mean = (finite(row.get(f"{key}#{s}")) for s in ("min", "max", "mean"))
    lower = direction_of(key) == "lower"
    value = mean if mean is not None else (low if lower else high)
    if value is None:
        value = high if low is None else low
    spread = {"min": low, "max": high} if low is not None and high is not None and low < high else {}
    return value, spread  # type: ignore[return-value]


def _generic_metrics(row: dict[str, Any], axes: list[str]) -> dict[str, Any]:
    names = axes or [k for k, v in row.items() if finite(v) is not None and "#" not in k]
    out = {}
    for key in names:
        value, spread = axis_value(row, key)
        if value is not None:
            name = metric_name(key.strip("#").replace("#", "_"))
            out[name] = metric(value, unit_of(key), direction_of(key), **spread)
    return out


def _import_generic(rows: list[dict[str, Any]], source: RowFile, config: dict[str, Any], sink: EntrySink,
                    benchmark: str) -> None:  # fmt: skip
    axes = [str(config[k]) for k in ("xDimension", "yDimension") if isinstance(config.get(k), str)]
    for row in rows:
        metrics = _generic_metrics(row, axes)
        if not metrics:
            sink.stats.skip("no value on the chart's axes" if axes else "no numeric value")
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
            "benchmark": benchmark or f"ck-dashboard/{source.dashboard}",
            "platform_uoa": platform,
            "metrics": metrics,
            "source": {"name": f"CK dashboard {source.dashboard}", "row": f"{source.user or '-'}/{source.point}"},
        }
        config_keys = {k: v for k, v in row.items() if k not in axes and isinstance(v, (str, int, float))
                       and not isinstance(v, bool) and k not in _PLATFORM_KEYS and "#" not in k}  # fmt: skip
        config_keys = {k: v for k, v in config_keys.items() if finite(v) is None or k in _CONFIG_NUMBERS}
        if config_keys:
            meta["configuration"] = {k: plain_text(str(v)) if isinstance(v, str) else v for k, v in config_keys.items()}
        if source.user and source.user not in _SKIP_USERS:
            meta["submitter"] = source.user
        if isinstance(row.get("dataset_uoa"), str):
            meta["dataset_uoa"] = ensure_dataset(sink, slugify(row["dataset_uoa"]), NAMESPACE)
        uid = stable_uid(NAMESPACE, source.dashboard, source.user, source.point, canonical)
        sink.put_result("", uid=uid, meta=meta)


def _import_pipeline(rows: list[dict[str, Any]], source: RowFile, sink: EntrySink, benchmark: str) -> None:
    """Rows of flattened CK pipeline statistics (the ReQuEST tournament): every dimension kept."""
    name = source.dashboard.removeprefix("demo.")
    for row in rows:
        meta = ck_pipeline.row_meta(row)
        if row.get("##pipeline_state#fail_bool#min") is True:
            sink.stats.skip("the run failed (fail_bool)")
            continue
        task = ck_pipeline.task_of(meta)
        point_id = str(row.get("##point_uid") or "")
        key = [str(row.get("##data_uid") or ""), point_id] if point_id else [json.dumps(row, sort_keys=True,
                                                                                       default=str)]  # fmt: skip
        point = ck_pipeline.Point(
            flat=row, meta=meta, benchmark=benchmark or "/".join(p for p in (slugify(name), task) if p),
            source={"name": f"CK dashboard {source.dashboard}",
                    "row": f"{source.user or '-'}/{source.point}/{point_id or len(key[0])}"},
            submitter=source.user if source.user not in _SKIP_USERS else "", tags=[slugify(name)],
        )  # fmt: skip
        result = ck_pipeline.result_meta(point, sink)
        if result is None:
            sink.stats.skip("no measured value")
            continue
        sink.put_result("", uid=stable_uid(NAMESPACE, source.dashboard, *key), meta=result)


def _split(rows: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    kinds: dict[str, list[dict[str, Any]]] = {"mlperf": [], "mobilenets": [], "pipeline": [], "generic": []}
    for row in rows:
        kind = (
            "mlperf" if mlperf.is_mlperf_row(row)
            else "mobilenets" if mobilenets.is_mobilenets_row(row)
            else "pipeline" if ck_pipeline.is_pipeline_row(row)
            else "generic"
        )  # fmt: skip
        kinds[kind].append(row)
    yield from ((k, v) for k, v in kinds.items() if v)


def import_dashboard(path: Path, sink: EntrySink, *, benchmark: str = "") -> int:
    """Import every row file of a CK dashboard entry (or one rows file); returns the rows read."""
    files = find_row_files(path)
    config = load_chart_config(path) if path.is_dir() else {}
    total = 0
    for source in files:
        rows = read_rows(source.path, sink.stats)
        total += len(rows)
        submitter = source.user if source.user not in _SKIP_USERS else ""
        for kind, group in _split(rows):
            if kind == "mlperf":
                mlperf.import_rows(group, sink)
            elif kind == "mobilenets":
                mobilenets.import_rows(group, sink, submitter=submitter)
            elif kind == "pipeline":
                _import_pipeline(group, source, sink, benchmark)
            else:
                _import_generic(group, source, config, sink, benchmark)
    return total
