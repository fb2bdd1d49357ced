"""The GitHub workflows pass actionlint and keep the safe shape: pinned actions, least privilege, no secrets on PRs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from tests.workflow_lint import run_actionlint

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key 'on' as True
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_pr_deploy_and_test_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pr-check.yml", "deploy.yml", "tests.yml"}


def test_every_workflow_passes_actionlint() -> None:
    assert run_actionlint(WORKFLOWS) == []


def test_actionlint_catches_an_untrusted_expression_in_a_script(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n")  # fmt: skip
    kinds = [finding["kind"] for finding in run_actionlint([bad])]
    assert "expression" in kinds


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_full_commit_sha_with_a_version_comment(path: Path) -> None:
    for step in _steps(_load(path)):
        if "uses" in step:
            assert _PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a commit SHA"
    for line in path.read_text().splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d", line), f"{path.name}: add '# vN' after the SHA: {line.strip()}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_default_to_a_read_only_token_and_never_persist_credentials(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in workflow["on"]
    for step in _steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_only_the_deploy_job_may_write_pages_and_it_runs_only_on_main() -> None:
    deploy = _load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in deploy["jobs"]["build"]
    for path in WORKFLOWS:
        if path.name != "deploy.yml":
            jobs = _load(path)["jobs"].values()
            assert all("pages" not in job.get("permissions", {}) for job in jobs), path.name


def test_pull_request_check_uses_no_secrets() -> None:
    text = (ROOT / ".github" / "workflows" / "pr-check.yml").read_text()
    assert "secrets." not in text


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_scripts_the_workflows_call_exist_and_are_executable(path: Path) -> None:
    for step in _steps(_load(path)):
        for script in re.findall(r"(?:scripts/[\w-]+|\.ci/run)", step.get("run", "")):
            target = ROOT / script
            assert target.is_file() and os.access(target, os.X_OK), f"{path.name} calls missing {script}"
