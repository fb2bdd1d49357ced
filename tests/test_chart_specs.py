"""Chart specs filled in from Altair-built shape templates must be what Altair builds for each chart.

``generator/results/specs.py`` asks Altair once per chart shape (Altair's to_dict costs ~125 ms per
chart) and fills the values in. The reference builders below build every chart directly with
Altair; any difference in content, including key order, fails here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import pytest

from generator.results.dashboards import Axis, Dashboard, build_dashboards
from generator.results.identity import BenchmarkId
from generator.results.specs import LABEL_EXPR, SCHEMA_URL, dashboard_spec, focus_spec, trend_spec
from tests.test_results import make_row

TOOLTIP = [alt.Tooltip("title:N", title="result"), alt.Tooltip("platform:N"), alt.Tooltip("model:N"),
           alt.Tooltip("framework:N"), alt.Tooltip("submitter:N"), alt.Tooltip("repro:N", title="reproducibility")]
LABELS = alt.Axis(labelExpr=LABEL_EXPR)


def _scale(values: Sequence[float]) -> alt.Scale:
    positive = [v for v in values if v > 0]
    if positive and len(positive) == len(values) and max(positive) / min(positive) > 100:
        return alt.Scale(type="log")
    return alt.Scale(zero=False)


def _values(board: Dashboard) -> tuple[list[float], list[float]]:
    xs = [r.metrics[board.x.metric].value for r in board.rows if board.x.metric in r.metrics]
    ys = [r.metrics[board.y.metric].value for r in board.rows if board.y and board.y.metric in r.metrics]
    return xs, ys


def _q(field: str, title: str, values: Sequence[float]) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", "title": title, "scale": _scale(values), "axis": LABELS}


def _xy(board: Dashboard) -> tuple[Any, Any]:
    xs, ys = _values(board)
    x = alt.X(**_q("x", board.x.label, xs))
    y = alt.Y(**_q("y", board.y.label, ys)) if board.y else alt.Y("platform:N", title="platform")
    return x, y


def altair_dashboard(board: Dashboard, url: str) -> dict[str, Any]:
    """The dashboard chart as Altair builds it."""
    pick = alt.selection_point(name="pick", fields=["colour"], bind="legend")
    x, y = _xy(board)
    xs, ys = _values(board)
    source = alt.UrlData(url=url)  # one object for every layer: Altair then moves it to the top level
    tips = [*TOOLTIP, alt.Tooltip("x_text:N", title=board.x.metric)]
    tips += [alt.Tooltip("y_text:N", title=board.y.metric)] if board.y else []
    encoding: dict[str, Any] = dict(
        x=x, y=y, opacity=alt.condition(pick, alt.value(0.85), alt.value(0.08)),
        color=alt.Color("colour:N", title=board.colour_label, legend=alt.Legend(symbolLimit=40)),
        strokeWidth=alt.condition("datum.front", alt.value(1.5), alt.value(0)),
        tooltip=[*tips, alt.Tooltip("front:N", title="on the Pareto front")])  # fmt: skip
    if board.size_metric is not None:
        encoding["size"] = alt.Size("size:Q", title=board.size_label, scale=alt.Scale(range=[25, 400]),
                                    legend=alt.Legend(labelExpr=LABEL_EXPR))  # fmt: skip
    size = {} if board.size_metric is not None else {"size": 70}
    points = (alt.Chart(source, name="results")
              .mark_point(filled=True, stroke="black", aria=False, cursor="pointer", **size)
              .encode(**encoding).add_params(pick))  # fmt: skip
    bars = [alt.Chart(source).transform_filter("isValid(datum.xlo)")
            .mark_rule(color="#555555", opacity=0.6, aria=False)
            .encode(x=alt.X(**_q("xlo", board.x.label, xs)), x2=alt.X2("xhi"), y=y)]  # fmt: skip
    if board.y is not None:
        bars.append(alt.Chart(source).transform_filter("isValid(datum.ylo)")
                    .mark_rule(color="#555555", opacity=0.6, aria=False)
                    .encode(x=x, y=alt.Y(**_q("ylo", board.y.label, ys)), y2=alt.Y2("yhi")))  # fmt: skip
    layers: list[Any] = [*bars, points]
    if board.y is not None:
        layers.append(alt.Chart(source).transform_filter("datum.front")
                      .mark_line(color="black", strokeDash=[4, 3], interpolate="linear", aria=False)
                      .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), order=alt.Order("x:Q")))  # fmt: skip
    return alt.layer(*layers).properties(width="container", height=420, title=board.title).to_dict(validate=False)


def altair_trend(board: Dashboard, url: str) -> dict[str, Any]:
    """The trend chart as Altair builds it."""
    return (
        alt.Chart(alt.UrlData(url=url)).mark_line(point=True)
        .encode(x=alt.X("date:T", title="date"),
                y=alt.Y("value:Q", title=board.x.label, scale=alt.Scale(zero=False), axis=LABELS),
                color=alt.Color("configuration:N"),
                tooltip=["configuration:N", "date:T", alt.Tooltip("value_text:N", title="value"), "title:N"])
        .properties(width="container", height=260, title=f"{board.title}: {board.x.metric} over time")
        .to_dict(validate=False)
    )  # fmt: skip


def altair_focus(board: Dashboard, url: str, field: str, focus: str, title: str) -> dict[str, Any]:
    """The component-page chart as Altair builds it."""
    x, y = _xy(board)
    colour = alt.Color("mine:N", title=title, scale=alt.Scale(domain=[True, False], range=["#d62728", "#bbbbbb"]),
                       legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'others'"))  # fmt: skip
    tips = [*TOOLTIP, alt.Tooltip("x_text:N", title=board.x.metric)]
    tips += [alt.Tooltip("y_text:N", title=board.y.metric)] if board.y else []
    return (
        alt.Chart(alt.UrlData(url=url), name="results")
        .transform_calculate(mine=f"datum[{json.dumps(field)}] == focus").mark_point(filled=True, size=60, aria=False)
        .encode(x=x, y=y, color=colour, order=alt.Order("mine:O"), tooltip=tips)
        .add_params(alt.param(name="focus", value=focus))
        .properties(width="container", height=280)
        .to_dict(validate=False)
    )  # fmt: skip


def _boards() -> list[Dashboard]:
    rows = [make_row(str(i), {"latency": (1.0 + i * 40, "ms", "lower"), "accuracy": (60.0 + i % 7, "%", "higher")},
                     date=f"20{10 + i % 3}-01-01", submitter=f"s{i % 2}") for i in range(12)]  # fmt: skip
    rows += [make_row("z", {"throughput": (3.0, "samples/s", "higher")}, scenario="Offline")]
    rows += [make_row(f"n{i}", {"qps": (-1.0 + i, "q/s", "higher"), "top1": (0.5, "", "higher")}, scenario="Server")
             for i in range(3)]  # fmt: skip
    rows += [make_row(f"s{i}", {"latency": (2.0 + i, "ms", "lower"), "accuracy": (50.0 + i, "%", "higher"),
                                "model_size": (1e6 * (i + 1), "B", "lower")}, scenario="Sized") for i in range(3)]
    boards = build_dashboards(rows)
    named = Dashboard("odd", BenchmarkId('b"</script>', scenario="S'"), Axis('a"b', "ms", "lower"), None,
                      boards[0].rows, title='b"</script> · S\'', colour_by="model")  # fmt: skip
    return [*boards, named]


@pytest.mark.parametrize("index", range(5))
def test_specs_equal_what_altair_builds_key_order_included(index: int) -> None:
    board = _boards()[index]
    pairs = [
        (dashboard_spec(board, "data.json"), altair_dashboard(board, "data.json")),
        (trend_spec(board, "trend.json"), altair_trend(board, "trend.json")),
        (focus_spec(board, "../../d/data.json", "platform_uoa", "p'1", "this platform"),
         altair_focus(board, "../../d/data.json", "platform_uoa", "p'1", "this platform")),
    ]  # fmt: skip
    for ours, reference in pairs:
        assert json.dumps(ours) == json.dumps(reference)


def test_charts_of_one_shape_share_one_altair_build() -> None:
    from generator.results import specs

    specs._dashboard_template.cache_clear()
    boards = _boards()
    for board in boards:
        dashboard_spec(board, "d.json")
    shapes = {specs.shape(b) for b in boards}
    assert specs._dashboard_template.cache_info().misses == len(shapes) < len(boards)


def test_sample_boards_cover_log_scales_and_single_axis_charts() -> None:
    texts = [json.dumps(dashboard_spec(b, "d")) for b in _boards()]
    assert any('"type": "log"' in t for t in texts)
    assert any(b.y is None for b in _boards())
    assert SCHEMA_URL == alt.SCHEMA_URL
