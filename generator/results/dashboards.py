"""Dashboards: result rows grouped per benchmark and scenario, with axes, Pareto front and rankings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.ck.ids import slugify
from generator.results.aggregate import Leaderboard, ReproGroup, configuration_key, leaderboard
from generator.results.pareto import pareto_front
from generator.results.table import ResultRow

_ACCURACY = re.compile(r"accuracy|top.?[15]|map\b|^map|precision|recall|bleu|f1", re.IGNORECASE)
_PERFORMANCE_FIRST = ("latency", "throughput", "streams", "queries", "samples", "time")
LINK_ROOT = "../../"  # dashboards and component pages are both two folders deep


def slug(text: str) -> str:
    """A URL folder name: lowercase, runs of other characters become '-', at most 63 characters."""
    return slugify(text) or "results"


@dataclass(frozen=True)
class Axis:
    """A metric drawn on a chart axis, with its unit and better direction."""

    metric: str
    unit: str
    direction: str

    @property
    def label(self) -> str:
        """Axis title: 'latency (ms, lower is better)'."""
        unit = f"{self.unit}, " if self.unit else ""
        return f"{self.metric} ({unit}{self.direction} is better)"


@dataclass
class Dashboard:
    """One benchmark + scenario: its rows, axes, Pareto front, leaderboards and trend."""

    slug: str
    benchmark: str
    scenario: str
    x: Axis
    y: Axis | None
    rows: list[ResultRow]
    front: list[ResultRow] = field(default_factory=list)
    leaderboards: list[Leaderboard] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Human title: 'mlperf-inference-v0.5/image-classification — SingleStream'."""
        return f"{self.benchmark} — {self.scenario}" if self.scenario else self.benchmark


def _axis(rows: Sequence[ResultRow], metric: str) -> Axis:
    metrics = [r.metrics[metric] for r in rows if metric in r.metrics]
    unit = Counter(m.unit for m in metrics).most_common(1)[0][0]
    direction = Counter(m.direction for m in metrics).most_common(1)[0][0]
    return Axis(metric, unit, direction)


def _preference(name: str) -> tuple[int, str]:
    for rank, word in enumerate(_PERFORMANCE_FIRST):
        if word in name.lower():
            return (rank, name)
    return (len(_PERFORMANCE_FIRST), name)


def choose_axes(rows: Sequence[ResultRow]) -> tuple[Axis, Axis | None]:
    """x = the most common performance metric, y = the most common accuracy metric (if any)."""
    counts = Counter(name for r in rows for name in r.metrics)
    accuracy = sorted((n for n in counts if _ACCURACY.search(n)), key=lambda n: (-counts[n], n))
    performance = sorted((n for n in counts if n not in accuracy), key=lambda n: (-counts[n], _preference(n)))
    if performance and accuracy:
        return _axis(rows, performance[0]), _axis(rows, accuracy[0])
    names = performance or accuracy
    return _axis(rows, names[0]), (_axis(rows, names[1]) if len(names) > 1 else None)


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
            {"configuration": label, "date": r.date, "value": r.metrics[x.metric].value, "title": r.title}
            for r in members
        )
    points.sort(key=lambda p: (p["configuration"], p["date"]))
    return points


def build_dashboards(rows: Iterable[ResultRow]) -> list[Dashboard]:
    """One dashboard per (benchmark, scenario), sorted by title."""
    grouped: dict[tuple[str, str], list[ResultRow]] = defaultdict(list)
    for row in rows:
        grouped[row.dashboard_key].append(row)
    dashboards = []
    used: set[str] = set()
    for (benchmark, scenario), members in sorted(grouped.items()):
        x, y = choose_axes(members)
        name = slug(f"{benchmark}-{scenario}" if scenario else benchmark)
        while name in used:
            name = slug(name + "-x")
        used.add(name)
        axes = [x.metric] + ([y.metric] if y is not None else [])
        metric_names = axes + sorted({n for r in members for n in r.metrics} - set(axes))
        dashboards.append(
            Dashboard(
                slug=name,
                benchmark=benchmark,
                scenario=scenario,
                x=x,
                y=y,
                rows=members,
                front=front_rows(members, x, y),
                leaderboards=[leaderboard(members, n) for n in metric_names],
                trend=trend_points(members, x),
            )
        )
    return dashboards


def chart_records(board: Dashboard, groups_by_uid: dict[str, ReproGroup]) -> list[dict[str, Any]]:
    """The rows of a dashboard's chart data file (one per result; URLs site-relative)."""
    on_front = {r.uid for r in board.front}
    records = []
    for row in board.rows:
        if board.x.metric not in row.metrics or (board.y is not None and board.y.metric not in row.metrics):
            continue
        group = groups_by_uid.get(row.uid)
        records.append(
            {
                "uid": row.uid,
                "title": row.title,
                "url": row.url,
                "link": LINK_ROOT + row.url,
                "platform": row.platform.name,
                "platform_uoa": row.platform.uoa,
                "model_uoa": row.model.uoa,
                "accelerator": row.accelerator,
                "model": row.model.name,
                "submitter": row.submitter or "unknown",
                "date": row.date,
                "software": ", ".join(row.software),
                "x": row.metrics[board.x.metric].value,
                "y": row.metrics[board.y.metric].value if board.y is not None else 0.0,
                "front": row.uid in on_front,
                "reproduced": group.count if group else 1,
            }
        )
    return records
