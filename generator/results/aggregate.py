"""Leaderboards and reproducibility groups over result rows; pure computations."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.results.table import Metric, ResultRow


@dataclass(frozen=True)
class Ranked:
    """One leaderboard line: the rank (ties share it), the row and the value shown."""

    rank: int
    row: ResultRow
    metric: Metric


@dataclass(frozen=True)
class Leaderboard:
    """Rows ordered by one metric in its own direction."""

    metric: str
    unit: str
    direction: str
    lines: tuple[Ranked, ...]


def leaderboard(rows: Iterable[ResultRow], metric: str) -> Leaderboard:
    """Rank rows carrying the metric: ascending when lower is better, descending when higher is."""
    having = [(r, r.metrics[metric]) for r in rows if metric in r.metrics]
    direction = _majority([m.direction for _, m in having]) or "higher"
    unit = _majority([m.unit for _, m in having])
    sign = 1.0 if direction == "lower" else -1.0
    having.sort(key=lambda rm: (sign * rm[1].value, rm[0].title.casefold(), rm[0].uid))
    lines: list[Ranked] = []
    for position, (row, value) in enumerate(having, start=1):
        same = lines and lines[-1].metric.value == value.value
        lines.append(Ranked(lines[-1].rank if same else position, row, value))
    return Leaderboard(metric, unit, direction, tuple(lines))


def _majority(values: Sequence[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else ""


@dataclass(frozen=True)
class MetricStats:
    """Mean and spread of one metric across the results of a group."""

    metric: str
    unit: str
    count: int
    mean: float
    minimum: float
    maximum: float
    stdev: float

    @property
    def spread_percent(self) -> float:
        """(max - min) relative to the mean, in percent (0 when the mean is 0)."""
        return 0.0 if self.mean == 0 else (self.maximum - self.minimum) / abs(self.mean) * 100.0


@dataclass(frozen=True)
class ReproGroup:
    """Results that measure the same configuration, with how independently they were obtained."""

    key: str
    rows: tuple[ResultRow, ...]
    submitters: int
    platforms: int
    stats: tuple[MetricStats, ...]

    @property
    def count(self) -> int:
        """How many results measured this configuration."""
        return len(self.rows)

    @property
    def reproduced(self) -> bool:
        """A configuration counts as reproduced when more than one result measured it."""
        return len(self.rows) > 1


def configuration_key(row: ResultRow) -> str:
    """What makes two results 'the same configuration': task, model, data, hardware, software."""
    software = ",".join(sorted(s.casefold() for s in row.software))
    return "|".join((row.benchmark, row.scenario, row.model.uoa, row.dataset.uoa, row.hardware, software))


def _stats(rows: Sequence[ResultRow]) -> tuple[MetricStats, ...]:
    names = sorted({name for r in rows for name in r.metrics})
    out = []
    for name in names:
        metrics = [r.metrics[name] for r in rows if name in r.metrics]
        values = [m.value for m in metrics]
        mean = math.fsum(values) / len(values)
        stdev = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))  # pstdev is ~20x slower
        out.append(MetricStats(name, metrics[0].unit, len(values), mean, min(values), max(values), stdev))
    return tuple(out)


def reproducibility_groups(rows: Iterable[ResultRow]) -> dict[str, ReproGroup]:
    """Group rows by configuration key; each group knows its count, stats and independence."""
    buckets: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        buckets[configuration_key(row)].append(row)
    groups = {}
    for key, members in buckets.items():
        submitters = len({r.submitter.casefold() for r in members if r.submitter}) or 1
        platforms = len({r.platform.uoa for r in members})
        groups[key] = ReproGroup(key, tuple(members), submitters, platforms, _stats(members))
    return groups


def group_of_uid(groups: dict[str, ReproGroup]) -> dict[str, ReproGroup]:
    """Result UID → its group, for badges on result pages."""
    return {r.uid: g for g in groups.values() for r in g.rows}
