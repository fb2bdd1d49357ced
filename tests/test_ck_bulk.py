"""Bulk loads (Corpus.load) give the same entries, order and problems in one process or split
between a reading child and a parsing parent, whatever the files hold or the child does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.ck import bulk
from generator.ck.corpus import Corpus
from generator.ck.ids import Cid
from generator.ck.resolve import Workspace
from generator.ck.store import Repo


def _cm(repo: Repo, module: str, name: str) -> Path:
    return repo.path / module / name / ".cm"


@pytest.fixture
def odd_repo(tmp_path: Path) -> Repo:
    """A repository with every kind of entry file the loader has to tell apart."""
    repo = Repo.init(tmp_path / "odd", "odd")
    for i in range(12):
        repo.add("model", f"m{i:02}", meta={"tags": ["model", f"n{i}"], "i": i}, desc={"d": i})
    repo.add("model", "", uid="0123456789abcdef", meta={"tags": ["uid-only"]})
    (_cm(repo, "model", "m01") / "meta.json").write_bytes(b'{"a": 1,}')  # bad JSON
    (_cm(repo, "model", "m02") / "meta.json").write_bytes(b'{"a": 1, "a": 2}')  # duplicate key
    (_cm(repo, "model", "m03") / "meta.json").rename(_cm(repo, "model", "m03") / "data.json")  # legacy
    (_cm(repo, "model", "m04") / "info.json").unlink()
    (_cm(repo, "model", "m05") / "desc.json").unlink()
    (_cm(repo, "model", "m06") / "info.json").write_bytes(b"[1, 2]")  # not an object
    outside = tmp_path / "outside.json"
    outside.write_text('{"secret": 1}')
    (_cm(repo, "model", "m07") / "desc.json").unlink()
    (_cm(repo, "model", "m07") / "desc.json").symlink_to(outside)  # refused
    (_cm(repo, "model", "m08") / "meta.json").write_bytes(b"\xef\xbb\xbf{}")  # BOM
    (repo.path / "model" / "not-an-entry").mkdir()  # no .cm
    (repo.path / "model" / "linked-cm").mkdir()
    (repo.path / "model" / "linked-cm" / ".cm").symlink_to(_cm(repo, "model", "m09"))
    repo.add("program", "p", meta={"tags": ["program"]})
    return repo


def _snapshot(corpus: Corpus) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    entries = [(e.ref, e.meta, e.info, e.desc, e.warnings) for e in corpus.entries]
    problems = [(p.code, p.path, p.message, p.line, p.column) for p in corpus.problems]
    return entries, problems


@pytest.mark.parametrize("cid", ["", "model:*", "odd:model:m1*", "*:*:0123*"])
def test_split_load_equals_the_single_process_load(odd_repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                   cid: str) -> None:  # fmt: skip
    workspace = Workspace([odd_repo])
    single = Corpus.load(workspace, cid=Cid.parse(cid), processes=1)
    monkeypatch.setattr(bulk, "SPLIT_MIN", 1)
    split = Corpus.load(workspace, cid=Cid.parse(cid), processes=2)
    assert _snapshot(split) == _snapshot(single)
    if not cid:
        assert len(single.entries) == 10  # 14 entries, four with unreadable files
        assert {p.code for p in single.problems} == {"parse", "duplicate-key"}


def test_a_child_that_dies_midway_costs_nothing_but_time(odd_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Workspace([odd_repo])
    single = Corpus.load(workspace, processes=1)
    real = bulk.read_cm_bytes
    calls = []

    def dying(entry_dir: Path | str) -> object:
        calls.append(entry_dir)
        if len(calls) > 5:
            os._exit(9)  # only ever runs in the forked child
        return real(entry_dir)

    monkeypatch.setattr(bulk, "SPLIT_MIN", 1)
    monkeypatch.setattr(bulk, "_BATCH", 2)
    monkeypatch.setattr(bulk, "read_cm_bytes", dying)
    assert _snapshot(Corpus.load(workspace, processes=2)) == _snapshot(single)
    assert calls == []  # the parent never read through the child's function


def test_two_processes_only_when_forking_is_safe_and_a_core_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk.sys, "platform", "linux")
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    monkeypatch.setattr(bulk.os, "getloadavg", lambda: (1.2, 1.0, 1.0))
    assert bulk.default_processes() == 2
    monkeypatch.setattr(bulk.os, "getloadavg", lambda: (1.6, 1.0, 1.0))  # the other core is taken
    assert bulk.default_processes() == 1
    monkeypatch.setattr(bulk.os, "getloadavg", lambda: (0.2, 1.0, 1.0))
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 2)  # e.g. a live-reload server
    assert bulk.default_processes() == 1
