"""Dashboards: one per benchmark identity, with axes, Pareto front, rankings and the dimensions that
vary inside it (the reader's filters and chart encodings)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.ck.ids import MAX_NAME_LENGTH, slugify
from generator.numbers import share, with_unit
from generator.results.aggregate import Leaderboard, ReproGroup, configuration_key, leaderboard
from generator.results.identity import BenchmarkId
from generator.results.pareto import pareto_front
from generator.results.table import ResultRow, is_accuracy, is_primary
from generator.sitepaths import dashboard_url

_PERFORMANCE_FIRST = ("latency", "throughput", "streams", "queries", "samples", "time")
LINK_ROOT = "../../"  # dashboards and component pages are both two folders deep
DEFAULT_TOLERANCE = 5.0  # percent: how far independent measurements may differ and still agree

# Dimensions a reader may filter by and colour by: record field -> label. Shown when they vary.
DIMENSIONS: dict[str, str] = {
    "model": "model",
    "framework": "framework",
    "precision": "precision",
    "platform": "platform",
    "accelerator": "accelerator",
    "platform_class": "platform class",
    "submitter": "submitter",
    "division": "division",
    "category": "availability",
}


COLOUR_FIRST = ("model", "framework", "precision", "platform")  # what colours tell apart, most telling first
SIZE_METRICS = ("model_size",)


def slug(text: str) -> str:
    """A URL folder name: lowercase, runs of other characters become '-', at most 63 characters."""
    return slugify(text) or "results"


def unique_slug(text: str, used: set[str]) -> str:
    """``slug(text)``, or that with ``-2``, ``-3`` … cut to fit 63 characters: the first not in ``used``.

    Terminates: each try is a different string (its numbered suffix survives the cut), and only
    ``len(used)`` of them can be taken.
    """
    base = slug(text)
    name, number = base, 1
    while name in used:
        number += 1
        suffix = f"-{number}"
        name = base[: MAX_NAME_LENGTH - len(suffix)].rstrip("-.") + suffix
    used.add(name)
    return name


@dataclass(frozen=True)
class Axis:
    """A metric drawn on a chart axis, with its unit and better direction."""

    metric: str
    unit: str
    direction: str
    primary: bool = True

    @property
    def label(self) -> str:
        """Axis title: 'latency (ms, lower is better)'."""
        unit = f"{self.unit}, " if self.unit and self.unit != "1" else ""
        return f"{self.metric} ({unit}{self.direction} is better)"


@dataclass
class Dashboard:
    """One benchmark: its rows, axes, Pareto front, leaderboards, trend and varying dimensions."""

    slug: str
    identity: BenchmarkId
    x: Axis
    y: Axis | None
    rows: list[ResultRow]
    title: str = ""
    metrics: list[Axis] = field(default_factory=list)
    front: list[ResultRow] = field(default_factory=list)
    leaderboards: list[Leaderboard] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    dimensions: dict[str, list[str]] = field(default_factory=dict)
    tolerance: float = DEFAULT_TOLERANCE
    colour_by: str = "platform"
    size_metric: Axis | None = None

    @property
    def colour_label(self) -> str:
        """The legend title of the colours."""
        return DIMENSIONS.get(self.colour_by, self.colour_by)

    @property
    def size_label(self) -> str:
        """The legend title of the point sizes ('' when sizes say nothing)."""
        return self.size_metric.label.split(" (")[0] + f" ({self.size_metric.unit})" if self.size_metric else ""

    @property
    def benchmark(self) -> str:
        """The suite and task the dashboard's results ran."""
        return self.identity.benchmark

    @property
    def scenario(self) -> str:
        """The scenario of every result on the dashboard ('' when the suite has none)."""
        return self.identity.scenario

    @property
    def url(self) -> str:
        """The dashboard's folder in the site (``dashboards/<slug>/``)."""
        return dashboard_url(self.slug)


def _axis(rows: Sequence[ResultRow], metric: str) -> Axis:
    metrics = [r.metrics[metric] for r in rows if metric in r.metrics]
    unit = Counter(m.unit for m in metrics).most_common(1)[0][0]
    direction = Counter(m.direction for m in metrics).most_common(1)[0][0]
    primary = Counter(is_primary(metric, r.metrics[metric], r.metrics) for r in rows if metric in r.metrics)
    return Axis(metric, unit, direction, primary.most_common(1)[0][0])


def _preference(name: str) -> tuple[int, str]:
    for rank, word in enumerate(_PERFORMANCE_FIRST):
        if word in name.lower():
            return (rank, name)
    return (len(_PERFORMANCE_FIRST), name)


def metric_axes(rows: Sequence[ResultRow]) -> list[Axis]:
    """Every metric of the rows, primary ones first, each in the order a reader looks for it."""
    counts = Counter(name for r in rows for name in r.metrics)
    axes = [_axis(rows, name) for name in counts]
    return sorted(axes, key=lambda a: (not a.primary, is_accuracy(a.metric), -counts[a.metric],
                                       _preference(a.metric)))  # fmt: skip


def choose_axes(rows: Sequence[ResultRow]) -> tuple[Axis, Axis | None]:
    """x = the most common primary performance metric, y = the most common primary accuracy metric."""
    axes = metric_axes(rows)
    ranked = [a for a in axes if a.primary] or axes
    accuracy = [a for a in ranked if is_accuracy(a.metric)]
    performance = [a for a in ranked if a not in accuracy]
    if performance and accuracy:
        return performance[0], accuracy[0]
    names = performance or accuracy
    return names[0], (names[1] if len(names) > 1 else None)


def front_rows(rows: Sequence[ResultRow], x: Axis, y: Axis | None) -> list[ResultRow]:
    """The rows on the Pareto front of the two axes (best x first); the best row if one axis."""
    if y is None:
        board = leaderboard(rows, x.metric)
        return [line.row for line in board.lines if line.rank == 1]
    having = [r for r in rows if x.metric in r.metrics and y.metric in r.metrics]
    points = [(r.metrics[x.metric].value, r.metrics[y.metric].value) for r in having]
    return [having[i] for i in pareto_front(points, x.direction, y.direction)]


def trend_points(rows: Sequence[ResultRow], x: Axis) -> list[dict[str, Any]]:
    """Per configuration measured on several dates: (date, value) points for a trend chart."""
    by_config: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        if row.date and x.metric in row.metrics:
            by_config[configuration_key(row)].append(row)
    points = []
    for members in by_config.values():
        if len({r.date for r in members}) < 2:
            continue
        label = f"{members[0].model.name or members[0].benchmark} on {members[0].platform.name}"
        points.extend(
            {"configuration": label, "date": r.date, "value": r.metrics[x.metric].value, "title": r.title,
             "value_text": with_unit(r.metrics[x.metric].value, x.unit)}
            for r in members
        )  # fmt: skip
    points.sort(key=lambda p: (p["configuration"], p["date"]))
    return points


def dimension_value(row: ResultRow, dimension: str) -> str:
    """A row's value of a filter dimension ('' when unknown)."""
    if dimension == "model":
        return row.model.name or row.model.uoa
    if dimension == "platform":
        return row.platform.name or row.platform.uoa
    return str(getattr(row, dimension, "") or "")


def varying_dimensions(rows: Sequence[ResultRow]) -> dict[str, list[str]]:
    """The dimensions whose value differs between the rows, with their sorted values."""
    found = {}
    for dimension in DIMENSIONS:
        values = {dimension_value(r, dimension) for r in rows}
        if len(values - {""}) > 1:
            found[dimension] = sorted(values - {""}, key=str.casefold)
    return found


def dashboard_title(identity: BenchmarkId, reference_name: str) -> str:
    """'mlperf-inference-v0.5/image-classification · ResNet-50 v1.5 · SingleStream · Closed division'."""
    parts = [identity.benchmark, reference_name or identity.reference_model, identity.scenario,
             f"{identity.division} division" if identity.division else ""]  # fmt: skip
    return " · ".join(p for p in parts if p)


def _tolerance(rows: Sequence[ResultRow]) -> float:
    stated = Counter(r.tolerance for r in rows if r.tolerance is not None)
    return stated.most_common(1)[0][0] if stated else DEFAULT_TOLERANCE


def _reference_name(rows: Sequence[ResultRow], identity: BenchmarkId) -> str:
    for row in rows:
        if row.model.uoa == identity.reference_model and row.model.name:
            return row.model.name
    return identity.reference_model


def board_slug(identity: BenchmarkId) -> str:
    """A dashboard's folder name: its identity's parts, and a hash of all of them when the parts do
    not fit in a name (so two identities never share a cut-off slug)."""
    parts = (identity.benchmark, identity.reference_model, identity.scenario, identity.division)
    full = "-".join(p for p in parts if p)
    text = slug(full)
    if len(full) <= MAX_NAME_LENGTH:
        return text
    digest = hashlib.blake2b(identity.text.encode("utf-8"), digest_size=4).hexdigest()
    return slug(f"{text[: MAX_NAME_LENGTH - len(digest) - 1].rstrip('-')}-{digest}")


def build_dashboards(rows: Iterable[ResultRow], reference_names: dict[str, str] | None = None) -> list[Dashboard]:
    """One dashboard per benchmark identity, sorted by identity."""
    grouped: dict[BenchmarkId, list[ResultRow]] = defaultdict(list)
    for row in rows:
        grouped[row.identity].append(row)
    dashboards = []
    used: set[str] = set()
    for identity, members in sorted(grouped.items()):
        x, y = choose_axes(members)
        name = unique_slug(board_slug(identity), used)
        ranked = [a for a in metric_axes(members) if a.primary]
        reference = (reference_names or {}).get(identity.reference_model) or _reference_name(members, identity)
        dashboards.append(
            Dashboard(
                slug=name,
                identity=identity,
                title=dashboard_title(identity, reference),
                x=x,
                y=y,
                rows=members,
                metrics=metric_axes(members),
                front=front_rows(members, x, y),
                leaderboards=[leaderboard(members, a.metric) for a in ranked],
                trend=trend_points(members, x),
                dimensions=(dimensions := varying_dimensions(members)),
                tolerance=_tolerance(members),
                colour_by=next((d for d in COLOUR_FIRST if d in dimensions), "platform"),
                size_metric=next((a for a in metric_axes(members) if a.metric in SIZE_METRICS), None),
            )
        )
    _tell_titles_apart(dashboards)
    return dashboards


def _tell_titles_apart(dashboards: list[Dashboard]) -> None:
    """Dashboards whose titles are alike (same benchmark, other data set or target) name what differs."""
    counts = Counter(b.title for b in dashboards)
    for board in dashboards:
        if counts[board.title] > 1:
            extra = [p for p in (board.identity.dataset, board.identity.quality_target) if p]
            board.title = " · ".join([board.title, *extra]) if extra else f"{board.title} ({board.slug})"


def chart_records(board: Dashboard, groups_by_uid: dict[str, ReproGroup]) -> list[dict[str, Any]]:
    """The rows of a dashboard's data file (one per result, URLs site-relative): the default chart's
    fields, every metric with its spread and every dimension, so the page can filter, re-rank and
    redraw with other axes without another request."""
    on_front = {r.uid for r in board.front}
    records = []
    for row in board.rows:
        group = groups_by_uid.get(row.uid)
        record: dict[str, Any] = {
            "uid": row.uid,
            "title": row.title,
            "url": row.url,
            "link": LINK_ROOT + row.url,
            "platform": row.platform.name or row.platform.uoa,
            "platform_uoa": row.platform.uoa,
            "platform_url": row.platform.url,
            "model": row.model.name or row.model.uoa,
            "model_uoa": row.model.uoa,
            "model_url": row.model.url,
            "dataset_uoa": row.dataset.uoa,
            "program_uoa": row.program.uoa,
            "submitter": row.submitter or "unknown",
            "date": row.date,
            "software": ", ".join(row.software),
            "front": row.uid in on_front,
            "repro": repro_text(group),
            "repro_anchor": group.anchor if group is not None and group.measurements > 1 else "",
            "colour": dimension_value(row, board.colour_by) or "unknown",
            "m": {name: [m.value, m.low, m.high] for name, m in row.metrics.items()},
        }
        record.update({d: dimension_value(row, d) for d in DIMENSIONS if d not in ("model", "platform")})
        record.update(_axis_fields(row, "x", board.x))
        record.update(_axis_fields(row, "y", board.y) if board.y is not None else {"y": None})
        if board.size_metric is not None:
            size = row.metrics.get(board.size_metric.metric)
            record["size"] = size.value if size is not None else None
        records.append(record)
    return records


def _axis_fields(row: ResultRow, axis: str, metric: Axis | None) -> dict[str, Any]:
    """x (or y), its spread (xlo, xhi) and its text with unit, for one row."""
    found = row.metrics.get(metric.metric) if metric is not None else None
    if found is None or metric is None:
        return {axis: None, f"{axis}_text": ""}
    fields: dict[str, Any] = {axis: found.value, f"{axis}_text": with_unit(found.value, metric.unit)}
    if found.low is not None and found.high is not None:
        fields.update({f"{axis}lo": found.low, f"{axis}hi": found.high})
    return fields


def repro_text(group: ReproGroup | None) -> str:
    """'reproduced ×3 (±2.1 %, tolerance ±5 %)', 'not reproduced: spread 84 % (tolerance ±5 %)' or
    'measured once'."""
    if group is None or group.measurements < 2 or group.judged is None:
        return "measured once"
    tolerance = f"tolerance ±{share(group.tolerance)}"
    if group.reproduced:
        return f"reproduced ×{group.measurements} (±{share(group.deviation_percent)}, {tolerance})"
    return f"not reproduced: spread {share(group.spread_percent)} ({tolerance})"
