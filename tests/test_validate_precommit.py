"""The pre-commit hook definition other KB repositories use runs kb validate --strict."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def test_pre_commit_hook_runs_strict_validation_on_json_and_alias_files() -> None:
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "kb-validate" and hook["language"] == "python"
    assert hook["entry"] == "kb validate --strict" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("model/resnet/.cm/meta.json")
    assert pattern.search("model/.cm/alias-a-resnet")
    assert pattern.search(".cm/alias-a-model") and pattern.search(".cm/alias-u-032630d041b4fd8a")  # repo root
    assert not pattern.search("README.md") and not pattern.search("docs/my.cm/alias-a-x")


def test_pre_commit_hook_entry_works_in_a_kb_repository(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from generator.ck.store import Repo

    repo = Repo.init(tmp_path / "kb", "kb")
    repo.add("model", "resnet", meta={"tags": ["model"]})
    assert run_cli(["-R", str(repo.path), "validate", "--strict"]).exit_code == 0
    (repo.path / "model" / "resnet" / ".cm" / "meta.json").write_text('{"tags": "model"}')
    assert run_cli(["-R", str(repo.path), "validate", "--strict"]).exit_code == 1
