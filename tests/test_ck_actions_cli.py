"""The CK entry actions through the kb CLI: update, ren, cp, mv, list filters, repo where/add."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.ck.search import SearchQuery, compare_dicts, find_string, parse_where
from generator.ck.store import Repo
from generator.errors import UsageError

Run = Callable[..., Any]


def _kb(run_cli: Run, repos: list[Repo], *args: str, input: str | None = None) -> Any:
    return run_cli([a for r in repos for a in ("-R", str(r.path))] + list(args), input=input)


@pytest.fixture
def two(tmp_path: Path) -> list[Repo]:
    one, two = Repo.init(tmp_path / "one", "one"), Repo.init(tmp_path / "two", "two")
    one.add("model", "resnet", meta={"tags": ["model", "onnx"], "framework": "onnx", "acc": {"top1": 0.76}})
    one.add("model", "gnmt", meta={"tags": ["model", "tf"], "framework": "tensorflow"})
    return [one, two]


def test_update_merges_sub_dicts_and_appends_tags(two: list[Repo], run_cli: Run) -> None:
    result = _kb(run_cli, two, "update", "model:resnet", "--set", "acc.top5=0.93", "--tags", "validated")
    assert result.exit_code == 0, result.output
    meta = json.loads(_kb(run_cli, two, "load", "model:resnet").stdout)
    assert meta["acc"] == {"top1": 0.76, "top5": 0.93}
    assert meta["tags"] == ["model", "onnx", "validated"]
    updates = json.loads((two[0].path / "model" / "resnet" / ".cm" / "updates.json").read_text())
    assert len(updates["control"]) == 1 and updates["control"][0]["engine"] == "CK"


def test_update_with_substitute_replaces_the_meta(two: list[Repo], run_cli: Run) -> None:
    assert _kb(run_cli, two, "update", "model:gnmt", "--set", "x=1", "--substitute").exit_code == 0
    assert json.loads(_kb(run_cli, two, "load", "model:gnmt").stdout) == {"x": 1}


def test_ren_keeps_the_uid(two: list[Repo], run_cli: Run) -> None:
    uid = two[0].find("model", "resnet").uid
    result = _kb(run_cli, two, "ren", "model:resnet", ":resnet50")
    assert result.stdout == f"Renamed model:resnet to one:model:resnet50 (UID {uid})\n"
    assert two[0].find("model", uid).alias == "resnet50"
    assert not (two[0].path / "model" / ".cm" / "alias-a-resnet").exists()


def test_mv_to_another_repository_keeps_uid_and_cp_makes_a_new_one(two: list[Repo], run_cli: Run) -> None:
    uid = two[0].find("model", "gnmt").uid
    assert _kb(run_cli, two, "mv", "one:model:gnmt", "two::").exit_code == 0
    assert two[0].find("model", "gnmt") is None and two[1].find("model", uid).alias == "gnmt"
    copied = json.loads(_kb(run_cli, two, "cp", "two:model:gnmt", "::gnmt-copy", "--json").stdout)
    assert copied["data_uoa"] == "gnmt-copy" and copied["data_uid"] != uid


def test_list_filters_are_ck_search(two: list[Repo], run_cli: Run) -> None:
    def listed(*args: str) -> list[str]:
        return _kb(run_cli, two, "list", *args).stdout.split()

    assert listed("model:*", "--tags", "model,onnx") == ["one:model:resnet"]
    assert listed("--where", "acc.top1=0.76") == ["one:model:resnet"]
    assert listed("--where", "tags=[\"tf\"]") == ["one:model:gnmt"]
    assert listed("--search-string", "tensor*") == ["one:model:gnmt"]
    assert listed("--search-string", "ONNX", "-i") == ["one:model:resnet"]
    result = _kb(run_cli, two, "list", "--search-dict", "-", input='{"framework": "onnx"}')
    assert result.stdout.split() == ["one:model:resnet"]


def test_repo_where_and_add(two: list[Repo], run_cli: Run, tmp_path: Path) -> None:
    assert _kb(run_cli, two, "repo", "where", "two").stdout.strip() == str(two[1].path)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins:\n  - kb:\n      repos:\n        - one  # first\n")
    result = run_cli(["-c", str(config), "repo", "add", str(tmp_path / "two")])
    assert result.exit_code == 0, result.output
    assert config.read_text().endswith("      repos:\n        - one  # first\n        - two\n")
    again = run_cli(["-c", str(config), "repo", "add", str(tmp_path / "two")])
    assert again.exit_code == 2 and "already listed" in again.stderr


def test_search_semantics_match_ck() -> None:
    meta = {"tags": ["a", "b", "c"], "d": {"e": 1, "f": [1, 2]}, "s": "Hello"}
    assert compare_dicts(meta, {"tags": ["c", "a"], "d": {"f": [2]}})
    assert not compare_dicts(meta, {"tags": ["a", "z"]})
    assert not compare_dicts(meta, {"d": {"e": 2}})
    assert compare_dicts(meta, {"s": "hello"}, ignore_case=True) and not compare_dicts(meta, {"s": "hello"})
    assert find_string(meta, "He*") and find_string(meta, "2") and not find_string(meta, "He")
    assert SearchQuery(tags=("a",), where={"d": {"e": 1}}).search_dict() == {"d": {"e": 1}, "tags": ["a"]}
    assert parse_where(["a.b=1", "a.c=x", "n=[1]"]) == {"a": {"b": 1, "c": "x"}, "n": [1]}
    with pytest.raises(UsageError):
        parse_where(["novalue"])
