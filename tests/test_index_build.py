"""The search index: built by several processes like by one, and every string of the meta searchable."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.index import kb_index
from generator.index.kb_index import KbIndex
from generator.index.model import SearchRequest
from generator.ops import search as ops


def _repo(tmp_path: Path, count: int = 40) -> Repo:
    repo = Repo.init(tmp_path / "kb", "kb")
    for i in range(count):
        repo.add("soft", f"compiler-{i}", name=f"GCC compiler {i}",
                 meta={"tags": ["compiler", "lang-cpp", f"v{i}"], "customize": {"env_prefix": f"CK_GCC_{i}"}})
    repo.add("program", "uses-gcc", name="A benchmark", meta={
        "tags": ["program"], "deps": {"compiler": {"name": "any tuned-gcc compiler", "tags": "compiler,lang-cpp"}}})
    repo.add("program", "tuned-gcc", name="tuned-gcc demo", meta={"tags": ["program", "tuned-gcc"]})
    return repo


def _hits(index: KbIndex, text: str) -> list[str]:
    return [h.key for h in index.search(SearchRequest(text=text, limit=None)).hits]


def test_a_build_shared_between_processes_answers_like_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    repo = _repo(tmp_path)
    single = KbIndex([repo], tmp_path / "one")
    single.refresh()
    monkeypatch.setattr(kb_index, "PARALLEL_FROM", 1)
    monkeypatch.setattr(kb_index, "BUILD_PARTS", 2)
    monkeypatch.setattr(kb_index.os, "cpu_count", lambda: 2)
    shared = KbIndex([repo], tmp_path / "two")
    stats = shared.refresh()
    assert stats.rebuilt and stats.added == 42
    assert shared.engine.doc_count == 42
    for query in ("compiler", "gcc", "tag:lang-cpp", "ck_gcc_7", "tuned"):
        assert sorted(_hits(shared, query)) == sorted(_hits(single, query)), query
    assert (tmp_path / "two" / "manifest.json").read_text() == (tmp_path / "one" / "manifest.json").read_text()
    repo.add("soft", "clang", name="Clang", meta={"tags": ["compiler", "lang-cpp"]})
    assert shared.refresh().added == 1
    assert "kb:soft:clang" in _hits(shared, "clang")


def test_dependency_names_and_tags_are_found_but_rank_below_an_entrys_own_title_and_tags(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    workspace = Workspace.open([_repo(tmp_path, 3).path])
    hits = [h.cid for h in ops.search(workspace, "tuned-gcc", limit=None).hits]
    assert hits[0] == "kb:program:tuned-gcc"  # its own title and tag
    assert "kb:program:uses-gcc" in hits  # only a dependency's name says it
    cpp = [h.cid for h in ops.search(workspace, "lang", limit=None).hits]
    assert "kb:program:uses-gcc" in cpp  # a dependency's tags are words of the text
    assert cpp.index("kb:program:uses-gcc") > cpp.index("kb:soft:compiler-0")
