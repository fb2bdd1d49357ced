"""kb pr-report on real Git repositories: what a pull request adds, renames, changes and moves."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.ops.pr_entries import FileChange, folder_changes
from generator.ops.pr_ranks import run_labels
from generator.ops.pr_report import compare
from generator.results.table import rows_from_corpus

TITLE = "net on a board"


def _result(platform: str, latency: float, accuracy: float, date: str) -> dict[str, Any]:
    return {"tags": ["result"], "benchmark": "demo/classify", "scenario": "SingleStream",
            "model_uoa": "net", "platform_uoa": platform, "date": date,
            "metrics": {"latency": {"value": latency, "unit": "ms", "direction": "lower"},
                        "latency_stdev": {"value": 100 - latency, "unit": "ms", "direction": "lower"},
                        "accuracy": {"value": accuracy, "unit": "%", "direction": "higher"}}}  # fmt: skip


def _identify(repo: git.Repo, name: str) -> None:
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", name)
        cfg.set_value("user", "email", f"{name.lower()}@example.org")


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A bare repository holding a KB project: a model, a program with a README, two results."""
    seed = tmp_path / "seed"
    kb = Repo.init(seed / "kb" / "demo", "demo")
    for board in ("board-a", "board-b", "board-c"):
        kb.add("platform", board, meta={"tags": ["platform"]}, name=board.title())
    kb.add("model", "net", meta={"tags": ["model"]}, name="Net v1")
    program = kb.add("program", "bench", meta={"tags": ["program"]}, name="Bench")
    (program.ref.path / "README.md").write_text("# Bench\n\nRun it.\n")
    kb.add("result", "run-a", meta=_result("board-a", 10.0, 70.0, "2024-01-01"), name=TITLE)
    kb.add("result", "run-b", meta=_result("board-b", 20.0, 65.0, "2024-02-01"), name=TITLE)
    (seed / "docs").mkdir()
    (seed / "docs" / "index.md").write_text("# Demo\n")
    (seed / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Demo", "plugins": [{"kb": {"repos": ["kb/demo"]}}]}))
    repo = git.Repo.init(seed, initial_branch="main")
    _identify(repo, "Maintainer")
    repo.git.add("-A")
    repo.git.commit("-m", "Seed")
    bare = tmp_path / "upstream.git"
    git.Repo.clone_from(seed, bare, bare=True)
    return bare


def _move_main(upstream: Path, tmp_path: Path) -> None:
    """Someone else's entry lands on main after the contributor's branch forked."""
    other = git.Repo.clone_from(upstream, tmp_path / "other")
    _identify(other, "Other")
    Repo.open(tmp_path / "other" / "kb" / "demo").add("model", "someone-elses", meta={"tags": ["model"]})
    other.git.add("-A")
    other.git.commit("-m", "Another contribution")
    other.git.push("origin", "main")


@pytest.fixture
def branch(upstream: Path, tmp_path: Path, run_cli, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """A contributor's branch: model renamed by info.json only, a README changed and one added, a
    payload file added, a new #1 result; main moved on meanwhile."""
    work = tmp_path / "contributor"
    clone = git.Repo.clone_from(upstream, work)
    _identify(clone, "Contributor")
    clone.git.checkout("-b", "my-change")
    monkeypatch.chdir(work)
    assert run_cli(["update", "model:net", "--name", "Net v2"]).exit_code == 0
    (work / "kb" / "demo" / "program" / "bench" / "README.md").write_text("# Bench\n\nRun it twice.\n")
    (work / "kb" / "demo" / "platform" / "board-a" / "README.md").write_text("# Board A\n")  # a README added
    (work / "kb" / "demo" / "program" / "bench" / "run.sh").write_text("echo run\n")  # a payload file added
    meta = json.dumps(_result("board-c", 5.0, 60.0, "2024-03-01"))
    assert run_cli(["add", "result:run-c", "--meta", "-", "--name", TITLE], input=meta).exit_code == 0
    clone.git.add("-A")
    clone.git.commit("-m", "My change")
    _move_main(upstream, tmp_path)
    clone.git.fetch("origin")
    return work


def test_report_names_the_rename_the_readme_and_the_new_result(branch: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli(["pr-report", "--base", "origin/main", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert [c["cid"] for c in report["added"]] == ["demo:result:run-c"]
    [renamed] = report["renamed"]
    assert (renamed["cid"], renamed["old_title"], renamed["title"]) == ("demo:model:net", "Net v1", "Net v2")
    assert {"name": "info.json", "status": "modified"} in renamed["files"]
    assert {c["cid"]: c["files"] for c in report["changed"]} == {
        "demo:platform:board-a": [{"name": "README.md", "status": "added"}],
        "demo:program:bench": [{"name": "README.md", "status": "modified"}, {"name": "run.sh", "status": "added"}]}


def test_a_branch_behind_a_moved_main_reports_no_false_removals(branch: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(run_cli(["pr-report", "--base", "origin/main", "--json"]).stdout)
    assert report["removed"] == []
    assert report["merge_base"] != git.Repo(branch).commit("origin/main").hexsha
    assert "someone-elses" not in json.dumps(report)


def test_every_result_pushed_down_by_a_new_first_is_listed_on_primary_metrics_only(branch: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(run_cli(["pr-report", "--base", "origin/main", "--json"]).stdout)
    moves = {(r["cid"], r["metric"]): (r["old_rank"], r["new_rank"], r["moved"]) for r in report["ranks"]}
    assert moves == {("demo:result:run-c", "latency"): (None, 1, "new"),
                     ("demo:result:run-a", "latency"): (1, 2, "↓1"),
                     ("demo:result:run-b", "latency"): (2, 3, "↓1"),
                     ("demo:result:run-c", "accuracy"): (None, 3, "new")}  # fmt: skip


def test_markdown_report_shows_renames_as_renames_and_titles_that_identify_each_run(branch: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli(["pr-report", "--base", "origin/main"]).stdout
    assert "1 added, 1 renamed, 2 changed, 0 removed." in text
    assert "- `demo:model:net`: title `Net v1` → `Net v2`" in text
    assert "`demo:program:bench` — files: `README.md`, `run.sh` (added)" in text
    assert "`net on a board · platform Board-A, date 2024-01-01` | `demo:result:run-a`" in text  # run identity
    assert "latency_stdev" not in text


def test_alias_rename_is_one_renamed_entry_not_an_addition_and_a_removal(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "before" / "demo", "demo")
    repo.add("model", "old-name", uid="0123456789abcdef", meta={"tags": ["model"]})
    before = Corpus.load(Workspace.open([repo.path]))
    repo.rename(repo.find("model", "old-name"), "new-name")  # type: ignore[arg-type]
    (repo.path / "model" / "new-name" / "weights.bin").write_bytes(b"\0\1")
    report = compare(before, Corpus.load(Workspace.open([repo.path])))
    assert report.entries.added == [] and report.entries.removed == []
    [change] = report.entries.renamed
    assert (change.old_cid, change.cid) == ("demo:model:old-name", "demo:model:new-name")


def test_results_sharing_a_title_get_labels_that_tell_them_apart(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "demo", "demo")
    for board in ("board-a", "board-b"):
        repo.add("platform", board, meta={"tags": ["platform"]}, name=board)
    repo.add("result", "one", meta=_result("board-a", 1.0, 1.0, "2024-01-01"), name=TITLE)
    repo.add("result", "two", meta=_result("board-b", 2.0, 1.0, "2024-01-01"), name=TITLE)
    labels = sorted(run_labels(rows_from_corpus(Corpus.load(Workspace.open([repo.path])))).values())
    assert labels == ["net on a board · platform board-a", "net on a board · platform board-b"]


@pytest.mark.slow
def test_pr_check_fails_on_warnings_unless_a_maintainer_allows_them(branch: Path, tmp_path: Path) -> None:
    aliases = branch / "kb" / "demo" / "model" / ".cm"  # alias files left without their folder: a warning
    (aliases / "alias-a-hand-made").write_text("00000000000000ee\n")
    (aliases / "alias-u-00000000000000ee").write_text("hand-made\n")
    script = Path(__file__).resolve().parents[1] / "scripts" / "ci-pr-check"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(KB_WORKDIR=str(branch), SITE_DIR=str(tmp_path / "site"), NO_COLOR="1")
    strict = _pr_check(script, env)
    assert strict.returncode == 1 and "points at a missing folder" in strict.stdout, strict.stdout + strict.stderr
    allowed = _pr_check(script, {**env, "KB_ALLOW_WARNINGS": "1"})
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "merge-base of origin/main and HEAD" in allowed.stdout


def _pr_check(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(script), "origin/main"], env=env, capture_output=True, text=True, timeout=600)


def test_a_named_pipe_in_an_entry_folder_is_reported_without_being_read(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "README.md").write_text("same\n")
    os.mkfifo(new / "data.bin")  # opening it for reading would block forever
    assert folder_changes(old, new) == (FileChange("data.bin", "added"),)
