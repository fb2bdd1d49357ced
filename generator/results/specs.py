"""Vega-Lite specs of the dashboards and component-page charts; data always by URL.

The specs are plain dictionaries, written out in the shape Altair's ``to_dict()`` gives for the
same charts (``tests/test_dashboards.py`` checks them against Altair-built ones and against the
Vega-Lite schema). Building them with Altair cost ~125 ms per dashboard (its schema validation),
24 s of a 10,000-entry build with 192 dashboards; a dictionary costs microseconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from generator.results.dashboards import Axis, Dashboard

POINT_NAME = "results"
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # what Altair 6.x declares
CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}  # Altair's default view config
Spec = dict[str, Any]


def _field(name: str, kind: str, **extra: Any) -> Spec:
    """An encoding channel or tooltip: ``{"field", <extra sorted by key>, "type"}`` as Altair writes it."""
    return {"field": name, **dict(sorted(extra.items())), "type": kind}


TOOLTIP: tuple[Spec, ...] = (
    _field("title", "nominal", title="result"),
    _field("platform", "nominal"),
    _field("accelerator", "nominal"),
    _field("model", "nominal"),
    _field("submitter", "nominal"),
    _field("software", "nominal"),
    _field("date", "nominal"),
    _field("reproduced", "quantitative", title="results of this configuration"),
)


def _tooltip() -> list[Spec]:
    return [dict(t) for t in TOOLTIP]


def _scale(values: Sequence[float]) -> Spec:
    positive = [v for v in values if v > 0]
    if positive and len(positive) == len(values) and max(positive) / min(positive) > 100:
        return {"type": "log"}
    return {"zero": False}


def _position(field: str, axis: Axis, values: Sequence[float]) -> Spec:
    return _field(field, "quantitative", scale=_scale(values), title=axis.label)


def _values(board: Dashboard) -> tuple[list[float], list[float]]:
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    return xs, ys


def _y(board: Dashboard, ys: Sequence[float]) -> Spec:
    return _position("y", board.y, ys) if board.y is not None else _field("platform", "nominal", title="platform")


def dashboard_spec(
    board: Dashboard, data_url: str, *, submitters: Sequence[str] = (), height: int = 420
) -> dict[str, Any]:
    """Performance against accuracy coloured by accelerator or platform, with the Pareto front.

    Controls: colour by accelerator or platform (radio), a submitter filter (select), a legend
    selection that fades the other groups; tooltips on every point. A click opens the result's page
    (``charts.js`` follows the datum's ``link``: no <a> element per point, half the DOM to draw).
    """
    xs, ys = _values(board)
    tooltip = [*_tooltip(), _field("x", "quantitative", format=".4~g", title=board.x.metric)]
    if board.y is not None:
        tooltip.append(_field("y", "quantitative", format=".4~g", title=board.y.metric))
    tooltip.append(_field("front", "nominal", title="on the Pareto front"))
    points = {
        "mark": {"type": "point", "aria": False, "cursor": "pointer", "filled": True, "size": 70, "stroke": "black"},
        "encoding": {
            "color": _field("colour", "nominal", legend={"symbolLimit": 40}, title="accelerator / platform"),
            "opacity": {"condition": {"param": "pick", "value": 0.85}, "value": 0.08},
            "strokeWidth": {"condition": {"test": "datum.front", "value": 1.5}, "value": 0},
            "tooltip": tooltip,
            "x": _position("x", board.x, xs),
            "y": _y(board, ys),
        },
        "name": POINT_NAME,
        "transform": [
            {"calculate": "colour_by == 'platform' ? datum.platform : datum.accelerator", "as": "colour"},
            {"filter": "submitter == 'all' || datum.submitter == submitter"},
        ],
    }
    layers: list[Spec] = [points]
    if board.y is not None:
        layers.append({
            "mark": {"type": "line", "aria": False, "color": "black", "interpolate": "linear", "strokeDash": [4, 3]},
            "encoding": {"order": _field("x", "quantitative"), "x": _field("x", "quantitative"),
                         "y": _field("y", "quantitative")},
            "transform": [{"filter": "datum.front"}],
        })  # fmt: skip
    params = [
        {"name": "colour_by", "bind": {"input": "radio", "options": ["accelerator", "platform"], "name": "Colour by "},
         "value": "accelerator"},
        {"name": "submitter", "bind": {"input": "select", "options": ["all", *submitters], "name": "Submitter "},
         "value": "all"},
        {"name": "pick", "select": {"type": "point", "fields": ["colour"]}, "bind": "legend", "views": [POINT_NAME]},
    ]  # fmt: skip
    return {"config": _config(), "layer": layers, "data": {"url": data_url}, "height": height, "params": params,
            "title": board.title, "width": "container", "$schema": SCHEMA_URL}  # fmt: skip


def trend_spec(board: Dashboard, data_url: str, height: int = 260) -> dict[str, Any]:
    """The dashboard's x metric over time for configurations measured on several dates."""
    return {
        "config": _config(),
        "data": {"url": data_url},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "color": _field("configuration", "nominal"),
            "tooltip": [
                _field("configuration", "nominal"),
                _field("date", "temporal"),
                _field("value", "quantitative", format=".4~g"),
                _field("title", "nominal"),
            ],
            "x": _field("date", "temporal", title="date"),
            "y": _field("value", "quantitative", scale={"zero": False}, title=board.x.label),
        },
        "height": height,
        "title": f"{board.title}: {board.x.metric} over time",
        "width": "container",
        "$schema": SCHEMA_URL,
    }


def focus_spec(
    board: Dashboard, data_url: str, field: str, focus: str, title: str, height: int = 280
) -> dict[str, Any]:
    """A dashboard's points with one platform's or model's results highlighted (component pages)."""
    xs, ys = _values(board)
    colour = _field("mine", "nominal", legend={"labelExpr": "datum.value ? 'yes' : 'others'"},
                    scale={"domain": [True, False], "range": ["#d62728", "#bbbbbb"]}, title=title)  # fmt: skip
    return {
        "config": _config(),
        "data": {"url": data_url},
        "mark": {"type": "point", "aria": False, "filled": True, "size": 60},
        "encoding": {
            "color": colour,
            "order": _field("mine", "ordinal"),  # ordinal: highlighted points drawn last (nominal warns)
            "tooltip": _tooltip(),
            "x": _position("x", board.x, xs),
            "y": _y(board, ys),
        },
        "height": height,
        "name": POINT_NAME,
        "params": [{"name": "focus", "value": focus}],
        "title": board.title,
        "transform": [{"calculate": f"datum[{json.dumps(field)}] == focus", "as": "mine"}],
        "width": "container",
        "$schema": SCHEMA_URL,
    }


def _config() -> Spec:
    return {"view": dict(CONFIG["view"])}
