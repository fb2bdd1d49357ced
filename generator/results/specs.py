"""Vega-Lite specs built with Altair (the only module that imports it); data always by URL.

Altair turns a chart into a dictionary by walking its schema, ~125 ms per dashboard: 24 s of a
10,000-entry build with 192 dashboards. So Altair builds each chart *shape* once per process (which
scales are logarithmic, whether there is a y metric, the height: a handful of shapes per site) with
placeholders for every value that changes from chart to chart (data URL, titles, axis labels, the
submitter list, the highlighted value), and a chart is a copy of its shape's spec with the
placeholders filled in: what Altair writes for that chart, key order included
(``tests/test_chart_specs.py`` builds each one directly with Altair and compares).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
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
    alt.Tooltip("accelerator:N"),
    alt.Tooltip("model:N"),
    alt.Tooltip("submitter:N"),
    alt.Tooltip("software:N"),
    alt.Tooltip("date:N"),
    alt.Tooltip("reproduced:Q", title="results of this configuration"),
]


def _is_log(values: Sequence[float]) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and len(positive) == len(values) and max(positive) / min(positive) > 100


def _scale(log: bool) -> alt.Scale:
    return alt.Scale(type="log") if log else alt.Scale(zero=False)


def _values(board: Dashboard) -> tuple[list[float], list[float]]:
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    return xs, ys


def _shape(board: Dashboard) -> tuple[bool, bool | None]:
    """Whether the x scale is logarithmic, and the y one (None: no y metric, platforms on y)."""
    xs, ys = _values(board)
    return _is_log(xs), (_is_log(ys) if board.y is not None else None)


def _channels(x_log: bool, y_log: bool | None) -> tuple[Any, Any]:
    x = alt.X("x:Q", title=_slot("x_label"), scale=_scale(x_log))
    y = alt.Y("y:Q", title=_slot("y_label"), scale=_scale(y_log)) if y_log is not None \
        else alt.Y("platform:N", title="platform")  # fmt: skip
    return x, y


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """A copy of a template with its placeholders replaced."""
    if isinstance(node, str):
        return values[node] if node.startswith(_MARK) else node
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            if isinstance(item, str) and item.startswith(_LIST):
                out.extend(values[item])
            else:
                out.append(_fill(item, values))
        return out
    return node


@functools.lru_cache(maxsize=64)
def _dashboard_template(x_log: bool, y_log: bool | None, height: int) -> Spec:
    colour_by = alt.param(name="colour_by", value="accelerator",
                          bind=alt.binding_radio(options=["accelerator", "platform"], name="Colour by "))  # fmt: skip
    who = alt.param(name="submitter", value="all",
                    bind=alt.binding_select(options=["all", _LIST + "submitters"], name="Submitter "))  # fmt: skip
    pick = alt.selection_point(name="pick", fields=["colour"], bind="legend")
    x, y = _channels(x_log, y_log)
    source = alt.UrlData(url=_slot("url"))  # one object for both layers: Altair moves it to the top level
    tips = [*TOOLTIP, alt.Tooltip("x:Q", title=_slot("x_metric"), format=".4~g")]
    tips += [alt.Tooltip("y:Q", title=_slot("y_metric"), format=".4~g")] if y_log is not None else []
    points = (
        alt.Chart(source, name=POINT_NAME)
        .transform_calculate(colour="colour_by == 'platform' ? datum.platform : datum.accelerator")
        .transform_filter("submitter == 'all' || datum.submitter == submitter")
        .mark_point(filled=True, size=70, stroke="black", aria=False, cursor="pointer")
        .encode(x=x, y=y, opacity=alt.condition(pick, alt.value(0.85), alt.value(0.08)),
                color=alt.Color("colour:N", title="accelerator / platform", legend=alt.Legend(symbolLimit=40)),
                strokeWidth=alt.condition("datum.front", alt.value(1.5), alt.value(0)),
                tooltip=[*tips, alt.Tooltip("front:N", title="on the Pareto front")])
        .add_params(colour_by, who, pick)
    )  # fmt: skip
    layers: list[Any] = [points]
    if y_log is not None:  # the Pareto front as a dashed line
        layers.append(alt.Chart(source).transform_filter("datum.front")
                      .mark_line(color="black", strokeDash=[4, 3], interpolate="linear", aria=False)
                      .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("x:Q")))  # fmt: skip
    chart = alt.layer(*layers).properties(width="container", height=height, title=_slot("title"))
    return chart.to_dict(validate=False)


def dashboard_spec(
    board: Dashboard, data_url: str, *, submitters: Sequence[str] = (), height: int = 420
) -> dict[str, Any]:
    """Performance against accuracy coloured by accelerator or platform, with the Pareto front.

    Controls: colour by accelerator or platform (radio), a submitter filter (select), a legend
    selection that fades the other groups; tooltips on every point. A click opens the result's page
    (``charts.js`` follows the datum's ``link``: no <a> element per point, half the DOM to draw).
    """
    template = _dashboard_template(*_shape(board), height)
    return _fill(template, {**_axis_values(board), _slot("url"): data_url, _slot("title"): board.title,
                            _LIST + "submitters": list(submitters)})  # fmt: skip


def _axis_values(board: Dashboard) -> dict[str, Any]:
    values = {_slot("x_label"): board.x.label, _slot("x_metric"): board.x.metric}
    if board.y is not None:
        values.update({_slot("y_label"): board.y.label, _slot("y_metric"): board.y.metric})
    return values


@functools.lru_cache(maxsize=16)
def _trend_template(height: int) -> Spec:
    return (
        alt.Chart(alt.UrlData(url=_slot("url"))).mark_line(point=True)
        .encode(x=alt.X("date:T", title="date"),
                y=alt.Y("value:Q", title=_slot("x_label"), scale=alt.Scale(zero=False)),
                color=alt.Color("configuration:N"),
                tooltip=["configuration:N", "date:T", alt.Tooltip("value:Q", format=".4~g"), "title:N"])
        .properties(width="container", height=height, title=_slot("title"))
        .to_dict(validate=False)
    )  # fmt: skip


def trend_spec(board: Dashboard, data_url: str, height: int = 260) -> dict[str, Any]:
    """The dashboard's x metric over time for configurations measured on several dates."""
    return _fill(_trend_template(height), {_slot("url"): data_url, _slot("x_label"): board.x.label,
                                           _slot("title"): f"{board.title}: {board.x.metric} over time"})  # fmt: skip


@functools.lru_cache(maxsize=64)
def _focus_template(x_log: bool, y_log: bool | None, height: int) -> Spec:
    x, y = _channels(x_log, y_log)
    colour = alt.Color("mine:N", title=_slot("legend"),
                       scale=alt.Scale(domain=[True, False], range=["#d62728", "#bbbbbb"]),
                       legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'others'"))  # fmt: skip
    return (
        alt.Chart(alt.UrlData(url=_slot("url")), name=POINT_NAME)
        .transform_calculate(mine=_slot("test")).mark_point(filled=True, size=60, aria=False)
        .encode(x=x, y=y, color=colour, order=alt.Order("mine:O"),  # ordinal: highlighted points drawn last
                tooltip=TOOLTIP)
        .add_params(alt.param(name="focus", value=_slot("focus")))
        .properties(width="container", height=height, title=_slot("title"))
        .to_dict(validate=False)
    )  # fmt: skip


def focus_spec(
    board: Dashboard, data_url: str, field: str, focus: str, title: str, height: int = 280
) -> dict[str, Any]:
    """A dashboard's points with one platform's or model's results highlighted (component pages)."""
    return _fill(_focus_template(*_shape(board), height), {
        **_axis_values(board), _slot("url"): data_url, _slot("title"): board.title, _slot("legend"): title,
        _slot("focus"): focus, _slot("test"): f"datum[{json.dumps(field)}] == focus"})  # fmt: skip

