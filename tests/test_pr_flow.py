"""End to end: a contributor runs a benchmark, submits a branch, CI checks the PR, the merge deploys it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import git
import pytest
import yaml

from generator.ck.store import Repo

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = {"tags": ["program", "demo"], "benchmark": "demo/tiny", "program": "yes",
           "run_cmds": {"default": {"run_time": {"run_cmd_main": "python3 work.py"}}}}  # fmt: skip


def _seed_upstream(tmp_path: Path) -> Path:
    """A bare 'upstream' KB project: mkdocs.yml, docs, and one CK repository with a runnable program."""
    seed = tmp_path / "seed"
    kb = Repo.init(seed / "kb" / "demo", "demo")
    program = kb.add("program", "tiny", meta=PROGRAM, name="Tiny demo program")
    (program.ref.path / "work.py").write_text("print(sum(i * i for i in range(20000)))\n")
    (seed / "docs").mkdir()
    (seed / "docs" / "index.md").write_text("# Demo KB\n")
    config = {"site_name": "Demo KB", "theme": {"name": "material", "font": False},
              "plugins": [{"kb": {"repos": ["kb/demo"], "history": False}}]}  # fmt: skip
    (seed / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    repo = git.Repo.init(seed, initial_branch="main")
    _identify(repo, "Maintainer")
    repo.git.add("-A")
    repo.git.commit("-m", "Seed the demo knowledge base")
    bare = tmp_path / "upstream.git"
    git.Repo.clone_from(seed, bare, bare=True)
    return bare


def _identify(repo: git.Repo, name: str) -> None:
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", name)
        cfg.set_value("user", "email", f"{name.lower()}@example.org")


def _script(name: str, workdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    environment.update(KB_WORKDIR=str(workdir), **env)
    return subprocess.run(["bash", str(ROOT / "scripts" / name), *args], env=environment, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


@pytest.mark.slow
def test_contribution_flow_from_kb_run_to_the_deployed_dashboard(tmp_path: Path, run_cli, monkeypatch) -> None:
    bare = _seed_upstream(tmp_path)
    work = tmp_path / "contributor"
    clone = git.Repo.clone_from(bare, work)
    _identify(clone, "Contributor")
    base = clone.head.commit.hexsha
    monkeypatch.chdir(work)

    ran = run_cli(["run", "demo:program:tiny", "-n", "2", "--json"])
    assert ran.exit_code == 0, ran.output
    result_cid = json.loads(ran.stdout)["result"]
    submitted = run_cli(["submit", "--remote", "origin", "--branch", "kb/tiny-result", "--json"])
    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.stdout)["pushed"] is True
    assert "kb/tiny-result" in [h.name for h in git.Repo(bare).heads]

    check = _script("ci-pr-check", work, base, SITE_DIR=str(tmp_path / "pr-site"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "2 added, 0 renamed, 0 changed, 0 removed." in check.stdout
    assert f"`{result_cid}`" in check.stdout

    result_alias = result_cid.split(":")[-1]
    meta_path = work / "kb" / "demo" / "result" / result_alias / ".cm" / "meta.json"
    good_meta = meta_path.read_text()
    broken = json.loads(good_meta)
    broken["metrics"]["latency"]["value"] = "fast"
    meta_path.write_text(json.dumps(broken, indent=2, sort_keys=True) + "\n")
    clone.git.commit("-am", "Break the result on purpose")
    failing = _script("ci-pr-check", work, base, GITHUB_ACTIONS="true", SITE_DIR=str(tmp_path / "pr-site-2"))
    assert failing.returncode == 1
    annotation = next(line for line in failing.stdout.splitlines() if line.startswith("::error "))
    assert f"file=kb/demo/result/{result_alias}/.cm/meta.json" in annotation
    assert "$.metrics.latency.value" in annotation

    clone.git.revert("--no-edit", "HEAD")
    clone.git.push("origin", "kb/tiny-result")
    maintainer = git.Repo.clone_from(bare, tmp_path / "maintainer")
    _identify(maintainer, "Maintainer")
    maintainer.git.merge("--no-ff", "-m", "Merge kb/tiny-result", "origin/kb/tiny-result")
    maintainer.git.push("origin", "main")

    site = tmp_path / "deployed"
    deploy = _script("ci-deploy-build", tmp_path / "maintainer", SITE_DIR=str(site), KB_DEPLOY_UNLOCKED="1")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    dashboards = [p for p in site.rglob("*.json") if "dashboards" in p.parts]
    assert any(result_alias in p.read_text() for p in dashboards), "the new result is on no dashboard"
    assert (site / "result" / result_alias / "index.html").is_file()
