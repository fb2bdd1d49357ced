"""Vega-Lite specs built with Altair (the only module that imports it); data always by URL.

Altair turns a chart into a dictionary by walking its schema, ~125 ms per dashboard: 24 s of a
10,000-entry build with 192 dashboards. So Altair builds each chart *shape* once per process (which
scales are logarithmic, whether there is a y metric, the height: a handful of shapes per site) with
placeholders for every value that changes from chart to chart (data URL, titles, axis labels, legend
titles, the highlighted value), and a chart is a copy of its shape's spec with the
placeholders filled in: what Altair writes for that chart, key order included
(``tests/test_chart_specs.py`` builds each one directly with Altair and compares).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from generator.results.dashboards import Dashboard

POINT_NAME = "results"
SCHEMA_URL = alt.SCHEMA_URL
Spec = dict[str, Any]
_MARK = "\x00kb:"  # placeholders: strings no chart text can contain
_LIST = _MARK + "list"  # in a list: replaced by the items of a list value


def _slot(name: str) -> str:
    return f"{_MARK}{name}\x00"


TOOLTIP = [
    alt.Tooltip("title:N", title="result"),
    alt.Tooltip("platform:N"),
    alt.Tooltip("model:N"),
    alt.Tooltip("framework:N"),
    alt.Tooltip("submitter:N"),
    alt.Tooltip("repro:N", title="reproducibility"),
]
# Axis labels in the one number format (numbers.py): 4 significant digits, thousands separators,
# scientific notation only outside [0.001, 1e9). Vega's format() is d3-format, also without eval.
LABEL_EXPR = ("abs(datum.value) >= 1e9 || (datum.value != 0 && abs(datum.value) < 0.001)"
              " ? format(datum.value, '.4~e') : format(datum.value, ',.4~r')")  # fmt: skip


def is_log(values: Sequence[float]) -> bool:
    """Whether values spread over more than two decades (all positive): then the axis is logarithmic."""
    positive = [v for v in values if v > 0]
    return bool(positive) and len(positive) == len(values) and max(positive) / min(positive) > 100


def _scale(log: bool) -> alt.Scale:
    return alt.Scale(type="log") if log else alt.Scale(zero=False)


def _values(board: Dashboard) -> tuple[list[float], list[float]]:
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    return xs, ys


@dataclass(frozen=True)
class Shape:
    """What decides a chart's structure: log axes, a y metric (None: platforms on y), point sizes."""

    x_log: bool
    y_log: bool | None
    sized: bool = False


def shape(board: Dashboard) -> Shape:
    """The shape of a dashboard's default chart."""
    xs, ys = _values(board)
    return Shape(is_log(xs), is_log(ys) if board.y is not None else None, board.size_metric is not None)


def _quantity(field: str, title: str, log: bool) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", "title": title, "scale": _scale(log),
            "axis": alt.Axis(labelExpr=LABEL_EXPR)}  # fmt: skip


def _channels(s: Shape, x_field: str = "x", y_field: str = "y") -> tuple[Any, Any]:
    x = alt.X(**_quantity(x_field, _slot("x_label"), s.x_log))
    y = alt.Y(**_quantity(y_field, _slot("y_label"), bool(s.y_log))) if s.y_log is not None \
        else alt.Y("platform:N", title="platform")  # fmt: skip
    return x, y


def chart_text(value: Any) -> Any:
    """Text safe in a chart: Vega-Lite compiles titles into expression strings, where a line or
    paragraph separator (U+2028/U+2029) or a control character is a parse error that kills the chart."""
    if not isinstance(value, str) or value.isprintable():
        return value
    return "".join(c if c.isprintable() else " " for c in value)


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """A copy of a template with its placeholders replaced (texts made safe with ``chart_text``)."""
    if isinstance(node, str):
        return chart_text(values[node]) if node.startswith(_MARK) else node
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            if isinstance(item, str) and item.startswith(_LIST):
                out.extend(chart_text(v) for v in values[item])
            else:
                out.append(_fill(item, values))
        return out
    return node


def _error_bars(source: Any, s: Shape) -> list[Any]:
    """Rules from min to max of each measurement (where the result recorded its spread)."""
    x, y = _channels(s)
    bars = [alt.Chart(source).transform_filter("isValid(datum.xlo)")
            .mark_rule(color="#555555", opacity=0.6, aria=False)
            .encode(x=alt.X(**_quantity("xlo", _slot("x_label"), s.x_log)), x2=alt.X2("xhi"), y=y)]  # fmt: skip
    if s.y_log is not None:
        bars.append(alt.Chart(source).transform_filter("isValid(datum.ylo)")
                    .mark_rule(color="#555555", opacity=0.6, aria=False)
                    .encode(x=x, y=alt.Y(**_quantity("ylo", _slot("y_label"), bool(s.y_log))),
                            y2=alt.Y2("yhi")))  # fmt: skip
    return bars


@functools.lru_cache(maxsize=64)
def _dashboard_template(s: Shape, height: int) -> Spec:
    pick = alt.selection_point(name="pick", fields=["colour"], bind="legend")
    x, y = _channels(s)
    source = alt.UrlData(url=_slot("url"))  # one object for every layer: Altair moves it to the top level
    tips = [*TOOLTIP, alt.Tooltip("x_text:N", title=_slot("x_metric"))]
    tips += [alt.Tooltip("y_text:N", title=_slot("y_metric"))] if s.y_log is not None else []
    encoding: dict[str, Any] = dict(
        x=x, y=y, opacity=alt.condition(pick, alt.value(0.85), alt.value(0.08)),
        color=alt.Color("colour:N", title=_slot("colour_title"), legend=alt.Legend(symbolLimit=40)),
        strokeWidth=alt.condition("datum.front", alt.value(1.5), alt.value(0)),
        tooltip=[*tips, alt.Tooltip("front:N", title="on the Pareto front")])  # fmt: skip
    if s.sized:
        encoding["size"] = alt.Size("size:Q", title=_slot("size_title"), scale=alt.Scale(range=[25, 400]),
                                    legend=alt.Legend(labelExpr=LABEL_EXPR))  # fmt: skip
    size = {} if s.sized else {"size": 70}
    points = (alt.Chart(source, name=POINT_NAME)
              .mark_point(filled=True, stroke="black", aria=False, cursor="pointer", **size)
              .encode(**encoding).add_params(pick))  # fmt: skip
    layers: list[Any] = [*_error_bars(source, s), points]
    if s.y_log is not None:  # the Pareto front as a dashed line
        layers.append(alt.Chart(source).transform_filter("datum.front")
                      .mark_line(color="black", strokeDash=[4, 3], interpolate="linear", aria=False)
                      .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("x:Q")))  # fmt: skip
    chart = alt.layer(*layers).properties(width="container", height=height, title=_slot("title"))
    return chart.to_dict(validate=False)


def dashboard_spec(board: Dashboard, data_url: str, *, height: int = 420) -> dict[str, Any]:
    """Performance against accuracy (or the axes picked), coloured by a varying dimension (model,
    framework …), sized by model size where known, with min/max error bars and the Pareto front.

    The page's controls (``kb-dashboard.js``) filter the rows and swap axes, colour and size; a
    legend click fades the other groups; a click on a point opens the result's page.
    """
    template = _dashboard_template(shape(board), height)
    return _fill(template, {**axis_values(board), _slot("url"): data_url, _slot("title"): board.title,
                            _slot("colour_title"): board.colour_label,
                            _slot("size_title"): board.size_label})  # fmt: skip


def axis_values(board: Dashboard) -> dict[str, Any]:
    """The placeholders of a board's axes (titles with units, metric names)."""
    values = {_slot("x_label"): board.x.label, _slot("x_metric"): board.x.metric}
    if board.y is not None:
        values.update({_slot("y_label"): board.y.label, _slot("y_metric"): board.y.metric})
    return values


@functools.lru_cache(maxsize=16)
def _trend_template(height: int) -> Spec:
    return (
        alt.Chart(alt.UrlData(url=_slot("url"))).mark_line(point=True)
        .encode(x=alt.X("date:T", title="date"),
                y=alt.Y("value:Q", title=_slot("x_label"), scale=alt.Scale(zero=False),
                        axis=alt.Axis(labelExpr=LABEL_EXPR)),
                color=alt.Color("configuration:N"),
                tooltip=["configuration:N", "date:T", alt.Tooltip("value_text:N", title="value"), "title:N"])
        .properties(width="container", height=height, title=_slot("title"))
        .to_dict(validate=False)
    )  # fmt: skip


def trend_spec(board: Dashboard, data_url: str, height: int = 260) -> dict[str, Any]:
    """The dashboard's x metric over time for configurations measured on several dates."""
    return _fill(_trend_template(height), {_slot("url"): data_url, _slot("x_label"): board.x.label,
                                           _slot("title"): f"{board.title}: {board.x.metric} over time"})  # fmt: skip


@functools.lru_cache(maxsize=64)
def _focus_template(s: Shape, height: int) -> Spec:
    x, y = _channels(Shape(s.x_log, s.y_log))
    colour = alt.Color("mine:N", title=_slot("legend"),
                       scale=alt.Scale(domain=[True, False], range=["#d62728", "#bbbbbb"]),
                       legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'others'"))  # fmt: skip
    tips = [*TOOLTIP, alt.Tooltip("x_text:N", title=_slot("x_metric"))]
    tips += [alt.Tooltip("y_text:N", title=_slot("y_metric"))] if s.y_log is not None else []
    return (
        alt.Chart(alt.UrlData(url=_slot("url")), name=POINT_NAME)
        .transform_calculate(mine=_slot("test")).mark_point(filled=True, size=60, aria=False)
        .encode(x=x, y=y, color=colour, order=alt.Order("mine:O"),  # ordinal: highlighted points drawn last
                tooltip=tips)
        .add_params(alt.param(name="focus", value=_slot("focus")))
        .properties(width="container", height=height)  # the page's heading names the benchmark
        .to_dict(validate=False)
    )  # fmt: skip


def focus_spec(
    board: Dashboard, data_url: str, field: str, focus: str, title: str, height: int = 280
) -> dict[str, Any]:
    """A dashboard's points with one platform's or model's results highlighted (component pages)."""
    return _fill(_focus_template(shape(board), height), {
        **axis_values(board), _slot("url"): data_url, _slot("legend"): title,
        _slot("focus"): focus, _slot("test"): f"datum[{json.dumps(field)}] == focus"})  # fmt: skip
