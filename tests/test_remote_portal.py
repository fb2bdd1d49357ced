"""A portal from one local and two synced repositories shows all three, linking sources at the pinned commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.ck.store import Repo
from generator.config import load_config
from generator.ops.sync import sync
from generator.portal.builder import build_site
from tests.sync_support import make_upstream, write_config


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))


def test_portal_shows_local_and_synced_entries_with_links_at_the_locked_commit(tmp_path: Path, run_cli) -> None:
    local = Repo.init(tmp_path / "site" / "local-kb", "local-kb")
    local.add("dataset", "imagenet-2012-val", meta={"tags": ["dataset"]})
    lab = make_upstream(tmp_path, "lab", ["model:resnet50"])
    bench = make_upstream(tmp_path, "bench", ["program:classify"])
    config_path = write_config(tmp_path / "site", [
        "local-kb",
        {"url": lab.url, "branch": "main", "web_url": "https://github.com/example/lab"},
        {"url": bench.url, "name": "bench", "web_url": "https://github.com/example/bench"},
    ], history=True)  # fmt: skip
    result = run_cli(["-c", str(config_path), "sync"])
    assert result.exit_code == 0, result.output
    assert "lab: " in result.output and "bench: " in result.output
    lock = load_config(config_path)
    commit = sync(lock).lock.repos["lab"].commit  # re-sync: same pins, no network needed
    site = build_site(config_path, site_dir=tmp_path / "out")
    for page in ("dataset/imagenet-2012-val", "model/resnet50", "program/classify"):
        assert (site / page / "index.html").is_file(), page
    soup = BeautifulSoup((site / "model" / "resnet50" / "index.html").read_text(), "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True)]
    expected = f"https://github.com/example/lab/blob/{commit}/model/resnet50/.cm/meta.json"
    assert expected in links, links


def test_kb_list_sees_synced_repositories_after_a_sync(tmp_path: Path, run_cli) -> None:
    lab = make_upstream(tmp_path, "lab", ["model:resnet50"])
    config_path = write_config(tmp_path, [{"url": lab.url}])
    before = run_cli(["-c", str(config_path), "list"])
    assert before.exit_code == 1 and "run 'kb sync' first" in before.output
    assert run_cli(["-c", str(config_path), "sync"]).exit_code == 0
    after = run_cli(["-c", str(config_path), "list", "--json"])
    assert after.exit_code == 0 and '"data_uoa": "resnet50"' in after.output
