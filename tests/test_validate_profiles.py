"""A repository states which rules it follows: plain CK (the default) or the Reef profile, in its
.ckr.json or per repository in mkdocs.yml (which wins)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.ops.workspace import open_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "ckrepos"
PROJECT = Path(__file__).resolve().parents[1]
Run = Callable[..., Any]
CONFIG = "site_name: t\nplugins:\n  - kb:\n      repos:\n{}"


def _repo_with_a_schema_error(tmp_path: Path, profile: str | None) -> Path:
    """The CK kernel's own result module meta is not a Reef result: a Reef schema finding."""
    repo = tmp_path / "ck-mlops"
    shutil.copytree(FIXTURES / "real-public-repos" / "repos" / "ck-mlops", repo)
    if profile is not None:
        ckr = repo / ".ckr.json"
        data = json.loads(ckr.read_text())
        data["dict"]["kb_profile"] = profile
        ckr.write_text(json.dumps(data))
    return repo


def _schema_severities(run_cli: Run, *args: str) -> set[str]:
    result = run_cli([*args, "validate", "--json"])
    return {d["severity"] for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "schema"}


def test_a_repository_that_does_not_say_is_plain_ck(tmp_path: Path, run_cli: Run) -> None:
    repo = _repo_with_a_schema_error(tmp_path, None)
    assert _schema_severities(run_cli, "-R", str(repo)) == {"note"}
    assert run_cli(["-R", str(repo), "validate", "--strict"]).exit_code == 0


def test_the_reef_profile_declared_in_ckr_json_makes_type_schemas_errors(tmp_path: Path, run_cli: Run) -> None:
    repo = _repo_with_a_schema_error(tmp_path, "reef")
    assert _schema_severities(run_cli, "-R", str(repo)) == {"error"}
    assert run_cli(["-R", str(repo), "validate"]).exit_code == 1


def test_mkdocs_yml_sets_the_profile_of_a_repository_and_wins(tmp_path: Path, run_cli: Run) -> None:
    _repo_with_a_schema_error(tmp_path, "ck")
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG.format("        - path: ck-mlops\n          profile: reef\n"))
    assert _schema_severities(run_cli, "-c", str(config)) == {"error"}
    config.write_text(CONFIG.format("        - ck-mlops\n"))
    assert _schema_severities(run_cli, "-c", str(config)) == {"note"}  # the .ckr.json's own 'ck'


def test_an_unknown_profile_in_mkdocs_yml_is_refused_with_the_choices(tmp_path: Path, run_cli: Run) -> None:
    _repo_with_a_schema_error(tmp_path, None)
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG.format("        - path: ck-mlops\n          profile: strict\n"))
    result = run_cli(["-c", str(config), "validate"])
    assert result.exit_code == 1 and "profile must be one of ck, reef" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_profile_in_ckr_json_is_a_schema_error_and_means_plain_ck(tmp_path: Path, run_cli: Run) -> None:
    repo = _repo_with_a_schema_error(tmp_path, "Reef")
    found = json.loads(run_cli(["-R", str(repo), "validate", "--json"]).stdout)["diagnostics"]
    assert [(d["code"], d["severity"], d["json_path"]) for d in found if d["path"].endswith(".ckr.json")] == [
        ("schema", "error", "$.dict.kb_profile")]  # fmt: skip
    assert {d["severity"] for d in found if d["code"] == "schema" and d["path"].endswith("meta.json")} == {"note"}


def test_the_embedded_repositories_declare_what_they_follow() -> None:
    workspace = open_workspace([], PROJECT / "mkdocs.yml", PROJECT)
    profiles = workspace.profiles()
    assert profiles.pop("ck-mlperf") == "ck"  # a copy of ctuning/ck-mlperf: set to plain CK in mkdocs.yml
    assert set(profiles.values()) == {"reef"} and {"reef-core", "mobilenets"} <= set(profiles)
    declared = {p.parent.name: json.loads(p.read_text())["dict"].get("kb_profile")
                for p in (PROJECT / "kb").glob("*/.ckr.json")}  # fmt: skip
    assert declared.pop("ck-mlperf") is None  # its .ckr.json stays the one ctuning published
    assert declared == dict.fromkeys(profiles, "reef")
