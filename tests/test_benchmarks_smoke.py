"""Benchmarks cannot rot: each bench_*.py runs at a tiny size; the generator and harness keep their word.

No speed is asserted here; targets are checked by ``scripts/bench`` only.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from benchmarks import runner, synth
from benchmarks.harness import SMOKE_ENV, CommandFailed, Figure, measure_command
from generator.ck.store import Repo

TINY = 60


@pytest.fixture
def no_kb_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate into tmp_path, never into the shared benchmarks/out cache."""
    monkeypatch.delenv(synth.CACHE_ENV, raising=False)


@pytest.mark.parametrize("module_name", runner.discover())
def test_benchmark_runs_at_tiny_size(module_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     no_kb_cache: None) -> None:  # fmt: skip
    monkeypatch.setenv(SMOKE_ENV, "1")
    monkeypatch.setenv(synth.CACHE_ENV, str(tmp_path / "kb-cache"))
    record = runner.run_one(module_name, TINY, tmp_path / "work")
    assert "error" not in record, record.get("traceback")
    assert record["figures"], f"{module_name} returned no figures"
    for figure in record["figures"]:
        assert figure["name"]
        for key in ("ours", "baseline"):
            assert figure[key] is None or math.isfinite(figure[key]), (figure["name"], key)
        assert figure["holds"] in (True, False, None)


def test_generated_kb_is_deterministic_and_has_every_module(tmp_path: Path, no_kb_cache: None) -> None:
    first = synth.generate_kb(tmp_path / "a", 120, seed=7)
    second = synth.generate_kb(tmp_path / "b", 120, seed=7)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)
    modules = {m for r in first for m in Repo.open(r).module_names()}
    assert modules == {"platform", "dataset", "model", "soft", "script", "package", "program", "experiment", "result"}
    entries = sum(1 for r in first for m in Repo.open(r).module_names() for _ in Repo.open(r).iter_refs(m))
    assert entries == 120
    assert [p.name for p in second] == [p.name for p in first]


def test_default_mix_is_forty_percent_results_and_size_is_exact() -> None:
    counts = synth.plan_counts(50_000, None)
    assert counts["result"] == 20_000
    assert sum(counts.values()) == 50_000
    assert min(counts.values()) >= 1


def test_generated_kb_has_uid_only_entries_and_several_aliases(tmp_path: Path, no_kb_cache: None) -> None:
    repos = synth.generate_kb(tmp_path, 300, seed=1)
    refs = [ref for r in repos for m in Repo.open(r).module_names() for ref in Repo.open(r).iter_refs(m)]
    assert any(not ref.alias and ref.uid for ref in refs)
    multi = [p for r in repos for p in r.glob("*/.cm/alias-u-*") if len(p.read_text().splitlines()) > 1]
    assert multi
    assert any(p.name == "README.md" for r in repos for p in r.glob("*/*/README.md"))


def test_generated_kb_validates_without_errors(tmp_path: Path, no_kb_cache: None,
                                               run_cli: Callable[..., Result]) -> None:  # fmt: skip
    repos = synth.generate_kb(tmp_path / "kb", TINY, seed=3)
    config = synth.write_mkdocs_config(tmp_path, repos)
    result = run_cli(["-c", str(config), "validate", "--json"])
    report = json.loads(result.stdout)
    assert report["counts"]["error"] == 0, report["diagnostics"][:5]
    assert result.exit_code == 0


def test_mkdocs_config_lists_exactly_the_generated_repos(tmp_path: Path, no_kb_cache: None) -> None:
    repos = synth.generate_kb(tmp_path / "kb", TINY)
    text = synth.write_mkdocs_config(tmp_path, repos).read_text()
    for repo in repos:
        assert f"- '{repo.resolve()}'" in text
    assert "kb/reef-core" not in text
    assert (tmp_path / "docs" / "index.md").is_file()


def test_measure_command_reports_peak_memory_of_the_child(tmp_path: Path) -> None:
    grab = "b = bytearray(120 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    measured = measure_command([sys.executable, "-c", grab])
    assert measured.peak_rss_mb >= 110
    assert measured.wall_s > 0


def test_measure_command_counts_grandchildren_like_time_v(tmp_path: Path) -> None:
    inner = "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    outer = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {inner!r}], check=True)"
    assert measure_command([sys.executable, "-c", outer]).peak_rss_mb >= 140


def test_measure_command_raises_on_failure_with_the_stderr_tail() -> None:
    with pytest.raises(CommandFailed, match="boom"):
        measure_command([sys.executable, "-c", "import sys; sys.exit('boom')"])


def test_table_shows_ours_baseline_ratio_and_whether_the_target_holds() -> None:
    fig = Figure("full build", 120.0, 60.0, "plain MkDocs Material", "s", "< 600 s", True)
    rows = runner.table_rows([{"name": "build_scale", "figures": [fig.to_dict()]}])
    expected = ("build_scale", "full build", "120 s", "plain MkDocs Material", "60 s", "2.00×", "< 600 s", "yes")
    assert rows == [expected]
    assert "| build_scale | full build | 120 s |" in runner.render_table(rows, markdown=True)


def test_compare_prints_the_relative_change() -> None:
    old = {"benchmarks": [{"name": "b", "figures": [Figure("f", 10.0, unit="s").to_dict()]}]}
    new = {"benchmarks": [{"name": "b", "figures": [Figure("f", 5.0, unit="s").to_dict()]}]}
    assert "-50.0 %" in runner.compare(old, new)


def test_cached_kb_is_generated_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(synth.CACHE_ENV, str(tmp_path / "cache"))
    first = synth.generate_kb(tmp_path / "unused", 40)
    stamp = first[0].parent / synth.STAMP
    before = stamp.stat().st_mtime_ns
    assert synth.generate_kb(tmp_path / "other", 40) == first
    assert stamp.stat().st_mtime_ns == before
    assert not (tmp_path / "unused").exists()


def test_out_file_keeps_the_latest_record_of_benchmarks_not_rerun(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    base = {"format_version": runner.FORMAT_VERSION, "entries": 10, "seed": 0, "results": None}
    out.write_text(json.dumps({**base, "started": "t0", "commit": "c0", "benchmarks": [
        {"module": "bench_a", "name": "a", "figures": []}, {"module": "bench_b", "name": "b", "figures": []}]}))
    merged = runner.merged_records(out, {**base, "benchmarks": [{"module": "bench_b", "name": "b2", "figures": []}]})
    assert [(r["module"], r["name"]) for r in merged] == [("bench_a", "a"), ("bench_b", "b2")]
    assert merged[0]["commit"] == "c0"


def test_generic_profile_gives_every_entry_one_dependency_on_two_common_tags(tmp_path: Path,
                                                                           no_kb_cache: None) -> None:  # fmt: skip
    from benchmarks import synth_generic

    (repo,) = synth.generate_kb(tmp_path, 200, profile="G")
    metas = [json.loads(p.read_text()) for p in repo.glob("*/*/.cm/meta.json")]
    assert len(metas) == 200
    for meta in metas:
        (deps,) = [v for k, v in meta.items() if k.endswith("deps")]
        (dep,) = deps.values()
        kind, lang = dep["tags"].split(",")
        assert kind in synth_generic.KINDS and lang in synth_generic.LANGS


def test_real_profile_replicates_the_seed_with_renamed_aliases_and_uids(tmp_path: Path, no_kb_cache: None) -> None:
    from benchmarks import synth_real

    size = synth_real.seed_size()
    repos = synth.generate_kb(tmp_path, size + 40, profile="R")
    refs = [ref for r in repos for m in Repo.open(r).module_names() for ref in Repo.open(r).iter_refs(m)]
    assert len(refs) == size + 40
    copies = [ref for ref in refs if ref.alias.endswith("-r1")]
    assert 0 < len(copies) <= 40
    originals = {(ref.module, ref.alias): ref for ref in refs}
    for ref in copies:
        original = originals[(ref.module, ref.alias.removesuffix("-r1"))]
        assert ref.uid != original.uid
        copy_meta = json.loads((ref.path / ".cm" / "meta.json").read_text())
        assert copy_meta.get("tags") == json.loads((original.path / ".cm" / "meta.json").read_text()).get("tags")


def test_growth_run_prints_every_figure_as_a_ratio_per_size(tmp_path: Path) -> None:
    env = {**os.environ, SMOKE_ENV: "1", synth.CACHE_ENV: str(tmp_path / "cache")}
    out = tmp_path / "growth.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.runner", "--growth", "--sizes", "30", "--profiles", "G",
                           "--runs", "1", "--out", str(out)], env=env, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(out.read_text())["profiles"]["G"]["30"]
    for step in ("build", "validate", "list", "search_tag", "search_text", "dirty", "first_search"):
        assert found[step]["ours"]["wall_s"] > 0, step
    assert found["build"]["base"]["cpu_s"] > 0
    assert found["site"]["ours"]["files_per_entry"] > 0
    assert "kb build / plain MkDocs Material + search, wall" in proc.stdout
    assert "plain baseline (one Markdown page per entry" in proc.stdout


def test_background_processes_a_command_leaves_are_waited_for_and_counted() -> None:
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    code = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {spin!r}], start_new_session=True)"
    script = ("import sys, json; from benchmarks.harness import measure_command\n"
              f"m = measure_command([sys.executable, '-c', {code!r}], background=True)\n"
              "print(json.dumps([m.cpu_s, m.background_cpu_s]))")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    cpu, background = json.loads(proc.stdout)
    assert background >= 0.25
    assert cpu >= background
