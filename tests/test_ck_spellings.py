"""A CK user's habits work: CK's option spellings, @file.json input, 'kb list repo', CK_REPOS and
CK's command names (the transcripts of docs/ck-users.md run them against the real ck as well)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.ck.store import Repo

Run = Callable[..., Result]


@pytest.fixture
def kb(repo: Repo) -> Repo:
    """The 'testrepo' repository with two models."""
    repo.add("model", "resnet50", meta={"tags": ["model", "vision"], "framework": "onnx"}, name="ResNet-50")
    repo.add("model", "mobilenet", meta={"tags": ["model", "mobile"], "framework": "tflite"})
    return repo


def _kb(run_cli: Run, kb: Repo, *args: str, stdin: str | None = None) -> Result:
    return run_cli(["-R", str(kb.path), *args], input=stdin)


@pytest.mark.parametrize("args", [["load", "model:resnet50"], ["list", "model:*"], ["find", "model:mobilenet"]])
def test_out_json_is_the_same_as_json(run_cli: Run, kb: Repo, args: list[str]) -> None:
    assert _kb(run_cli, kb, *args, "--out=json").stdout == _kb(run_cli, kb, *args, "--json").stdout
    assert _kb(run_cli, kb, *args, "--out", "con").stdout == _kb(run_cli, kb, *args).stdout


def test_validate_takes_out_json_for_its_json_report(run_cli: Run, kb: Repo) -> None:
    assert json.loads(_kb(run_cli, kb, "validate", "--out=json").stdout)["format"] == "reef-kb-validate"


def test_at_file_is_cks_input_dict_tags_and_data_name(run_cli: Run, kb: Repo, tmp_path: Path) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"dict": {"framework": "tflite"}, "tags": "model,mobile", "data_name": "Mine"}))
    assert _kb(run_cli, kb, "add", "model:mine", f"@{source}", "--set", "task=x").exit_code == 0
    loaded = json.loads(_kb(run_cli, kb, "load", "model:mine", "--json").stdout)
    assert loaded["dict"] == {"framework": "tflite", "task": "x", "tags": ["model", "mobile"]}
    assert loaded["data_name"] == "Mine"


def test_at_file_on_update_can_substitute_like_ck(run_cli: Run, kb: Repo, tmp_path: Path) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"dict": {"tags": ["model"]}, "substitute": "yes"}))
    assert _kb(run_cli, kb, "update", "model:resnet50", f"@{source}").exit_code == 0
    assert json.loads(_kb(run_cli, kb, "load", "model:resnet50").stdout) == {"tags": ["model"]}


def test_at_file_with_keys_kb_does_not_read_is_refused_by_name(run_cli: Run, kb: Repo, tmp_path: Path) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"framework": "onnx"}))  # meta keys at the top: CK would ignore them
    done = _kb(run_cli, kb, "add", "model:x", f"@{source}")
    assert done.exit_code == 2 and "does not read 'framework'" in done.stderr and "under 'dict'" in done.stderr
    assert not (kb.path / "model" / "x").exists()


def test_an_extra_argument_that_is_not_an_at_file_is_a_usage_error(run_cli: Run, kb: Repo) -> None:
    done = _kb(run_cli, kb, "update", "model:resnet50", "stray")
    assert done.exit_code == 2 and "unexpected argument 'stray'" in done.stderr


def test_data_name_is_cks_spelling_of_name(run_cli: Run, kb: Repo) -> None:
    assert _kb(run_cli, kb, "update", "model:mobilenet", "--data_name", "MobileNet v1").exit_code == 0
    assert json.loads(_kb(run_cli, kb, "load", "model:mobilenet", "--json").stdout)["data_name"] == "MobileNet v1"


def test_search_string_with_an_underscore_filters_list(run_cli: Run, kb: Repo) -> None:
    assert _kb(run_cli, kb, "list", "model", "--search_string", "tflite").stdout.split() == ["testrepo:model:mobilenet"]


def test_search_with_cks_tags_and_a_module_word(run_cli: Run, kb: Repo, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    done = _kb(run_cli, kb, "search", "model", "--tags=mobile", "--json")
    assert [hit["cid"] for hit in json.loads(done.stdout)["hits"]] == ["testrepo:model:mobilenet"]


def test_list_repo_lists_the_repositories_like_ck(run_cli: Run, kb: Repo) -> None:
    assert _kb(run_cli, kb, "list", "repo").stdout == "testrepo\n"
    rows = json.loads(_kb(run_cli, kb, "list", "repo", "--json").stdout)["entries"]
    assert [(r["module_uoa"], r["data_uoa"], r["path"]) for r in rows] == [("repo", "testrepo", str(kb.path))]


def test_list_repo_lists_entries_when_a_module_really_is_called_repo(run_cli: Run, kb: Repo) -> None:
    kb.add("repo", "mirror", meta={"tags": ["repo"]})
    assert _kb(run_cli, kb, "list", "repo").stdout == "testrepo:repo:mirror\n"


def _registered(ck_repos: Path, *folders: Path) -> None:
    """What 'ck add repo' / 'ck import repo' leave in CK's registry."""
    cache = {f"{i:016x}": {"data_uoa": f.name, "dict": {"path": str(f)}} for i, f in enumerate(folders)}
    cache["ffffffffffffffff"] = {"data_uoa": "remote-ck", "dict": {"remote": "yes", "url": "http://x"}}
    (ck_repos / "local").mkdir(parents=True)
    (ck_repos / "local" / ".ck.cache_repo_info.json").write_text(json.dumps(cache))


def test_ck_repos_adds_the_repositories_ck_registered(run_cli: Run, kb: Repo, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    other = Repo.init(tmp_path / "elsewhere" / "imported", "imported")
    other.add("model", "bert", meta={"tags": ["model"]})
    _registered(tmp_path / "CK", other.path)
    monkeypatch.setenv("CK_REPOS", str(tmp_path / "CK"))
    monkeypatch.chdir(kb.path)  # inside one repository: that one, plus CK's
    assert sorted(run_cli(["list", "model"]).stdout.split()) == ["imported:model:bert", "testrepo:model:mobilenet",
                                                                 "testrepo:model:resnet50"]  # fmt: skip
    assert run_cli(["-R", str(kb.path), "list", "repo"]).stdout == "testrepo\n"  # -R: exactly the folders given
    plain = subprocess.run([sys.executable, "-m", "generator", "list"], capture_output=True, text=True,
                           env={**os.environ}, check=True)  # the console script's quick path for a plain `kb list`
    assert "imported:model:bert" in plain.stdout.split()


def test_ck_repos_without_a_registry_uses_its_repository_folders(run_cli: Run, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    Repo.init(tmp_path / "CK" / "first", "first").add("model", "a", meta={})
    (tmp_path / "CK" / "not-a-repo").mkdir()
    monkeypatch.setenv("CK_REPOS", str(tmp_path / "CK"))
    monkeypatch.chdir(tmp_path)
    assert run_cli(["list", "repo"]).stdout == "first\n"


@pytest.mark.parametrize(("ck", "kb_name"), [("rename", "ren"), ("delete", "rm"), ("copy", "cp"), ("move", "mv")])
def test_cks_command_names_run_the_kb_command(run_cli: Run, kb: Repo, ck: str, kb_name: str) -> None:
    help_text = _kb(run_cli, kb, ck, "--help").stdout
    assert help_text.startswith("Usage: ") and f" {kb_name} [OPTIONS]" in help_text.splitlines()[0]


@pytest.mark.parametrize(("ck", "pointer"), [("pull", "kb sync"), ("where", "kb find"), ("version", "kb --version")])
def test_ck_only_command_names_point_to_the_kb_equivalent(run_cli: Run, ck: str, pointer: str) -> None:
    done = run_cli([ck])
    assert done.exit_code == 2 and pointer in done.stderr
