"""kb sync trusts only what the config author wrote (issue #14, defect 8): an upstream's repo_deps
may name remote repositories over the schemes the config allows (https and ssh by default), never
a local path, file:// or a Git transport trick; every failure is one clear error for its
repository, and the other repositories are synced all the same."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from generator.ck.store import Repo
from generator.config import load_config
from generator.ops.sync import resolved_repos, sync
from tests.sync_support import make_upstream, write_config


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))


def _with_dep_url(upstream_root: Path, name: str, url: str) -> None:
    """Make an upstream's .ckr.json name one repo_deps entry with an explicit URL."""
    ckr = upstream_root / ".ckr.json"
    data = json.loads(ckr.read_text())
    data["dict"]["repo_deps"] = [{"repo_uoa": name, "repo_url": url}]
    ckr.write_text(json.dumps(data, indent=2))


def _private(tmp_path: Path) -> Repo:
    """A private CK repository in Git on the build machine, which no upstream may publish."""
    private = Repo.init(tmp_path / "private", "private")
    private.add("model", "secret-model", meta={"tags": ["model", "confidential"]})
    work = git.Repo.init(private.path, initial_branch="main")
    work.git.add("-A")
    work.git.commit("-m", "private", env={"GIT_AUTHOR_NAME": "P", "GIT_AUTHOR_EMAIL": "p@example.org",
                                          "GIT_COMMITTER_NAME": "P", "GIT_COMMITTER_EMAIL": "p@example.org"})
    return private


HOSTILE = {
    "local path": "{private}",
    "file URL": "file://{private}",
    "relative path": "../../private",
    "ext transport": "ext::sh -c touch% {marker}",
    "ext URL": "ext://sh -c touch {marker}",
    "fd transport": "fd::17",
    "other helper": "evilhelper::https://example.org/x",
    "option-like": "--upload-pack=touch {marker}",
    "unknown scheme": "gopher://example.org/repo",
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_an_upstream_cannot_pull_in_a_repository_by_a_forbidden_url(tmp_path: Path, kind: str) -> None:
    private = _private(tmp_path)
    marker = tmp_path / "ran"
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    url = HOSTILE[kind].format(private=private.path, marker=marker)
    _with_dep_url(Path(up.work.working_dir), "private", url)
    up.commit("name a dependency")
    config = load_config(write_config(tmp_path, [{"url": up.url}]))
    outcome = sync(config)
    assert "lab" in outcome.lock.repos and "private" not in outcome.lock.repos
    [error] = outcome.errors
    assert error.startswith("repository private (") and "lab" in error
    assert not marker.exists()
    assert [r.name for r in resolved_repos(config)] == ["lab"]


def test_a_failing_upstream_does_not_stop_the_others(tmp_path: Path) -> None:
    good = make_upstream(tmp_path, "good", ["model:resnet50"])
    other = make_upstream(tmp_path, "other", ["model:mobilenet"])
    config = load_config(write_config(tmp_path, [{"url": (tmp_path / "nowhere.git").as_uri(), "name": "gone"},
                                                 {"url": good.url}, {"url": "ext::sh -c true", "name": "trick"},
                                                 {"url": other.url}]))  # fmt: skip
    outcome = sync(config)
    assert sorted(outcome.lock.repos) == ["good", "other"]
    assert [e.split(" (")[0] for e in outcome.errors] == ["repository gone", "repository trick"]


def test_the_config_author_may_name_local_repositories_and_map_deps_to_them(tmp_path: Path) -> None:
    dep = make_upstream(tmp_path, "ck-dep", ["soft:gcc"])
    up = make_upstream(tmp_path, "lab", ["model:resnet50"], deps=["ck-dep"])
    config = load_config(write_config(tmp_path, [{"url": up.url}], repo_map={"ck-dep": dep.url}))
    outcome = sync(config)
    assert outcome.errors == [] and sorted(outcome.lock.repos) == ["ck-dep", "lab"]


def test_a_failed_repository_keeps_its_old_pin_and_checkout(tmp_path: Path) -> None:
    up = make_upstream(tmp_path, "lab", ["model:resnet50"])
    config = load_config(write_config(tmp_path, [{"url": up.url, "branch": "main"}]))
    first = sync(config).lock.repos["lab"].commit
    up.ck.add("model", "later", meta={"tags": ["model"]})
    up.commit("more")
    up.bare.rename(tmp_path / "moved-away.git")
    outcome = sync(config, update=True)
    assert outcome.lock.repos["lab"].commit == first and len(outcome.errors) == 1
    [repo] = resolved_repos(config)
    assert (repo.path / "model" / "resnet50").is_dir() and not (repo.path / "model" / "later").exists()


def test_sync_cli_prints_each_error_once_and_exits_1(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good = make_upstream(tmp_path, "good", ["model:resnet50"])
    write_config(tmp_path, [{"url": good.url}, {"url": "ext::sh -c true", "name": "trick\n::warning::x"}])
    monkeypatch.chdir(tmp_path)
    result = run_cli(["sync"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("Error: repository trick") == 1 and "\n::" not in result.stderr
    assert "good: " in result.stdout


@pytest.mark.parametrize(("url", "kind"), [
    ("https://github.com/ctuning/ck-env", "https"), ("HTTPS://example.org/x", "https"),
    ("http://example.org/x", "http"), ("ssh://git@example.org/x", "ssh"), ("git+ssh://h/x", "ssh"),
    ("git@github.com:org/repo.git", "ssh"), ("git://example.org/x", "git"), ("file:///srv/x", "file"),
    ("/srv/repo", "local"), ("./repo", "local"), ("../repo", "local"), ("repo", "local"), ("./a:b", "local"),
    ("ext::sh -c id", "transport"), ("fd::3", "transport"), ("ext://x", "transport"), ("-u/x", "option"),
    ("https::https://x", "transport"), ("", "empty"), ("-oProxyCommand=x:repo", "option"),
])  # fmt: skip
def test_url_kinds_follow_gits_own_rules(url: str, kind: str) -> None:
    from generator.provenance.remote_urls import url_kind

    assert url_kind(url) == kind


def test_policy_allows_config_schemes_for_upstreams_and_local_only_for_the_config() -> None:
    from generator.provenance.remote_urls import UrlPolicy

    policy = UrlPolicy.from_options({"sync_url_schemes": ["https"]}, config_urls={"file:///srv/mine"})
    assert policy.refusal("https://example.org/x", from_config=False) == ""
    assert "ssh" in policy.refusal("ssh://example.org/x", from_config=False)
    assert policy.refusal("file:///srv/mine", from_config=False) == ""  # the config itself names it
    assert "local" in policy.refusal("/srv/other", from_config=False)
    assert policy.refusal("/srv/other", from_config=True) == ""
    assert "transport" in policy.refusal("ext::sh", from_config=True)
