"""CLI acceptance: every command's exit codes, --json on read commands, --help everywhere, clear errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from generator.ck.store import Repo
from generator.cli.main import cli

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with two models and a dataset, written through the CLI once per module."""
    run_cli = CliRunner().invoke
    path = tmp_path_factory.mktemp("template") / "testrepo"
    assert run_cli(cli, ["repo", "init", str(path)]).exit_code == 0
    for args in (["model:resnet50", "--tags", "model,vision", "--set", "input_resolution=224"],
                 ["model:gnmt", "--tags", "model,translation", "--name", "GNMT"],
                 ["dataset:imagenet", "--tags", "dataset,vision"]):  # fmt: skip
        assert run_cli(cli, ["-R", str(path), "add", *args]).exit_code == 0
    return path


@pytest.fixture
def filled(filled_template: Path, tmp_path: Path) -> Repo:
    """A private copy of the template repository (adds cost fsyncs; copies do not)."""
    return Repo.open(shutil.copytree(filled_template, tmp_path / "testrepo"))


def _kb(run_cli: Run, repo: Repo, *args: str, input: str | None = None) -> Result:
    return run_cli(["-R", str(repo.path), *args], input=input)


def _assert_clean_error(result: Result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert text in result.stderr
    assert result.stderr.startswith(("Error:", "Usage:"))
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- add


def test_add_prints_cid_uid_and_path(repo: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, repo, "add", "model:resnet50", "--uid", "0123456789abcdef")
    assert result.exit_code == 0
    path = repo.path / "model" / "resnet50"
    assert result.stdout == f"Added testrepo:model:resnet50 (UID 0123456789abcdef) at {path}\n"


def test_add_merges_meta_file_set_and_tags(repo: Repo, run_cli: Run, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text('{"tags": ["model"], "framework": "onnx"}')
    result = _kb(run_cli, repo, "add", "model:m", "--meta", str(meta), "--set", "input_resolution=224",
                 "--set", "precision=fp32", "--tags", "vision,model", "--json")  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(result.stdout)["dict"] == {"framework": "onnx", "input_resolution": 224, "precision": "fp32",
                                                 "tags": ["model", "vision"]}  # fmt: skip


def test_add_reads_meta_from_stdin(repo: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, repo, "add", "dataset:d", "--meta", "-", input='{"size": 5}')
    assert result.exit_code == 0
    assert json.loads(_kb(run_cli, repo, "load", "dataset:d").stdout) == {"size": 5}


def test_add_without_alias_makes_a_uid_only_entry(repo: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, repo, "add", "model:", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["data_alias"] == "" and Path(data["path"]).name == data["data_uid"]


def test_add_of_an_existing_alias_exits_1(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "add", "model:resnet50")
    _assert_clean_error(result, 1, "entry testrepo:model:resnet50 already exists")


def test_add_with_bad_meta_json_exits_1_naming_line_and_column(repo: Repo, run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"tags": [1,]}')
    result = _kb(run_cli, repo, "add", "model:m", "--meta", str(bad))
    _assert_clean_error(result, 1, f"{bad}:1:13: invalid JSON")
    assert not (repo.path / "model" / "m").exists()


def test_add_with_meta_that_is_not_an_object_exits_2(repo: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, repo, "add", "model:m", "--meta", "-", input="[1]"), 2,
                        "meta from - must be a JSON object")  # fmt: skip


def test_add_with_missing_meta_file_exits_2(repo: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, repo, "add", "model:m", "--meta", "nope.json"), 2,
                        "meta file nope.json does not exist")  # fmt: skip


def test_add_with_malformed_set_exits_2(repo: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, repo, "add", "model:m", "--set", "novalue"), 2,
                        "--set expects key=value, got 'novalue'")  # fmt: skip


def test_add_with_bad_uid_exits_2(repo: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, repo, "add", "model:m", "--uid", "XYZ"), 2, "invalid UID 'XYZ'")


@pytest.mark.parametrize("cid", ["model:../x", "model:a/b", "model:*", "model:a:b:c"])
def test_add_with_bad_cid_exits_2(repo: Repo, run_cli: Run, cid: str) -> None:
    result = _kb(run_cli, repo, "add", cid)
    _assert_clean_error(result, 2, "")
    assert not list(repo.path.glob("model/*"))


# --------------------------------------------------------------------------- load / find


def test_load_prints_the_meta(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "load", "model:resnet50")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"input_resolution": 224, "tags": ["model", "vision"]}


def test_load_json_has_ck_load_keys(filled: Repo, run_cli: Run) -> None:
    data = json.loads(_kb(run_cli, filled, "load", "testrepo:model:gnmt", "--json").stdout)
    assert {"repo_uoa", "module_uoa", "module_uid", "data_uoa", "data_uid", "data_alias", "data_name", "path",
            "dict", "info", "desc"} <= set(data)  # fmt: skip
    assert (data["repo_uoa"], data["module_uoa"], data["data_alias"], data["data_name"]) == (
        "testrepo", "model", "gnmt", "GNMT")


def test_load_by_uid_finds_the_aliased_entry(filled: Repo, run_cli: Run) -> None:
    uid = json.loads(_kb(run_cli, filled, "load", "model:gnmt", "--json").stdout)["data_uid"]
    assert json.loads(_kb(run_cli, filled, "load", f"model:{uid}", "--json").stdout)["data_alias"] == "gnmt"


def test_load_of_an_unknown_entry_exits_1_with_a_hint(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "load", "model:nope")
    _assert_clean_error(result, 1, "Error: entry model:nope not found")
    assert "hint: list candidates with 'kb list model:*'" in result.stderr


def test_load_with_wildcards_exits_2(filled: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, filled, "load", "model:*"), 2, "has wildcards but one entry is needed")


def test_load_of_an_entry_with_broken_meta_exits_1_naming_the_file(filled: Repo, run_cli: Run) -> None:
    meta = filled.path / "model" / "gnmt" / ".cm" / "meta.json"
    meta.write_text('{"tags": ["model"],,}')
    result = _kb(run_cli, filled, "load", "model:gnmt")
    _assert_clean_error(result, 1, f"{meta}:1:")
    assert "invalid JSON" in result.stderr


def test_find_prints_the_folder(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "find", "dataset:imagenet")
    assert (result.exit_code, result.stdout) == (0, f"{filled.path / 'dataset' / 'imagenet'}\n")
    data = json.loads(_kb(run_cli, filled, "find", "dataset:imagenet", "--json").stdout)
    assert data["cid"] == "testrepo:dataset:imagenet" and data["path"] == str(filled.path / "dataset" / "imagenet")


def test_find_of_an_unknown_entry_exits_1(filled: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, filled, "find", "dataset:nope"), 1, "entry dataset:nope not found")


# --------------------------------------------------------------------------- list


def test_list_prints_every_cid_sorted(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["testrepo:dataset:imagenet", "testrepo:model:gnmt",
                                          "testrepo:model:resnet50"]  # fmt: skip


def test_list_filters_by_wildcards_and_tags(filled: Repo, run_cli: Run) -> None:
    assert _kb(run_cli, filled, "list", "model:g*").stdout == "testrepo:model:gnmt\n"
    assert _kb(run_cli, filled, "list", "*:res?et50").stdout == "testrepo:model:resnet50\n"
    assert _kb(run_cli, filled, "list", "--tags", "vision").stdout.splitlines() == [
        "testrepo:dataset:imagenet", "testrepo:model:resnet50"]
    assert _kb(run_cli, filled, "list", "--tags", "vision,model").stdout == "testrepo:model:resnet50\n"


def test_list_json_has_count_and_rows(filled: Repo, run_cli: Run) -> None:
    data = json.loads(_kb(run_cli, filled, "list", "model:*", "--json").stdout)
    assert data["count"] == 2
    assert [r["data_uoa"] for r in data["entries"]] == ["gnmt", "resnet50"]
    assert set(data["entries"][0]) == {"repo_uoa", "module_uoa", "data_uoa", "data_uid", "data_alias", "path"}


def test_list_with_no_match_prints_nothing_and_exits_0(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "list", "nomodule:*", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == {"count": 0, "entries": []}


# --------------------------------------------------------------------------- rm


def test_rm_removes_entry_and_alias_files(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "rm", "model:gnmt")
    assert (result.exit_code, result.stdout) == (0, "Removed testrepo:model:gnmt\n")
    assert not (filled.path / "model" / "gnmt").exists()
    assert not list((filled.path / "model" / ".cm").glob("alias-a-gnmt"))
    _assert_clean_error(_kb(run_cli, filled, "load", "model:gnmt"), 1, "not found")


def test_rm_with_wildcards_asks_first_and_keeps_entries_on_no(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "rm", "model:*", input="n\n")
    assert result.exit_code == 2
    assert "Delete 2 entries matching model:*?" in result.stdout
    assert "nothing deleted" in result.stderr
    assert _kb(run_cli, filled, "list", "model:*").stdout.count("\n") == 2


def test_rm_with_wildcards_and_force_removes_all_matches(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "rm", "model:*", "-f", "--json")
    assert result.exit_code == 0
    assert sorted(r["data_uoa"] for r in json.loads(result.stdout)["removed"]) == ["gnmt", "resnet50"]
    assert _kb(run_cli, filled, "list").stdout == "testrepo:dataset:imagenet\n"


def test_rm_of_an_unknown_entry_exits_1(filled: Repo, run_cli: Run) -> None:
    _assert_clean_error(_kb(run_cli, filled, "rm", "model:nope"), 1, "entry model:nope not found")


# --------------------------------------------------------------------------- repo init / list


def test_repo_init_writes_ckr_json(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli(["repo", "init", str(tmp_path / "r"), "--uid", "0123456789abcdef", "--desc", "demo"])
    assert result.exit_code == 0
    assert result.stdout == f"Created repository r (UID 0123456789abcdef) at {tmp_path / 'r'}\n"
    ckr = json.loads((tmp_path / "r" / ".ckr.json").read_text())
    assert (ckr["data_alias"], ckr["data_uid"]) == ("r", "0123456789abcdef")


def test_repo_init_json_and_then_add_list_load_rm(tmp_path: Path, run_cli: Run) -> None:
    created = json.loads(run_cli(["repo", "init", str(tmp_path / "fresh"), "--alias", "fr", "--json"]).stdout)
    assert created["data_alias"] == "fr"
    repo_args = ["-R", str(tmp_path / "fresh")]
    assert run_cli([*repo_args, "add", "platform:board", "--tags", "platform"]).exit_code == 0
    assert run_cli([*repo_args, "list"]).stdout == "fr:platform:board\n"
    assert json.loads(run_cli([*repo_args, "load", "platform:board"]).stdout) == {"tags": ["platform"]}
    assert run_cli([*repo_args, "rm", "platform:board"]).exit_code == 0
    assert run_cli([*repo_args, "list"]).stdout == ""


def test_repo_list_json(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "repo", "list", "--json")
    assert result.exit_code == 0
    assert [(r["data_alias"], r["path"]) for r in json.loads(result.stdout)] == [("testrepo", str(filled.path))]


# --------------------------------------------------------------------------- validate


def test_validate_of_a_clean_repo_exits_0(filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, "validate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("3 entries checked: 0 errors")


def test_validate_reports_path_and_json_path_and_exits_1(filled: Repo, run_cli: Run) -> None:
    _kb(run_cli, filled, "add", "model:badtags", "--set", 'tags="not-a-list"')
    result = _kb(run_cli, filled, "validate")
    meta = filled.path / "model" / "badtags" / ".cm" / "meta.json"
    assert result.exit_code == 1
    assert f"error: {meta}::$.tags: 'not-a-list' is not of type 'array'" in result.stdout


def test_validate_json_is_a_versioned_envelope(filled: Repo, run_cli: Run) -> None:
    (filled.path / "model" / "gnmt" / ".cm" / "meta.json").write_text("{oops")
    result = _kb(run_cli, filled, "validate", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["format_version"] == 1 and data["counts"]["error"] >= 1
    assert any(d["path"].endswith("gnmt/.cm/meta.json") for d in data["diagnostics"])


# --------------------------------------------------------------------------- global errors and help


def test_missing_repo_folder_is_a_clear_error(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli(["-R", str(tmp_path / "nowhere"), "list"])
    _assert_clean_error(result, 2, f"{tmp_path / 'nowhere'}: repository folder does not exist")


def test_folder_without_ckr_json_is_a_clear_error(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli(["-R", str(tmp_path), "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and ".ckr.json" in result.stderr


def test_unknown_command_is_a_usage_error(run_cli: Run) -> None:
    _assert_clean_error(run_cli(["frobnicate"]), 2, "No such command 'frobnicate'")


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(_all_commands(cli)), ids=lambda p: " ".join(("kb", *p)))
def test_every_command_has_help(path: tuple[str, ...], run_cli: Run) -> None:
    result = run_cli([*path, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert " ".join(path) in result.stdout.splitlines()[0]
    assert len(result.stdout.split("\n\n")[1].strip()) > 10  # a real description


READ_COMMANDS = [("load", "model:gnmt"), ("find", "model:gnmt"), ("list",), ("repo", "list"), ("validate",)]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_every_read_command_prints_json(args: tuple[str, ...], filled: Repo, run_cli: Run) -> None:
    result = _kb(run_cli, filled, *args, "--json")
    assert result.exit_code == 0
    data: Any = json.loads(result.stdout)
    assert data
