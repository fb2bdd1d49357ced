"""Result tables as readers see them on dashboards and component pages: which columns (benchmark,
platform, model, the primary metrics with units), the reproducibility badge and where it links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from generator.numbers import number, share, with_unit
from generator.results.aggregate import ReproGroup
from generator.results.dashboards import DIMENSIONS, Axis, Dashboard, dimension_value, repro_text
from generator.results.table import ResultRow

COST_METRICS = ("price", "power", "energy_per_inference")  # not ranked, but what a buyer compares
TABLE_DIMENSIONS = ("framework", "precision")  # shown as columns when they vary inside a benchmark


@dataclass(frozen=True)
class Column:
    """One column of a result table: what it shows (kind), its key, header, unit and direction."""

    key: str
    label: str
    kind: str = "text"  # title, platform, model, benchmark, metric, repro, or text (a dimension)
    unit: str = ""
    direction: str = ""

    def to_json(self) -> dict[str, str]:
        """The column as kb-dashboard.js reads it."""
        return {"key": self.key, "label": self.label, "kind": self.kind, "unit": self.unit,
                "direction": self.direction}  # fmt: skip


def metric_column(axis: Axis) -> Column:
    """A metric's column: 'latency (ms)', lower is better."""
    unit = f" ({axis.unit})" if axis.unit and axis.unit != "1" else ""
    return Column(axis.metric, f"{axis.metric}{unit}", "metric", axis.unit, axis.direction)


def result_columns(board: Dashboard) -> list[Column]:
    """Columns of a dashboard's full table: result, platform, model, the varying framework and
    precision, every primary metric, the cost metrics, reproducibility."""
    columns = [Column("title", "Result", "title"), Column("platform", "Platform", "platform"),
               Column("model", "Model", "model")]  # fmt: skip
    columns += [Column(d, DIMENSIONS[d].capitalize()) for d in TABLE_DIMENSIONS if d in board.dimensions]
    columns += [metric_column(a) for a in board.metrics if a.primary or a.metric in COST_METRICS]
    return [*columns, Column("repro", "Reproducibility", "repro")]


def front_columns(board: Dashboard) -> list[Column]:
    """Columns of the Pareto front table: result, platform, model and the two axes."""
    axes = [board.x] + ([board.y] if board.y is not None else [])
    return [Column("title", "Result", "title"), Column("platform", "Platform", "platform"),
            Column("model", "Model", "model"), *[metric_column(a) for a in axes]]  # fmt: skip


@dataclass
class ReproLinks:
    """What result tables need to badge a result and link its group and its dashboard."""

    by_uid: dict[str, ReproGroup]
    board_of: dict[str, Dashboard] = field(default_factory=dict)  # result UID -> its dashboard
    here: str = ""  # slug of the dashboard being rendered ('' elsewhere)
    root: str = "../../"

    def group(self, row: ResultRow) -> ReproGroup | None:
        """The row's configuration group."""
        return self.by_uid.get(row.uid)

    def href(self, group: ReproGroup) -> str:
        """Where the group is listed: its row in the dashboard's reproducibility table."""
        board = self.board_of.get(group.rows[0].uid)
        if board is None or board.slug == self.here:
            return f"#{group.anchor}"
        return f"{self.root}{board.url}#{group.anchor}"

    def text(self, group: ReproGroup) -> str:
        """The badge text: verdict, independent measurements, spread and tolerance."""
        return repro_text(group)

    def board_link(self, row: ResultRow, root: str) -> Markup:
        """A link to the row's dashboard, titled by its benchmark."""
        board = self.board_of.get(row.uid)
        if board is None:
            return escape(row.benchmark)
        return Markup('<a href="{}{}">{}</a>').format(root, board.url, board.title)


def table_context(links: ReproLinks) -> dict[str, Any]:
    """The names ``_results_macros.html`` uses (formatter, dimension values, badges)."""
    return {"fmt": with_unit, "num": number, "share": share, "dim": dimension_value, "repro": links}


def rows_by_best(rows: Sequence[ResultRow], axis: Axis) -> list[ResultRow]:
    """Rows ordered by a metric in its direction, rows without it last."""
    sign = 1.0 if axis.direction == "lower" else -1.0
    return sorted(rows, key=lambda r: (axis.metric not in r.metrics,
                                       sign * r.metrics[axis.metric].value if axis.metric in r.metrics else 0.0,
                                       r.title.casefold()))  # fmt: skip
