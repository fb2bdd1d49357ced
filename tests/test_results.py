"""Results: Pareto fronts, leaderboards, reproducibility groups, axes and Vega-Lite specs."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.results.aggregate import configuration_key, leaderboard, reproducibility_groups
from generator.results.dashboards import build_dashboards, chart_records, choose_axes
from generator.results.pareto import dominates, pareto_front
from generator.results.specs import dashboard_spec, focus_spec, trend_spec
from generator.results.svg import inline_data, to_svg
from generator.results.table import Component, Metric, ResultRow, parse_metric


def make_row(
    uid: str,
    metrics: dict[str, tuple[float, str, str]],
    *,
    platform: str = "p1",
    model: str = "m1",
    submitter: str = "s1",
    date: str = "",
    software: tuple[str, ...] = ("lib 1.0",),
    benchmark: str = "bench/task",
    scenario: str = "SingleStream",
    hardware: str = "",
    **fields: Any,
) -> ResultRow:
    """A result row without going through entries (``fields``: the optional ResultRow fields)."""
    return ResultRow(
        uid=uid,
        uoa=uid,
        url=f"result/{uid}/",
        title=f"result {uid}",
        benchmark=benchmark,
        scenario=scenario,
        platform=Component(platform, platform.upper(), f"platform/{platform}/"),
        model=Component(model, model),
        dataset=Component("d1", "d1"),
        program=Component(),
        submitter=submitter,
        date=date,
        software=software,
        accelerator="gpu",
        hardware=hardware or platform,
        metrics={n: Metric(v, u, d) for n, (v, u, d) in metrics.items()},
        **fields,
    )


def brute_front(points: list[tuple[float, float]], x_dir: str, y_dir: str) -> set[int]:
    return {
        i
        for i, p in enumerate(points)
        if not any(dominates(q, p, x_dir, y_dir) for j, q in enumerate(points) if j != i)
    }


coordinates = st.integers(min_value=-20, max_value=20).map(float)  # small ints force ties and duplicates
point_lists = st.lists(st.tuples(coordinates, coordinates), max_size=60)
directions = st.sampled_from(["lower", "higher"])


@settings(max_examples=300, deadline=None)
@given(points=point_lists, x_dir=directions, y_dir=directions)
def test_pareto_front_matches_brute_force_on_random_points(
    points: list[tuple[float, float]], x_dir: str, y_dir: str
) -> None:
    front = pareto_front(points, x_dir, y_dir)
    assert set(front) == brute_front(points, x_dir, y_dir)
    assert len(front) == len(set(front))


@settings(max_examples=100, deadline=None)
@given(
    points=st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.floats(allow_nan=False, allow_infinity=False, width=32),
        ),
        max_size=40,
    )
)
def test_pareto_front_points_are_mutually_non_dominated(points: list[tuple[float, float]]) -> None:
    front = pareto_front(points, "lower", "higher")
    for i in front:
        assert not any(dominates(points[j], points[i], "lower", "higher") for j in range(len(points)))


def test_pareto_front_is_ordered_by_best_x_and_skips_non_finite_points() -> None:
    points = [(10.0, 70.0), (1.0, 60.0), (float("nan"), 99.0), (5.0, 76.0), (20.0, 76.0), (1.0, 50.0)]
    assert pareto_front(points, "lower", "higher") == [1, 3]


def test_leaderboard_orders_by_each_metrics_direction() -> None:
    rows = [
        make_row("a", {"latency": (5.0, "ms", "lower"), "accuracy": (70.0, "%", "higher")}),
        make_row("b", {"latency": (2.0, "ms", "lower"), "accuracy": (60.0, "%", "higher")}),
        make_row("c", {"latency": (9.0, "ms", "lower"), "accuracy": (75.0, "%", "higher")}),
    ]
    latency = leaderboard(rows, "latency")
    assert [line.row.uid for line in latency.lines] == ["b", "a", "c"]
    assert (latency.unit, latency.direction) == ("ms", "lower")
    accuracy = leaderboard(rows, "accuracy")
    assert [line.row.uid for line in accuracy.lines] == ["c", "a", "b"]


def test_leaderboard_ties_share_a_rank() -> None:
    rows = [make_row(u, {"throughput": (v, "samples/s", "higher")}) for u, v in (("a", 10), ("b", 30), ("c", 30))]
    board = leaderboard(rows, "throughput")
    assert [(line.rank, line.row.uid) for line in board.lines] == [(1, "b"), (1, "c"), (3, "a")]


def test_reproducibility_groups_count_independent_measurements_and_judge_the_spread() -> None:
    rows = [
        make_row("a", {"latency": (10.0, "ms", "lower")}, platform="p1", submitter="alice", hardware="hw"),
        make_row("b", {"latency": (12.0, "ms", "lower")}, platform="p2", submitter="bob", hardware="hw"),
        make_row("c", {"latency": (11.0, "ms", "lower")}, platform="p3", submitter="bob", hardware="hw"),
        make_row("d", {"latency": (50.0, "ms", "lower")}, platform="p4", hardware="other"),
    ]
    groups = reproducibility_groups(rows)
    assert sorted(g.count for g in groups.values()) == [1, 3]
    group = groups[configuration_key(rows[0])]
    assert (group.submitters, group.platforms, group.measurements) == (2, 3, 3)
    stats = group.judged
    assert stats is not None
    assert (stats.metric, stats.mean, stats.minimum, stats.maximum) == ("latency", 11.0, 10.0, 12.0)
    assert group.spread_percent == pytest.approx(2 / 11 * 100)
    assert group.verdict == "not reproduced"  # 12 ms is 9 % above the mean of 11 ms: outside ±5 %
    assert groups[configuration_key(rows[3])].verdict == "measured once"
    close = [make_row(u, {"latency": (v, "ms", "lower")}, submitter=u) for u, v in (("x", 10.0), ("y", 10.4))]
    assert reproducibility_groups(close)[configuration_key(close[0])].verdict == "reproduced"


def test_configuration_key_separates_software_versions() -> None:
    one = make_row("a", {"latency": (1.0, "ms", "lower")}, software=("TFLite 1.13",))
    two = make_row("b", {"latency": (1.0, "ms", "lower")}, software=("TFLite 1.15",))
    assert configuration_key(one) != configuration_key(two)


def test_axes_put_performance_on_x_and_accuracy_on_y() -> None:
    rows = [
        make_row(
            "a",
            {
                "accuracy_top1": (70.0, "%", "higher"),
                "latency": (3.0, "ms", "lower"),
                "rate_per_watt": (1.0, "images/s/W", "higher"),
            },
        )
    ]
    x, y = choose_axes(rows)
    assert (x.metric, x.unit, x.direction) == ("latency", "ms", "lower")
    assert y is not None and y.metric == "accuracy_top1"
    assert x.label == "latency (ms, lower is better)"


def test_parse_metric_refuses_non_numbers() -> None:
    assert parse_metric({"value": "12", "unit": "ms", "direction": "lower"}) is None
    assert parse_metric({"value": True, "unit": "ms", "direction": "lower"}) is None
    assert parse_metric({"value": 3, "unit": "ms", "direction": "lower", "samples": [1, "x", 2]}) == Metric(
        3.0, "ms", "lower", (1.0, 2.0)
    )


def test_dashboards_group_by_benchmark_identity_with_front_and_trend() -> None:
    rows = [
        make_row("a", {"latency": (5.0, "ms", "lower"), "accuracy": (70.0, "%", "higher")}, date="2019-01-01"),
        make_row("b", {"latency": (4.0, "ms", "lower"), "accuracy": (70.0, "%", "higher")}, date="2020-01-01"),
        make_row("c", {"throughput": (9.0, "samples/s", "higher")}, scenario="Offline"),
        make_row("d", {"latency": (3.0, "ms", "lower")}, reference_model="resnet50", division="Closed"),
    ]
    boards = {(b.scenario, b.identity.reference_model): b for b in build_dashboards(rows)}
    single = boards[("SingleStream", "")]
    assert single.slug == "bench-task-singlestream"
    assert [r.uid for r in single.front] == ["b"]
    assert [p["value"] for p in single.trend] == [5.0, 4.0]
    records = chart_records(single, {})
    assert [(r["uid"], r["front"]) for r in records] == [("a", False), ("b", True)]
    assert boards[("Offline", "")].y is None
    assert [r.uid for r in boards[("SingleStream", "resnet50")].rows] == ["d"]
    assert boards[("SingleStream", "resnet50")].slug == "bench-task-resnet50-singlestream-closed"


@functools.lru_cache(maxsize=1)
def vega_lite_validator() -> jsonschema.Draft7Validator:
    """The Vega-Lite JSON schema that Altair ships (the version its specs declare)."""
    path = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    return jsonschema.Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def assert_valid_vega_lite(spec: dict[str, Any]) -> None:
    """Fail with the first schema errors of a spec."""
    assert spec["$schema"] == alt.SCHEMA_URL
    errors = sorted(vega_lite_validator().iter_errors(spec), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]


def _sample_board() -> Any:
    rows = [
        make_row(
            str(i),
            {"latency": (1.0 + i, "ms", "lower"), "accuracy": (60.0 + i % 7, "%", "higher")},
            date=f"20{10 + i % 3}-01-01",
            submitter=f"s{i % 2}",
        )
        for i in range(12)
    ]
    return build_dashboards(rows)[0]


def test_dashboard_trend_and_focus_specs_validate_against_the_vega_lite_schema() -> None:
    board = _sample_board()
    assert_valid_vega_lite(dashboard_spec(board, "data.json"))
    assert_valid_vega_lite(trend_spec(board, "trend.json"))
    assert_valid_vega_lite(focus_spec(board, "../../dashboards/x/data.json", "platform_uoa", "p1", "this platform"))
    one_axis = build_dashboards([make_row("z", {"throughput": (3.0, "samples/s", "higher")})])[0]
    assert_valid_vega_lite(dashboard_spec(one_axis, "data.json"))


def test_specs_reference_their_data_by_url_never_inline() -> None:
    spec = dashboard_spec(_sample_board(), "data.json")
    text = json.dumps(spec)
    assert '"url": "data.json"' in text
    assert '"values"' not in text and "datasets" not in spec


def test_untrusted_names_reach_specs_only_as_data_or_params() -> None:
    board = _sample_board()
    spec = focus_spec(board, "d.json", "platform_uoa", "x' || alert(1) || '", "this platform")
    assert "alert" not in json.dumps([t for t in spec.get("transform", [])])
    assert {"name": "focus", "value": "x' || alert(1) || '"} in spec["params"]


def test_svg_export_draws_one_symbol_per_point() -> None:
    board = _sample_board()
    spec = dashboard_spec(board, "data.json")
    records = chart_records(board, {})
    assert inline_data(spec, records)["data"] == {"values": records}
    svg = to_svg(spec, records)
    assert svg.startswith("<svg")
    group = svg.split('class="mark-symbol role-mark results_marks"', 1)[1].split("</g>", 1)[0]
    assert group.count("<path") == len(records)
    assert "xlink:href" not in svg and "vega.github.io" not in svg


def test_a_kb_run_result_ranks_and_plots_its_latency_not_its_statistics() -> None:
    stats = {"latency": (12.0, "ms", "lower"), "latency_min": (11.0, "ms", "lower"),
             "latency_mean": (12.2, "ms", "lower"), "latency_stdev": (0.4, "ms", "lower")}  # fmt: skip
    (board,) = build_dashboards([make_row("k", stats, benchmark="kb-run/matmul")])
    assert (board.x.metric, board.y) == ("latency", None)  # never latency against latency_mean
    assert [lb.metric for lb in board.leaderboards] == ["latency"]
    assert {a.metric for a in board.metrics} == set(stats)  # the statistics stay readable and selectable
