"""kb submit in a real Git checkout with a bare 'origin': commits, output, pushes and recovery."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from generator.ck.store import Repo

MODEL = {"tags": ["model"], "task": "image-classification"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> git.Repo:
    """A KB checkout on main (one repository, one model) whose origin is a bare repository."""
    work = tmp_path / "work"
    kb = Repo.init(work / "kb" / "demo", "demo")
    kb.add("model", "existing", meta=MODEL)
    (work / "mkdocs.yml").write_text("site_name: Demo\nplugins:\n  - kb:\n      repos: [kb/demo]\n")
    repo = git.Repo.init(work, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Contributor")
        cfg.set_value("user", "email", "contributor@example.org")
    repo.git.add("-A")
    repo.git.commit("-m", "Seed")
    bare = tmp_path / "origin.git"
    git.Repo.clone_from(work, bare, bare=True)
    repo.create_remote("origin", bare.as_uri())
    monkeypatch.chdir(work)
    return repo


def _add(run_cli, *names: str) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        done = run_cli(["add", f"model:{name}", "--set", "task=image-classification", "--tags", "model"])
        assert done.exit_code == 0, done.output


def _subjects(repo: git.Repo, rev: str = "HEAD", base: str = "main") -> list[str]:
    return repo.git.log("--reverse", "--format=%s", f"{base}..{rev}").splitlines()


def test_each_entry_gets_its_own_commit_named_after_the_entry_never_an_alias_file(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha", "beta", "gamma", "delta")
    done = run_cli(["submit"])
    assert done.exit_code == 0, done.output
    assert _subjects(project) == ["Add demo:model:alpha", "Add demo:model:beta", "Add demo:model:delta",
                                  "Add demo:model:gamma"]  # fmt: skip
    assert done.stdout.startswith("Committed 4 entries in 4 commits on branch kb/alpha-and-3-more-")
    assert "alias" not in done.stdout and project.active_branch.name.startswith("kb/alpha-and-3-more-")
    assert project.git.status("--porcelain") == ""


def test_a_rename_is_one_commit_and_an_update_says_update(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["ren", "model:existing", "renamed"]).exit_code == 0
    done = run_cli(["submit", "--json"])
    assert json.loads(done.stdout)["entries"] == ["Rename demo:model:existing to renamed"]
    assert _subjects(project) == ["Rename demo:model:existing to renamed"]


def test_one_message_for_everything_still_lists_each_entry(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha", "beta")
    assert run_cli(["submit", "-m", "Two models from my lab"]).exit_code == 0
    message = project.head.commit.message
    assert _subjects(project) == ["Two models from my lab"]
    assert "- Add demo:model:alpha\n- Add demo:model:beta\n" in message


def test_without_a_remote_it_says_nothing_was_pushed_and_how_to_push(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha")
    done = run_cli(["submit"])
    assert done.exit_code == 0
    assert "Pushed" not in done.stdout and "Not pushed (no --remote given)." in done.stdout
    assert "Next: 'kb submit --remote origin' pushes kb/alpha-" in done.stdout


def test_a_push_to_a_non_github_remote_says_pushed_and_no_git_push_hint(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha")
    done = run_cli(["submit", "--remote", "origin", "--branch", "kb/alpha"])
    assert done.exit_code == 0, done.output
    assert "Pushed kb/alpha to origin." in done.stdout and "git push" not in done.stdout
    assert "Next: open a pull request from kb/alpha into main" in done.stdout
    assert "kb/alpha" in [h.name for h in git.Repo(project.remote("origin").url.removeprefix("file://")).heads]


def test_after_a_failed_push_running_again_pushes_the_pending_branch(project: git.Repo, run_cli,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    good = project.remote("origin").url
    project.git.remote("set-url", "origin", (tmp_path / "missing.git").as_uri())
    _add(run_cli, "alpha")
    failed = run_cli(["submit", "--remote", "origin", "--branch", "kb/alpha"])
    assert failed.exit_code == 1
    assert "Committed 1 entry in 1 commit on branch kb/alpha" in failed.stdout
    assert "Not pushed: pushing to origin failed:" in failed.stdout
    assert "then run 'kb submit --remote origin' again: it pushes kb/alpha." in failed.stdout
    project.git.remote("set-url", "origin", good)
    again = run_cli(["submit", "--remote", "origin"])
    assert again.exit_code == 0, again.output
    assert "Nothing new to submit; branch kb/alpha (1 entry, based on main) is not pushed yet:" in again.stdout
    assert "Pushed kb/alpha to origin." in again.stdout
    assert run_cli(["submit", "--remote", "origin"]).exit_code == 1  # now really nothing to submit


def test_the_next_submission_starts_fresh_from_the_base_not_on_the_previous_branch(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha")
    assert run_cli(["submit", "--branch", "kb/first"]).exit_code == 0
    _add(run_cli, "beta")
    done = run_cli(["submit", "--branch", "kb/second", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["base"] == "main"
    assert _subjects(project, "kb/second") == ["Add demo:model:beta"]
    assert _subjects(project, "kb/first") == ["Add demo:model:alpha"]
    assert project.active_branch.name == "kb/second" and project.git.status("--porcelain") == ""
    assert not (Path(project.working_tree_dir) / "kb" / "demo" / "model" / "alpha").exists()


def test_invalid_entries_are_refused_and_nothing_is_committed(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["add", "model:broken", "--set", 'tags="not-a-list"']).exit_code == 0
    done = run_cli(["submit"])
    assert done.exit_code == 1 and "validation found errors" in done.stderr
    assert project.active_branch.name == "main" and [h.name for h in project.heads] == ["main"]


def test_other_local_changes_are_neither_committed_nor_lost(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    config = Path(project.working_tree_dir) / "mkdocs.yml"
    config.write_text(config.read_text() + "# my local note\n")
    _add(run_cli, "alpha")
    assert run_cli(["submit"]).exit_code == 0
    assert "my local note" in config.read_text()
    assert "mkdocs.yml" not in project.git.show("--stat", "HEAD")


def test_a_fix_to_an_entry_of_the_pending_branch_is_committed_on_that_branch(project: git.Repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    _add(run_cli, "alpha")
    assert run_cli(["submit", "--branch", "kb/first"]).exit_code == 0
    assert run_cli(["update", "model:alpha", "--set", "framework=onnx"]).exit_code == 0
    done = run_cli(["submit"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("Added 1 commit to branch kb/first, which already holds these entries")
    assert _subjects(project, "kb/first") == ["Add demo:model:alpha", "Update demo:model:alpha"]
    assert [h.name for h in project.heads] == ["kb/first", "main"]
