"""Benchmark identity and run identity over the embedded KB: no dashboard mixes benchmarks, no two
results of one benchmark share a title, no 'reproduced' badge is false; titles come from the data."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal.dashboards import results_view
from generator.results.aggregate import independence_key
from generator.results.identity import benchmark_id, distinct_titles, run_facts, titles_by_benchmark

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = sorted(p for p in (ROOT / "kb").iterdir() if (p / ".ckr.json").is_file())


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """Every repository of the embedded KB."""
    return Corpus.load(Workspace.open(EMBEDDED))


def test_no_dashboard_mixes_benchmarks(corpus: Corpus) -> None:
    view = results_view(corpus)
    assert len(view.dashboards) >= 8
    for board in view.dashboards:
        assert {r.identity for r in board.rows} == {board.identity}, board.slug
        if board.benchmark.startswith("mlperf-inference"):
            models = {r.model.uoa for r in board.rows}
            assert not ({"resnet50-v1.5"} & models and any("mobilenet" in m for m in models)), board.slug
            assert not ({"ssd-resnet34-1200", "ssd-mobilenet-v1-coco"} <= models), board.slug
            for lb in board.leaderboards:
                assert {line.row.identity for line in lb.lines} <= {board.identity}


def test_mlperf_resnet_and_mobilenet_are_separate_benchmarks_with_quality_targets(corpus: Corpus) -> None:
    closed = {b.identity.reference_model: b for b in results_view(corpus).dashboards
              if b.benchmark == "mlperf-inference-v0.5/image-classification" and b.identity.division == "Closed"}
    assert set(closed) == {"resnet50-v1.5", "mobilenet-v1-1.0-224"}
    assert "76.456 %" in closed["resnet50-v1.5"].identity.quality_target
    assert "71.676 %" in closed["mobilenet-v1-1.0-224"].identity.quality_target


def test_no_two_results_of_a_benchmark_share_a_title(corpus: Corpus) -> None:
    seen: dict[tuple, set[str]] = defaultdict(set)
    for row in results_view(corpus).rows:
        title = row.title.casefold()
        assert title not in seen[row.identity], f"{row.title!r} twice in {row.identity.text}"
        seen[row.identity].add(title)
    stored = defaultdict(set)  # the names the importers wrote agree (kb list and search show those)
    for entry in corpus.of_module("result"):
        key = benchmark_id(entry.meta)
        assert entry.name.casefold() not in stored[key], entry.name
        stored[key].add(entry.name.casefold())


def test_no_false_reproduced_badge(corpus: Corpus) -> None:
    for group in results_view(corpus).groups.values():
        if not group.reproduced:
            continue
        independent = {independence_key(r) for r in group.rows}
        values = [r.metrics[group.metric].value for r in group.rows if group.metric in r.metrics]
        mean = sum(values) / len(values)
        assert len(independent) >= 2, group.key
        assert all(abs(v - mean) <= group.tolerance / 100 * abs(mean) for v in values), group.key


def test_titles_append_the_configuration_keys_that_vary() -> None:
    metas = [{"benchmark": "b", "configuration": {"data_layout": layout, "kernel_tuner": tuner, "os": "Linux"}}
             for layout in ("NCHW", "NHWC") for tuner in ("NONE", "DEFAULT")]  # fmt: skip
    metas.append({"benchmark": "other", "configuration": {"data_layout": "NCHW"}})
    titles = titles_by_benchmark(metas, ["mobilenet on HiKey960"] * 5)
    assert titles[:4] == [
        "mobilenet on HiKey960 · data layout NCHW, kernel tuner NONE",
        "mobilenet on HiKey960 · data layout NCHW, kernel tuner DEFAULT",
        "mobilenet on HiKey960 · data layout NHWC, kernel tuner NONE",
        "mobilenet on HiKey960 · data layout NHWC, kernel tuner DEFAULT",
    ]
    assert titles[4] == "mobilenet on HiKey960"  # alone in its benchmark: nothing to tell apart
    assert run_facts({"precision": "int8", "batch_size": 8, "submitter": "x"}) == {
        "precision": "int8", "batch size": "8", "submitter": "x"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "A", "a #2", "b"]),
                          st.dictionaries(st.sampled_from(["k", "l"]), st.sampled_from(["1", "2", ""]))),
                max_size=25))  # fmt: skip
def test_distinct_titles_are_always_distinct(items: list[tuple[str, dict[str, str]]]) -> None:
    titles = distinct_titles([b for b, _ in items], [f for _, f in items])
    assert len({t.casefold() for t in titles}) == len(titles)
    assert all(t.casefold().startswith(b.casefold()) for t, (b, _) in zip(titles, items, strict=True))
