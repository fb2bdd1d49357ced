"""kb search answers after a quick check per module; what that check cannot see, a background scan finds."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.index.cache import STATE, IndexState
from generator.index.kb_index import KbIndex
from generator.ops import search as ops
from tests.test_index import _fixture_kb


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    repo = _fixture_kb(tmp_path)
    ops.reindex(Workspace.open([repo.path]))
    return repo


def _hits(repo: Repo, text: str, *, fresh: bool = False) -> list[str]:
    return [h.cid for h in ops.search(Workspace.open([repo.path]), text, fresh=fresh).hits]


def _edit_meta_in_place(repo: Repo, alias: str, tag: str) -> None:
    """What an editor or ``ck update`` does: rewrite meta.json in place (no folder's mtime moves)."""
    meta = repo.path / "model" / alias / ".cm" / "meta.json"
    data = json.loads(meta.read_text())
    data["tags"].append(tag)
    with open(meta, "r+", encoding="utf-8") as handle:
        handle.write(json.dumps(data))
        handle.truncate()


def _age_last_full_scan(repo: Repo) -> Path:
    """Pretend the last full scan is old, so the next quick-checked query starts a background one."""
    folder = KbIndex.for_repos([repo]).folder
    state = IndexState.load(folder)
    assert state is not None
    (folder / STATE).write_text(json.dumps({**state.__dict__, "verified_at": 0.0}))
    return folder


def _wait_for(check: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_kb_update_is_seen_by_the_next_query_at_once(kb: Repo) -> None:
    ref = kb.find("model", "resnet50")
    assert ref is not None
    kb.update(ref, {"tags": ["model", "freshlytagged"]})
    assert _hits(kb, "tag:freshlytagged") == ["kb1:model:resnet50"]


def test_entry_added_by_another_tool_is_seen_at_once(kb: Repo) -> None:
    folder = kb.path / "dataset" / "coco"
    (folder / ".cm").mkdir(parents=True)
    (folder / ".cm" / "meta.json").write_text(json.dumps({"tags": ["dataset", "cocotag"]}))
    (folder / ".cm" / "info.json").write_text(json.dumps({"backup_data_uid": "0123456789abcdef"}))
    (kb.path / "dataset" / ".cm" / "alias-a-coco").write_text("0123456789abcdef\n")
    (kb.path / "dataset" / ".cm" / "alias-u-0123456789abcdef").write_text("coco\n")
    assert _hits(kb, "tag:cocotag") == ["kb1:dataset:coco"]


def test_in_place_edit_is_found_by_the_background_check_after_answering(kb: Repo) -> None:
    folder = _age_last_full_scan(kb)
    _edit_meta_in_place(kb, "mobilenet-v1", "inplacetag")
    assert _hits(kb, "tag:inplacetag") == []  # answered from the index at once
    assert _wait_for(lambda: (IndexState.load(folder) or IndexState(0, [], "", 0)).verified_at > 0)
    assert _hits(kb, "tag:inplacetag") == ["kb1:model:mobilenet-v1"]


def test_fresh_checks_every_entry_before_answering(kb: Repo, run_cli: Callable) -> None:
    _edit_meta_in_place(kb, "resnet50-tuned", "freshflag")
    assert _hits(kb, "tag:freshflag") == []
    result = run_cli(["-R", str(kb.path), "search", "--fresh", "tag:freshflag", "--json"])
    assert result.exit_code == 0, result.output
    assert [h["cid"] for h in json.loads(result.output)["hits"]] == ["kb1:model:resnet50-tuned"]


def test_a_git_commit_is_seen_at_once(kb: Repo) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(kb.path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "start")
    ops.reindex(Workspace.open([kb.path]))
    _edit_meta_in_place(kb, "mobilenet-v1", "committedtag")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "tag mobilenet")
    assert _hits(kb, "tag:committedtag") == ["kb1:model:mobilenet-v1"]


def test_git_add_or_status_alone_does_not_force_a_full_check(kb: Repo, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    project = kb.path.parent  # the KB inside a larger project checkout
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))  # never inside a checkout

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "kb1")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "start")
    ops.reindex(Workspace.open([kb.path]))
    (project / "notes.txt").write_text("not an entry\n")
    git("add", "notes.txt")
    git("status", "--porcelain")

    def full_check(self: KbIndex) -> None:
        raise AssertionError("a full check ran")

    monkeypatch.setattr(KbIndex, "refresh", full_check)
    index = KbIndex.for_repos([kb])
    index.open_current()  # the quick signature still matches: no full check
    index.close()


def test_git_head_is_read_from_loose_and_packed_refs(tmp_path: Path) -> None:
    from generator.index.freshness import git_head

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                              text=True).stdout.strip()  # fmt: skip

    git("init", "-q", "-b", "main")
    assert git_head(tmp_path) == "refs/heads/main unborn"
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "one")
    loose = git_head(tmp_path)
    assert loose == f"refs/heads/main {git('rev-parse', 'HEAD')}"
    git("pack-refs", "--all")
    assert git_head(tmp_path / "sub" / "dir") == loose  # from a folder below, through packed-refs
    git("checkout", "-q", "--detach")
    assert git_head(tmp_path) == git("rev-parse", "HEAD")
