"""Provenance from Git: first added, last changed, by whom, in which commit, linked when possible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import git
import pytest

from generator.provenance import history as history_module
from generator.provenance.history import read_history, web_url_from_remote

ALICE = git.Actor("Alice", "alice@example.org")
BOB = git.Actor("Bob", "bob@example.org")


def commit(repo: git.Repo, message: str, author: git.Actor, day: str) -> str:
    repo.git.add(A=True)
    when = dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")
    return repo.index.commit(message, author=author, committer=author, author_date=when, commit_date=when).hexsha


def write_entry(folder: Path, module: str, name: str, meta: str = "{}\n") -> None:
    cm = folder / module / name / ".cm"
    cm.mkdir(parents=True, exist_ok=True)
    (cm / "meta.json").write_text(meta, encoding="utf-8")


@pytest.fixture
def kb_git(tmp_path: Path) -> tuple[Path, git.Repo]:
    folder = tmp_path / "kb"
    folder.mkdir()
    return folder, git.Repo.init(folder, initial_branch="main")


def test_first_added_and_last_changed_come_from_oldest_and_newest_commit(kb_git) -> None:
    folder, repo = kb_git
    write_entry(folder, "model", "resnet")
    first = commit(repo, "add", ALICE, "2024-01-02")
    write_entry(folder, "model", "resnet", '{"a": 1}\n')
    last = commit(repo, "edit", BOB, "2024-02-03")
    found = read_history([folder])[folder.resolve()].for_entry("model", "resnet")
    assert (found.added.sha, found.added.author, found.added.day) == (first, "Alice", "2024-01-02")
    assert (found.changed.sha, found.changed.author, found.changed.day) == (last, "Bob", "2024-02-03")
    assert found.commits == 2


def test_commits_touching_other_entries_do_not_count(kb_git) -> None:
    folder, repo = kb_git
    write_entry(folder, "model", "a")
    commit(repo, "add a", ALICE, "2024-01-02")
    write_entry(folder, "model", "b")
    (folder / "model" / ".cm").mkdir()
    (folder / "model" / ".cm" / "alias-a-b").write_text("0123456789abcdef\n")
    commit(repo, "add b", BOB, "2024-02-03")
    history = read_history([folder])[folder.resolve()]
    assert history.for_entry("model", "a").commits == 1
    assert history.for_entry("model", "b").added.author == "Bob"
    assert history.for_entry("model", ".cm") is None


def test_renamed_entry_keeps_its_first_added_commit(kb_git) -> None:
    folder, repo = kb_git
    write_entry(folder, "model", "old-name", '{"name": "a model with enough text to be a rename"}\n')
    first = commit(repo, "add", ALICE, "2024-01-02")
    repo.git.mv("model/old-name", "model/new-name")
    commit(repo, "rename", BOB, "2024-02-03")
    found = read_history([folder])[folder.resolve()].for_entry("model", "new-name")
    assert found.added.sha == first and found.changed.author == "Bob" and found.commits == 2


def test_uncommitted_entry_and_folder_outside_git_have_no_history(tmp_path: Path, kb_git) -> None:
    folder, repo = kb_git
    write_entry(folder, "model", "a")
    commit(repo, "add", ALICE, "2024-01-02")
    write_entry(folder, "model", "draft")
    plain = tmp_path / "plain"
    write_entry(plain, "model", "x")
    histories = read_history([folder, plain])
    assert histories[folder.resolve()].for_entry("model", "draft") is None
    assert histories[plain.resolve()].git_root is None and histories[plain.resolve()].entries == {}


def test_origin_remote_gives_commit_and_edit_links_under_the_kb_subfolder(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path, initial_branch="main")
    repo.create_remote("origin", "git@github.com:example/site.git")
    folder = tmp_path / "kb" / "core"
    write_entry(folder, "model", "a")
    sha = commit(repo, "add", ALICE, "2024-01-02")
    history = read_history([folder])[folder.resolve()]
    assert history.commit_url(sha) == f"https://github.com/example/site/commit/{sha}"
    assert history.blob_url("model/a/.cm/meta.json") == "https://github.com/example/site/blob/main/kb/core/model/a/.cm/meta.json"


def test_ckr_url_of_an_embedded_repo_links_files_but_not_commits(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path, initial_branch="main")
    folder = tmp_path / "kb" / "ck-mlperf"
    write_entry(folder, "program", "p")
    sha = commit(repo, "add", ALICE, "2024-01-02")
    history = read_history([folder], web_urls={folder.resolve(): "https://github.com/ctuning/ck-mlperf"})[folder.resolve()]
    assert history.commit_url(sha) == ""  # the commit is the project's, not ck-mlperf's
    assert history.blob_url("program/p/.cm/meta.json") == "https://github.com/ctuning/ck-mlperf/blob/HEAD/program/p/.cm/meta.json"


def test_site_repo_url_wins_for_repos_inside_the_project(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path, initial_branch="main")
    repo.create_remote("origin", "https://git.example.org/mirror/site.git")
    folder = tmp_path / "kb" / "core"
    write_entry(folder, "model", "a")
    sha = commit(repo, "add", ALICE, "2024-01-02")
    history = read_history([folder], site=(tmp_path, "https://github.com/example/reef"))[folder.resolve()]
    assert history.commit_url(sha) == f"https://github.com/example/reef/commit/{sha}"


def test_one_git_log_per_git_repository_for_all_its_kb_folders(tmp_path: Path, monkeypatch) -> None:
    repo = git.Repo.init(tmp_path, initial_branch="main")
    for name in ("one", "two"):
        write_entry(tmp_path / "kb" / name, "model", f"m-{name}")
    commit(repo, "add", ALICE, "2024-01-02")
    calls: list[list[str]] = []
    real = history_module._log_records

    def counting(repo_arg, pathspecs):
        calls.append(list(pathspecs))
        return real(repo_arg, pathspecs)

    monkeypatch.setattr(history_module, "_log_records", counting)
    histories = read_history([tmp_path / "kb" / "one", tmp_path / "kb" / "two"])
    assert calls == [["kb/one", "kb/two"]]
    assert histories[(tmp_path / "kb" / "two").resolve()].for_entry("model", "m-two").commits == 1


@pytest.mark.parametrize(("remote", "web"), [
    ("https://github.com/o/r.git", "https://github.com/o/r"),
    ("https://user:token@github.com/o/r.git", "https://github.com/o/r"),
    ("git@github.com:o/r.git", "https://github.com/o/r"),
    ("ssh://git@gitlab.com:22/o/r.git", "https://gitlab.com/o/r"),
    ("/srv/git/r.git", ""),
    ("file:///srv/git/r.git", ""),
    ("javascript:alert(1)", ""),
])  # fmt: skip
def test_web_url_from_remote(remote: str, web: str) -> None:
    assert web_url_from_remote(remote) == web
