"""CK meta inheritance (``_base_entry``): readers get the merged meta, files keep their own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.ck.corpus import Corpus
from generator.ck.ids import Cid
from generator.ck.inherit import InheritanceError, merge_dicts
from generator.ck.references import build_reference_graph
from generator.ck.resolve import Workspace
from generator.ck.store import Repo

Run = Callable[..., Any]

BASE = {"tags": ["program", "base"], "run_cmds": {"default": {"cmd": "a", "env": {"X": "1"}}},
        "source_files": ["a.c", "b.c"], "lang": "c"}  # fmt: skip
CHILD = {"_base_entry": "base", "tags": ["program", "child"],
         "run_cmds": {"default": {"env": {"Y": "2"}}}, "source_files": ["c.c"]}  # fmt: skip
MERGED = {"tags": ["program", "child"], "run_cmds": {"default": {"cmd": "a", "env": {"X": "1", "Y": "2"}}},
          "source_files": ["c.c"], "lang": "c"}  # fmt: skip


def _meta_file(repo: Repo, module: str, alias: str) -> dict[str, Any]:
    return json.loads((repo.path / module / alias / ".cm" / "meta.json").read_text())


@pytest.fixture
def family(repo: Repo) -> Repo:
    repo.add("program", "base", meta=BASE)
    repo.add("program", "child", meta=CHILD)
    return repo


def test_merge_dicts_merges_sub_dicts_and_replaces_lists_and_scalars_like_ck() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": [1], "c": 1}
    assert merge_dicts(base, {"a": {"y": [3]}, "b": [2], "c": {"z": 1}}) == {
        "a": {"x": 1, "y": [3]}, "b": [2], "c": {"z": 1}}  # fmt: skip


def test_corpus_entries_carry_the_merged_meta_and_the_files_own_as_meta_orig(family: Repo) -> None:
    corpus = Corpus.load(Workspace([family]))
    (child,) = corpus.lookup("program", "child")
    assert child.meta == MERGED and "_base_entry" not in child.meta
    assert child.meta_orig == CHILD
    assert child.tags == ["program", "child"]
    (base,) = corpus.lookup("program", "base")
    assert base.meta == BASE and base.meta_orig is None
    assert corpus.problems == []


def test_kb_load_json_shows_dict_and_dict_orig_like_ck(family: Repo, run_cli: Run) -> None:
    result = run_cli(["-R", str(family.path), "load", "program:child", "--json"])
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.stdout)
    assert loaded["dict"] == MERGED and loaded["dict_orig"] == CHILD


def test_kb_update_writes_back_only_the_entrys_own_keys(family: Repo, run_cli: Run) -> None:
    result = run_cli(["-R", str(family.path), "update", "program:child", "--set", "extra=1"])
    assert result.exit_code == 0, result.output
    assert _meta_file(family, "program", "child") == {**CHILD, "extra": 1}
    assert Workspace([family]).load(Cid.parse("program:child")).meta == {**MERGED, "extra": 1}


def test_a_base_in_another_module_and_repository_is_found_in_search_order(tmp_path: Path) -> None:
    one, two = Repo.init(tmp_path / "one", "one"), Repo.init(tmp_path / "two", "two")
    two.add("soft", "common", meta={"env": {"A": "1"}, "tags": ["soft"]})
    one.add("program", "p", meta={"_base_entry": "soft:common", "env": {"B": "2"}})
    loaded = Workspace([one, two]).load(Cid.parse("program:p"))
    assert loaded.meta == {"env": {"A": "1", "B": "2"}, "tags": ["soft"]}


def test_chains_merge_from_the_deepest_base_up(family: Repo) -> None:
    family.add("program", "grandchild", meta={"_base_entry": "program:child", "lang": "cxx"})
    loaded = Workspace([family]).load(Cid.parse("program:grandchild"))
    assert loaded.meta == {**MERGED, "lang": "cxx"}


def test_a_cid_limited_corpus_still_finds_a_base_it_did_not_load(family: Repo) -> None:
    corpus = Corpus.load(Workspace([family]), cid=Cid.parse("program:child"))
    assert [e.meta for e in corpus.entries] == [MERGED]


def test_a_missing_base_is_an_error_diagnostic_not_a_traceback(repo: Repo, run_cli: Run) -> None:
    repo.add("program", "orphan", meta={"_base_entry": "gone", "tags": ["x"]})
    corpus = Corpus.load(Workspace([repo]))
    (problem,) = corpus.problems
    assert problem.code == "base-entry" and "names no entry" in problem.message
    assert problem.path.endswith("orphan/.cm/meta.json")
    assert corpus.entries[0].meta == {"_base_entry": "gone", "tags": ["x"]}  # its own meta, unmerged
    result = run_cli(["-R", str(repo.path), "load", "program:orphan"])
    assert result.exit_code != 0 and "names no entry" in result.output and "Traceback" not in result.output


def test_a_missing_base_is_an_error_only_under_the_reef_profile(tmp_path: Path) -> None:
    """In plain CK the base may live in a repository CK pulls when needed: a warning, or a note when
    the repository names repo_deps that are not loaded (ck load fails until they are installed)."""
    severities = []
    for name, profile, deps in (("reef", "reef", None), ("plain", "ck", None), ("deps", "ck", ["ck-env"])):
        repo = Repo.init(tmp_path / name, name, profile=profile, deps=deps)
        repo.add("program", "orphan", meta={"_base_entry": "gone"})
        (problem,) = Corpus.load(Workspace([repo])).problems
        severities.append(problem.severity.value)
    assert severities == ["error", "warning", "note"]


@pytest.mark.parametrize("profile", ["reef", "ck"])
def test_kb_validate_reports_a_missing_base_once(profile: str, tmp_path: Path, run_cli: Run) -> None:
    repo = Repo.init(tmp_path / "r", "r", profile=profile)
    repo.add("program", "orphan", meta={"_base_entry": "gone", "tags": ["x"]})
    repo.add("program", "far", meta={"_base_entry": "model:gone", "tags": ["x"]})
    report = json.loads(run_cli(["-R", str(repo.path), "validate", "--format", "json", "-v"]).stdout)
    about_bases = [(Path(d["path"]).parent.parent.name, d["code"]) for d in report["diagnostics"]
                   if "gone" in d["message"]]  # fmt: skip
    assert sorted(about_bases) == [("far", "base-entry"), ("orphan", "base-entry")]


def test_a_loop_of_bases_is_reported_with_its_members(repo: Repo) -> None:
    repo.add("program", "a", meta={"_base_entry": "b"})
    repo.add("program", "b", meta={"_base_entry": "a"})
    corpus = Corpus.load(Workspace([repo]))
    assert sorted(p.code for p in corpus.problems) == ["base-entry", "base-entry"]
    assert all("loop" in p.message for p in corpus.problems)
    with pytest.raises(InheritanceError, match=r"loop: .*program:a -> .*program:b -> .*program:a"):
        Workspace([repo]).load(Cid.parse("program:a"))


def test_chains_longer_than_ck_allows_are_refused(repo: Repo) -> None:
    # CK follows a base from recursion levels 0..10: eleven links load, a twelfth fails.
    for i in range(13):
        repo.add("program", f"e{i}", meta={"_base_entry": f"e{i + 1}"} if i < 12 else {"end": i})
    workspace = Workspace([repo])
    assert workspace.load(Cid.parse("program:e1")).meta == {"end": 12}
    with pytest.raises(InheritanceError, match="deeper than 10"):
        workspace.load(Cid.parse("program:e0"))


def test_the_base_entry_reference_resolves_in_the_entrys_own_module(family: Repo) -> None:
    graph = build_reference_graph(Corpus.load(Workspace([family])))
    (edge,) = [r for r in graph.resolved if r.reference.json_path == "$._base_entry"]
    assert [t.ref.alias for t in edge.targets] == ["base"]
    assert edge.reference.module == "program"
