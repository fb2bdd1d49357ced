"""Vega-Lite specs built with Altair (the only module that imports it); data always by URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from generator.results.dashboards import Axis, Dashboard

POINT_NAME = "results"
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


def _scale(values: Sequence[float]) -> alt.Scale:
    positive = [v for v in values if v > 0]
    if positive and len(positive) == len(values) and max(positive) / min(positive) > 100:
        return alt.Scale(type="log")
    return alt.Scale(zero=False)


def _position(channel: Any, field: str, axis: Axis, values: Sequence[float]) -> Any:
    return channel(f"{field}:Q", title=axis.label, scale=_scale(values))


def dashboard_spec(
    board: Dashboard, data_url: str, *, submitters: Sequence[str] = (), height: int = 420
) -> dict[str, Any]:
    """Performance against accuracy coloured by accelerator or platform, with the Pareto front.

    Controls: colour by accelerator or platform (radio), a submitter filter (select), a legend
    selection that fades the other groups; tooltips on every point. A click opens the result's page
    (``charts.js`` follows the datum's ``link``: no <a> element per point, half the DOM to draw).
    """
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    colour_by = alt.param(
        name="colour_by",
        value="accelerator",
        bind=alt.binding_radio(options=["accelerator", "platform"], name="Colour by "),
    )
    who = alt.param(
        name="submitter", value="all", bind=alt.binding_select(options=["all", *submitters], name="Submitter ")
    )
    pick = alt.selection_point(name="pick", fields=["colour"], bind="legend")
    source = alt.UrlData(url=data_url)
    y_channel = _position(alt.Y, "y", board.y, ys) if board.y is not None else alt.Y("platform:N", title="platform")
    points = (
        alt.Chart(source, name=POINT_NAME)
        .transform_calculate(
            colour="colour_by == 'platform' ? datum.platform : datum.accelerator",
        )
        .transform_filter("submitter == 'all' || datum.submitter == submitter")
        .mark_point(filled=True, size=70, stroke="black", aria=False, cursor="pointer")
        .encode(
            x=_position(alt.X, "x", board.x, xs),
            y=y_channel,
            color=alt.Color("colour:N", title="accelerator / platform", legend=alt.Legend(symbolLimit=40)),
            opacity=alt.condition(pick, alt.value(0.85), alt.value(0.08)),
            strokeWidth=alt.condition("datum.front", alt.value(1.5), alt.value(0)),
            tooltip=[
                *TOOLTIP,
                alt.Tooltip("x:Q", title=board.x.metric, format=".4~g"),
                *([alt.Tooltip("y:Q", title=board.y.metric, format=".4~g")] if board.y else []),
                alt.Tooltip("front:N", title="on the Pareto front"),
            ],
        )
        .add_params(colour_by, who, pick)
    )
    layers: list[Any] = [points]
    if board.y is not None:
        front = (
            alt.Chart(source)
            .transform_filter("datum.front")
            .mark_line(color="black", strokeDash=[4, 3], interpolate="linear", aria=False)
            .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("x:Q"))
        )
        layers.append(front)
    chart = alt.layer(*layers).properties(width="container", height=height, title=board.title)
    return chart.to_dict(validate=False)


def trend_spec(board: Dashboard, data_url: str, height: int = 260) -> dict[str, Any]:
    """The dashboard's x metric over time for configurations measured on several dates."""
    chart = (
        alt.Chart(alt.UrlData(url=data_url))
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("value:Q", title=board.x.label, scale=alt.Scale(zero=False)),
            color=alt.Color("configuration:N"),
            tooltip=["configuration:N", "date:T", alt.Tooltip("value:Q", format=".4~g"), "title:N"],
        )
        .properties(width="container", height=height, title=f"{board.title}: {board.x.metric} over time")
    )
    return chart.to_dict(validate=False)


def focus_spec(
    board: Dashboard, data_url: str, field: str, focus: str, title: str, height: int = 280
) -> dict[str, Any]:
    """A dashboard's points with one platform's or model's results highlighted (component pages)."""
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    mine = alt.param(name="focus", value=focus)
    y_channel = _position(alt.Y, "y", board.y, ys) if board.y is not None else alt.Y("platform:N", title="platform")
    chart = (
        alt.Chart(alt.UrlData(url=data_url), name=POINT_NAME)
        .transform_calculate(mine=f"datum[{_js_string(field)}] == focus")
        .mark_point(filled=True, size=60, aria=False)
        .encode(
            x=_position(alt.X, "x", board.x, xs),
            y=y_channel,
            color=alt.Color("mine:N", title=title, scale=alt.Scale(domain=[True, False], range=["#d62728", "#bbbbbb"]),
                            legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'others'")),
            order=alt.Order("mine:O"),  # ordinal: highlighted points drawn last (nominal warns in Vega-Lite)
            tooltip=TOOLTIP,
        )
        .add_params(mine)
        .properties(width="container", height=height, title=board.title)
    )
    return chart.to_dict(validate=False)


def _js_string(text: str) -> str:
    """A Vega expression string literal (JSON quoting is valid expression syntax)."""
    import json

    return json.dumps(text)
