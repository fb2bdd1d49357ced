"""kb sync: remote CK repositories at pinned revisions, repo_deps, the lock, and failures that change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import GeneratorError
from generator.ops.sync import resolved_repos, sync
from tests.sync_support import make_upstream, write_config


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))


def _lock(root: Path) -> dict:
    return json.loads((root / "kb.lock").read_text())


def _snapshot(root: Path) -> tuple[str, list[str]]:
    """The lock text and every checked-out file of the cache (what a failure must not change)."""
    lock = (root / "kb.lock").read_text() if (root / "kb.lock").exists() else ""
    cache = root / "cache" / "repos"
    if not cache.exists():
        return lock, []
    files = sorted(str(p.relative_to(cache)) for p in cache.rglob("*") if ".git" not in p.parts)
    return lock, files


def test_first_sync_clones_checks_out_and_pins_the_commit(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50", "dataset:imagenet"])
    config = load_config(write_config(tmp_path, [{"url": up.url, "branch": "main"}]))
    outcome = sync(config)
    pin = _lock(tmp_path)["repositories"][0]
    assert (pin["name"], pin["commit"], pin["requested"]) == ("lab", up.work.head.commit.hexsha, "main")
    assert outcome.fetched == ["lab"]
    assert outcome.changes["lab"].added == ["dataset/imagenet", "model/resnet50"]
    [repo] = resolved_repos(config)
    assert (repo.path / "model" / "resnet50" / ".cm" / "meta.json").is_file()


def test_resync_with_a_satisfied_lock_needs_no_network(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    config = load_config(write_config(tmp_path, [{"url": up.url}]))
    sync(config)
    before = _snapshot(tmp_path)
    shutil.move(up.bare, tmp_path / "moved-away.git")  # the remote is now unreachable
    outcome = sync(config)
    assert outcome.fetched == [] and outcome.changes == {}
    assert _snapshot(tmp_path) == before


def test_update_moves_the_pin_and_reports_entry_changes(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50", "model:old"])
    config = load_config(write_config(tmp_path, [{"url": up.url, "branch": "main"}]))
    first = sync(config).lock.repos["lab"].commit
    ck = up.ck
    ck.add("model", "mobilenet", meta={"tags": ["model"]})
    ck.remove(ck.find("model", "old"))
    meta = Path(up.work.working_dir) / "model" / "resnet50" / ".cm" / "meta.json"
    meta.write_text('{\n  "tags": ["model", "changed"]\n}\n')
    second_commit = up.commit("add mobilenet, drop old, edit resnet50")
    assert sync(config).lock.repos["lab"].commit == first  # without --update the pin holds
    outcome = sync(config, update=["lab"])
    changes = outcome.changes["lab"]
    assert (changes.added, changes.changed, changes.removed) == (["model/mobilenet"], ["model/resnet50"], ["model/old"])
    assert _lock(tmp_path)["repositories"][0]["commit"] == second_commit


def test_repo_deps_chain_of_three_is_followed_and_locked(tmp_path: Path) -> None:
    c = make_upstream(tmp_path, "ck-c", ["soft:gcc"])
    b = make_upstream(tmp_path, "ck-b", ["package:lib"], deps=["ck-c"])
    a = make_upstream(tmp_path, "ck-a", ["program:bench"], deps=["ck-b"])
    config = load_config(write_config(tmp_path, [{"url": a.url}], repo_map={"ck-b": b.url, "ck-c": c.url}))
    outcome = sync(config)
    pins = {p["name"]: p for p in _lock(tmp_path)["repositories"]}
    assert set(pins) == {"ck-a", "ck-b", "ck-c"}
    assert (pins["ck-b"]["required_by"], pins["ck-c"]["required_by"]) == ("ck-a", "ck-b")
    assert pins["ck-a"]["repo_deps"] == ["ck-b"] and outcome.warnings == []
    assert [r.name for r in resolved_repos(config)] == ["ck-a", "ck-b", "ck-c"]


def test_a_repo_deps_cycle_is_reported_and_each_repository_synced_once(tmp_path: Path) -> None:
    a = make_upstream(tmp_path, "ck-a", ["program:x"], deps=["ck-b"])
    b = make_upstream(tmp_path, "ck-b", ["program:y"], deps=["ck-a"])
    config = load_config(write_config(tmp_path, [{"url": a.url, "name": "ck-a"}],
                                      repo_map={"ck-a": a.url, "ck-b": b.url}))  # fmt: skip
    outcome = sync(config)
    assert outcome.warnings == ["repo_deps cycle: ck-a → ck-b → ck-a (each repository is synced once)"]
    assert sorted(outcome.lock.repos) == ["ck-a", "ck-b"]


def test_a_pinned_tag_stays_at_the_tagged_commit(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    tagged = up.work.head.commit.hexsha
    up.work.create_tag("v1")
    up.work.git.push("origin", "--tags")
    up.ck.add("model", "later", meta={"tags": []})
    up.commit("after the tag")
    config = load_config(write_config(tmp_path, [{"url": up.url, "tag": "v1"}]))
    sync(config, update=True)
    assert _lock(tmp_path)["repositories"][0]["commit"] == up.work.commit("v1").hexsha == tagged
    [repo] = resolved_repos(config)
    assert not (repo.path / "model" / "later").exists()


@pytest.mark.parametrize("case", ["unreachable", "missing-revision", "no-ckr-json"])
def test_failures_name_the_repository_and_leave_cache_and_lock_alone(tmp_path: Path, case: str) -> None:
    good = make_upstream(tmp_path, "good", ["model:resnet50"])
    config_path = write_config(tmp_path, [{"url": good.url}])
    sync(load_config(config_path))
    before = _snapshot(tmp_path)
    bad: dict[str, str] = {"url": (tmp_path / "nowhere.git").as_uri(), "name": "bad"}
    if case == "missing-revision":
        bad = {"url": good.url, "name": "bad", "branch": "no-such-branch"}
    if case == "no-ckr-json":
        plain = make_upstream(tmp_path, "plain", ["model:x"])
        (Path(plain.work.working_dir) / ".ckr.json").unlink()
        plain.commit("not a CK repository any more")
        bad = {"url": plain.url, "name": "bad"}
    config = load_config(write_config(tmp_path, [{"url": good.url}, bad]))
    outcome = sync(config, update=True)  # the good one is synced all the same (tests/test_sync_trust.py)
    assert [e.split(" (")[0] for e in outcome.errors] == ["repository bad"]
    assert _snapshot(tmp_path) == before
    assert not list((tmp_path / "cache" / "repos").glob(".tmp-*"))


def test_a_force_pushed_branch_is_a_clear_error_on_a_fresh_cache(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    config = load_config(write_config(tmp_path, [{"url": up.url, "branch": "main"}]))
    sync(config)
    lock_before = (tmp_path / "kb.lock").read_text()
    up.work.git.reset("--hard", "HEAD")
    up.work.git.commit("--amend", "-m", "rewritten history")
    up.work.git.push("origin", "HEAD:main", "--force")
    up.work.git.reflog("expire", "--expire=now", "--all")
    git_bare = __import__("git").Repo(up.bare)
    git_bare.git.reflog("expire", "--expire=now", "--all")
    git_bare.git.gc("--prune=now")
    shutil.rmtree(tmp_path / "cache")  # a new machine: only the lock is there
    [error] = sync(config).errors
    assert "no longer upstream" in error and "kb sync --update lab" in error
    assert (tmp_path / "kb.lock").read_text() == lock_before


def test_builds_need_a_sync_first(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    config = load_config(write_config(tmp_path, [{"url": up.url}]))
    with pytest.raises(GeneratorError, match="not in the lock"):
        resolved_repos(config)
