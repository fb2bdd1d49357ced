"""Reproducibility means it: a configuration is 'reproduced ×N' only when N ≥ 2 independent
measurements (another submitter, machine or date) of the same full configuration agree within the
tolerance; the grouping is checked with hypothesis over random rows."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.results.aggregate import (
    MEASURED_ONCE,
    NOT_REPRODUCED,
    REPRODUCED,
    configuration_key,
    independence_key,
    reproducibility_groups,
)
from generator.results.table import ResultRow
from tests.test_results import make_row

_configs = st.sampled_from(["", "data_layout=NCHW", "data_layout=NHWC", "tuner=none"])
_rows = st.lists(
    st.tuples(
        st.sampled_from(["m1", "m2"]),  # model
        _configs,
        st.sampled_from(["alice", "bob", ""]),  # submitter
        st.sampled_from(["board-1", "board-2"]),  # machine (platform entry) of one hardware model
        st.sampled_from(["", "2019-01-01", "2020-01-01"]),  # date
        st.floats(min_value=1.0, max_value=100.0, allow_nan=False),  # latency
    ),
    max_size=30,
)


def _make(spec: list[tuple[str, str, str, str, str, float]]) -> list[ResultRow]:
    return [make_row(f"r{i}", {"latency": (v, "ms", "lower")}, model=m, submitter=s, platform=p, date=d,
                     hardware="kirin960", configuration=c) for i, (m, c, s, p, d, v) in enumerate(spec)]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(spec=_rows, tolerance=st.sampled_from([1.0, 5.0, 20.0]))
def test_groups_partition_the_rows_by_full_configuration(spec: list, tolerance: float) -> None:
    rows = _make(spec)
    groups = reproducibility_groups(rows, tolerance)
    members = [r.uid for g in groups.values() for r in g.rows]
    assert sorted(members) == sorted(r.uid for r in rows)  # every row in exactly one group
    for key, group in groups.items():
        assert {configuration_key(r) for r in group.rows} == {key}
        assert {(r.model.uoa, r.configuration) for r in group.rows} == {(group.rows[0].model.uoa,
                                                                         group.rows[0].configuration)}


@settings(max_examples=150, deadline=None)
@given(spec=_rows, tolerance=st.sampled_from([1.0, 5.0, 20.0]))
def test_a_verdict_of_reproduced_needs_two_independent_measurements_that_agree(spec: list, tolerance: float) -> None:
    for group in reproducibility_groups(_make(spec), tolerance).values():
        independent = {independence_key(r) for r in group.rows}
        assert group.measurements == len(independent)
        values = [r.metrics["latency"].value for r in group.rows]
        mean = math.fsum(values) / len(values)
        agree = all(abs(v - mean) <= tolerance / 100 * mean * (1 + 1e-9) for v in values)
        if len(independent) < 2:
            assert group.verdict == MEASURED_ONCE
        else:
            assert group.verdict == (REPRODUCED if agree else NOT_REPRODUCED)


@settings(max_examples=100, deadline=None)
@given(spec=_rows)
def test_repeating_a_measurement_never_makes_it_reproduced(spec: list) -> None:
    rows = _make(spec)
    repeats = [make_row(f"{r.uid}-again", {"latency": (r.metrics["latency"].value * 1.01, "ms", "lower")},
                        model=r.model.uoa, submitter=r.submitter, platform=r.platform.uoa, date=r.date,
                        hardware=r.hardware, configuration=r.configuration) for r in rows]  # fmt: skip
    before = reproducibility_groups(rows)
    after = reproducibility_groups(rows + repeats)
    for key, group in before.items():
        assert after[key].measurements == group.measurements
        if group.measurements < 2:
            assert not after[key].reproduced


def test_twelve_configurations_of_one_submitter_on_one_board_are_not_a_reproduction() -> None:
    """The MobileNets study: data layouts, tuners and convolution methods of one model on one board."""
    rows = [make_row(f"c{i}", {"latency": (100.0 + 50 * i, "ms", "lower")}, submitter="dividiti", platform="hikey",
                     configuration=f"convolution_method={m}|data_layout={d}|kernel_tuner={t}")
            for i, (m, d, t) in enumerate((m, d, t) for m in ("DIRECT", "GEMM", "DEFAULT") for d in ("NCHW", "NHWC")
                                          for t in ("NONE", "DEFAULT"))]  # fmt: skip
    groups = reproducibility_groups(rows)
    assert len(groups) == 12
    assert {g.verdict for g in groups.values()} == {MEASURED_ONCE}


def test_disagreeing_measurements_say_so_with_their_spread() -> None:
    rows = [make_row("a", {"latency": (100.0, "ms", "lower")}, submitter="alice"),
            make_row("b", {"latency": (184.0, "ms", "lower")}, submitter="bob")]  # fmt: skip
    (group,) = reproducibility_groups(rows).values()
    assert group.verdict == NOT_REPRODUCED
    assert round(group.spread_percent) == round(84 / 142 * 100)


def test_a_benchmark_may_state_its_own_tolerance() -> None:
    rows = [make_row("a", {"latency": (100.0, "ms", "lower")}, submitter="alice", tolerance=10.0),
            make_row("b", {"latency": (115.0, "ms", "lower")}, submitter="bob", tolerance=10.0)]  # fmt: skip
    (group,) = reproducibility_groups(rows).values()
    assert (group.tolerance, group.verdict) == (10.0, REPRODUCED)  # ±7 % of the mean is within ±10 %
    assert reproducibility_groups(rows, 5.0)[group.key].tolerance == 10.0  # the stated one wins


def test_independence_counts_submitters_machines_of_one_model_and_dates() -> None:
    base = {"latency": (10.0, "ms", "lower")}
    first = {"submitter": "x", "platform": "board-1", "date": "2020-01-01", "hardware": "kirin960"}
    again = [make_row("a", base, **first), make_row("b", base, **first)]
    assert next(iter(reproducibility_groups(again).values())).measurements == 1
    for change in ({"submitter": "y"}, {"platform": "board-2"}, {"date": "2021-01-01"}):
        rows = [again[0], make_row("c", base, **{**first, **change})]
        (group,) = reproducibility_groups(rows).values()
        assert (group.measurements, group.verdict) == (2, REPRODUCED), change
