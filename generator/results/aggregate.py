"""Leaderboards and reproducibility groups over result rows; pure computations."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.results.table import Metric, ResultRow, is_accuracy, is_primary


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


REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
MEASURED_ONCE = "measured once"
DEFAULT_TOLERANCE = 5.0


@dataclass(frozen=True)
class ReproGroup:
    """Results that measured the same full configuration, and whether independent ones agree.

    A measurement is independent of another when its submitter, machine (platform entry) or date
    differs; ``measurements`` counts the independent ones. The group is reproduced when there are at
    least two and every value of the judged metric lies within ``tolerance`` percent of their mean.
    """

    key: str
    rows: tuple[ResultRow, ...]
    submitters: int
    platforms: int
    measurements: int
    metric: str
    tolerance: float
    stats: tuple[MetricStats, ...]

    @property
    def count(self) -> int:
        """How many results measured this configuration (repeats included)."""
        return len(self.rows)

    @property
    def judged(self) -> MetricStats | None:
        """The statistics of the metric the verdict is about."""
        return next((s for s in self.stats if s.metric == self.metric), None)

    @property
    def deviation_percent(self) -> float:
        """The largest distance of a value from the mean, in percent of the mean."""
        st = self.judged
        if st is None or st.maximum == st.minimum:
            return 0.0
        if st.mean == 0:
            return math.inf
        return max(st.maximum - st.mean, st.mean - st.minimum) / abs(st.mean) * 100.0

    @property
    def spread_percent(self) -> float:
        """(max - min) of the judged metric relative to its mean, in percent."""
        st = self.judged
        return st.spread_percent if st is not None else 0.0

    @property
    def verdict(self) -> str:
        """'reproduced', 'not reproduced' or 'measured once' (no independent second measurement)."""
        if self.measurements < 2 or self.judged is None:
            return MEASURED_ONCE
        return REPRODUCED if self.deviation_percent <= self.tolerance else NOT_REPRODUCED

    @property
    def reproduced(self) -> bool:
        """Whether independent measurements of this configuration agree within the tolerance."""
        return self.verdict == REPRODUCED

    @property
    def anchor(self) -> str:
        """A stable fragment id for links to this group ('repro-<hash>')."""
        return "repro-" + hashlib.blake2b(self.key.encode("utf-8"), digest_size=6).hexdigest()


def configuration_key(row: ResultRow) -> str:
    """The full configuration: benchmark identity, model, platform model (hardware), software with
    versions and every configuration key (data layout, tuner, precision, batch size …)."""
    software = ",".join(sorted(s.casefold() for s in row.software))
    return "|".join((row.identity.text, row.model.uoa, row.hardware, software, row.configuration))


def independence_key(row: ResultRow) -> tuple[str, str, str]:
    """Who measured, on which machine, when: results differing in any of these are independent."""
    return (row.submitter.casefold(), row.platform.uoa, row.date)


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


def judged_metric(rows: Sequence[ResultRow]) -> str:
    """The metric a verdict is about: the most common primary non-accuracy metric (else any primary)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, metric in row.metrics.items():
            if is_primary(name, metric, row.metrics):
                counts[name] += 1
    ranked = sorted(counts, key=lambda n: (is_accuracy(n), -counts[n], n))
    return ranked[0] if ranked else ""


def reproducibility_groups(rows: Iterable[ResultRow], tolerance: float = DEFAULT_TOLERANCE) -> dict[str, ReproGroup]:
    """Group rows by full configuration; each group knows its independent measurements and verdict.

    ``tolerance`` (percent) applies where the rows state none (``reproducibility_tolerance``).
    """
    buckets: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        buckets[configuration_key(row)].append(row)
    groups = {}
    for key, members in buckets.items():
        submitters = len({r.submitter.casefold() for r in members if r.submitter}) or 1
        platforms = len({r.platform.uoa for r in members})
        measurements = len({independence_key(r) for r in members})
        stated = [r.tolerance for r in members if r.tolerance is not None]
        groups[key] = ReproGroup(key, tuple(members), submitters, platforms, measurements, judged_metric(members),
                                 min(stated) if stated else tolerance, _stats(members))  # fmt: skip
    return groups


def group_of_uid(groups: dict[str, ReproGroup]) -> dict[str, ReproGroup]:
    """Result UID → its group, for badges on result pages."""
    return {r.uid: g for g in groups.values() for r in g.rows}
