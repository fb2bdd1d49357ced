"""Incremental rebuilds (the serve loop): after a one-entry edit only the pages that depend on it change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.portal.builder import LiveBuilder, build_site
from generator.portal.manifest import Manifest, manifest_path
from tests.portal_fixture import make_kb


def _edit_meta(path: Path, **changes: object) -> None:
    meta = json.loads(path.read_text())
    meta.update(changes)
    path.write_text(json.dumps(meta, indent=2))


def test_one_entry_edit_rerenders_only_that_entry_and_keeps_other_files(tmp_path: Path) -> None:
    config = make_kb(tmp_path, git=False)
    site = tmp_path / "live-site"
    live = LiveBuilder(config, site)
    first = live.build()
    assert first.last_stats.rendered_entries == 6
    other = site / "dataset" / "imagenet" / "index.html"
    before = other.stat().st_mtime_ns
    meta = tmp_path / "fx" / "model" / "resnet" / ".cm" / "meta.json"
    _edit_meta(meta, framework="tflite-edited")
    second = live.build(changed=[meta])
    assert second.last_stats.rendered_entries == 1
    assert "tflite-edited" in (site / "model" / "resnet" / "index.html").read_text()
    assert "tflite-edited" in (site / "api" / "entries" / "model" / "1111111111111111.json").read_text()
    assert other.stat().st_mtime_ns == before


def test_renaming_an_entry_rerenders_the_pages_that_link_to_it(tmp_path: Path) -> None:
    config = make_kb(tmp_path, git=False)
    site = tmp_path / "live-site"
    live = LiveBuilder(config, site)
    live.build()
    info = tmp_path / "fx" / "model" / "resnet" / ".cm" / "info.json"
    _edit_meta(info, data_name="ResNet-50 renamed")
    plugin = live.build(changed=[info])
    assert 2 <= plugin.last_stats.rendered_entries < 6
    assert "ResNet-50 renamed" in (site / "result" / "r1" / "index.html").read_text()
    assert "ResNet-50 renamed" in (site / "model" / "rows.json").read_text()


def test_a_removed_entry_loses_its_page_redirects_and_api_file(tmp_path: Path) -> None:
    config = make_kb(tmp_path, git=False)
    site = tmp_path / "live-site"
    live = LiveBuilder(config, site)
    live.build()
    assert (site / "uid" / "6666666666666666" / "index.html").is_file()
    folder = tmp_path / "fx" / "program" / "hostile"
    shutil.rmtree(folder)
    for alias_file in (tmp_path / "fx" / "program" / ".cm").iterdir():
        alias_file.unlink()
    live.build(changed=[folder / ".cm" / "meta.json", tmp_path / "fx" / "program" / ".cm"])
    assert not (site / "program" / "hostile" / "index.html").exists()
    assert not (site / "uid" / "6666666666666666" / "index.html").exists()
    assert not (site / "api" / "entries" / "program" / "6666666666666666.json").exists()
    assert "hostile" not in (site / "api" / "catalogue.json").read_text()


def test_a_clean_build_writes_everything_and_records_a_manifest(tmp_path: Path) -> None:
    config = make_kb(tmp_path, git=False)
    site = build_site(config)
    manifest = Manifest.load(manifest_path(tmp_path / ".kb-cache", site))
    assert "model/resnet/index.html" in manifest.outputs and "api/catalogue.json" in manifest.outputs
    build_site(config)  # MkDocs cleaned the site: everything is written again, nothing missing
    assert (site / "model" / "resnet" / "index.html").is_file()


def test_serve_watcher_records_which_entry_changed(tmp_path: Path) -> None:
    import time

    from mkdocs.livereload import LiveReloadServer

    from generator.portal.plugin import KbPlugin

    make_kb(tmp_path, git=False)
    plugin = KbPlugin()
    plugin.repo_paths = [(tmp_path / "fx").resolve()]
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    plugin.on_serve(server, config=None, builder=None)  # type: ignore[arg-type]
    server.observer.start()
    try:
        time.sleep(0.6)
        meta = tmp_path / "fx" / "model" / "resnet" / ".cm" / "meta.json"
        _edit_meta(meta, framework="watched")
        deadline = time.monotonic() + 10
        while str(meta.resolve()) not in (plugin.changed or set()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()
    assert str(meta.resolve()) in (plugin.changed or set())


def _tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_build_on_worker_processes_writes_the_same_site_as_one_process(tmp_path: Path, monkeypatch) -> None:
    from generator.portal import parallel, site_writer

    config = make_kb(tmp_path, git=False)
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    one = build_site(config, site_dir=tmp_path / "one")
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel, "MIN_TASKS", 1)
    monkeypatch.setattr(site_writer, "ENTRY_CHUNK", 1)
    forked: list[int] = []
    real_start = parallel.TaskPool.start

    def start(pool: parallel.TaskPool, tasks: list[parallel.Task]) -> None:
        real_start(pool, tasks)
        if pool._pool is not None:
            forked.append(len(tasks))

    monkeypatch.setattr(parallel.TaskPool, "start", start)
    two = build_site(config, site_dir=tmp_path / "two")
    assert forked and forked[0] >= 6, forked  # one task per component page (plus any dashboard SVGs)
    assert _tree(two) == _tree(one)


def test_a_live_rebuild_leaves_the_same_search_index_as_a_clean_build(tmp_path: Path) -> None:
    config = make_kb(tmp_path, git=False)
    live = LiveBuilder(config, tmp_path / "live-site")
    live.build()
    meta = tmp_path / "fx" / "model" / "resnet" / ".cm" / "meta.json"
    _edit_meta(meta, framework="zzqfoo", tags=["model", "brand-new-tag"])
    live.build(changed=[meta])
    clean = build_site(config, site_dir=tmp_path / "clean")
    rebuilt = _tree(tmp_path / "live-site" / "search-index")
    assert rebuilt == _tree(clean / "search-index")
    assert any("zzqfoo" in text.decode() for text in rebuilt.values())


def test_kb_build_dirty_rewrites_only_the_edited_entry_of_an_existing_site(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli.main import cli

    config = make_kb(tmp_path, git=False)
    site = tmp_path / "site"
    first = CliRunner().invoke(cli, ["-c", str(config), "build", "--site-dir", str(site)])
    assert first.exit_code == 0, first.output
    other = site / "dataset" / "imagenet" / "index.html"
    before = other.stat().st_mtime_ns
    _edit_meta(tmp_path / "fx" / "model" / "resnet" / ".cm" / "meta.json", framework="dirty-edit")
    second = CliRunner().invoke(cli, ["-c", str(config), "build", "--dirty", "--site-dir", str(site)])
    assert second.exit_code == 0, second.output
    assert "dirty-edit" in (site / "model" / "resnet" / "index.html").read_text()
    assert other.stat().st_mtime_ns == before
    assert (site / "uid" / "3333333333333333" / "index.html").is_file()  # kept outputs stay in place


def test_live_rebuilds_rewrite_dashboards_only_when_a_result_row_changes(tmp_path: Path, monkeypatch) -> None:
    from generator.ck.store import Repo
    from generator.portal import plugin

    passes: list[int] = []
    real = plugin.write_dashboards
    monkeypatch.setattr(plugin, "write_dashboards", lambda *a, **k: passes.append(1) or real(*a, **k))

    config = make_kb(tmp_path, git=False)
    repo = Repo.open(tmp_path / "fx")
    for i in range(2):
        repo.add("result", f"m{i}", meta={"tags": ["result"], "benchmark": "b/t", "platform_uoa": "pi4",
                                          "metrics": {"latency": {"value": 1 + i, "unit": "ms", "direction": "lower"}}})
    site = tmp_path / "live-site"
    live = LiveBuilder(config, site)
    live.build()
    data = site / "dashboards" / "b-t" / "data.json"
    assert len(passes) == 1 and data.is_file()
    untouched = tmp_path / "fx" / "dataset" / "imagenet" / ".cm" / "meta.json"
    _edit_meta(untouched, note="not a result")
    live.build(changed=[untouched])
    assert len(passes) == 1  # no result row changed: the dashboards pass was skipped
    result = tmp_path / "fx" / "result" / "m1" / ".cm" / "meta.json"
    _edit_meta(result, metrics={"latency": {"value": 42.5, "unit": "ms", "direction": "lower"}})
    live.build(changed=[result])
    assert len(passes) == 2
    assert 42.5 in [p["x"] for p in json.loads(data.read_text())]
