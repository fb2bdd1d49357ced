"""The "Use it" commands of component pages work: each shown kb and ck command is run, as printed,
against a local clone (a real Git repository in tmp_path whose URL the page is built from), with
kb and with the real ck==2.6.4, for a data set, a model, a program and a result page."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.config import RepoSource
from generator.portal.component import SiteModel, build_site_model, render_component
from generator.portal.usage import Origin, git_url, origin_of
from tests.portal_fixture import commit_all

pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")

pytestmark = pytest.mark.ck
CK = Path(sys.executable).with_name("ck")
PAGES = [("dataset", "digits"), ("model", "tiny-net"), ("program", "hello-py"), ("result", "r1")]


def _make_lab(folder: Path, url: str) -> None:
    """A CK repository 'lab' with one entry per page type; the program is one kb can run."""
    repo = Repo.init(folder, "lab", url=url)
    repo.add("dataset", "digits", name="Digits", meta={"tags": ["dataset"], "size": 1797})
    repo.add("model", "tiny-net", name="Tiny net", meta={"tags": ["model"], "dataset_uoa": "digits"})
    program = repo.add("program", "hello-py", name="Hello", meta={
        "tags": ["program"], "run_cmds": {"default": {"run_time": {"run_cmd_main": "python hello.py"}}}})
    (program.ref.path / "hello.py").write_text("print(sum(range(1000)))\n")
    repo.add("result", "r1", name="Hello on a laptop",
             meta={"tags": ["result"], "program_uoa": "hello-py", "submitter": "Lab"})  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteModel]:
    """The repository as a Git repository of its own, its .ckr.json naming its (file://) URL."""
    folder = tmp_path_factory.mktemp("lab-origin")
    _make_lab(folder, folder.as_uri())
    commit_all(folder, "lab entries", "2025-01-02T03:04:05+00:00")
    return folder, build_site_model(Corpus.load(Workspace.open([folder])), history=False)


def _commands(site: SiteModel, module: str, alias: str) -> dict[str, list[str]]:
    """The commands each tool's block of the page shows, as a reader would copy them."""
    (entry,) = site.corpus.lookup(module, alias)
    soup = BeautifulSoup(render_component(entry, site).body_html, "html.parser")
    found = {}
    for tool in ("kb", "ck"):
        block = soup.find("h3", id=f"use-{tool}").find_next("pre", class_="kb-cmd")
        found[tool] = block.get_text().splitlines()
    return found


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    program = {"kb": [sys.executable, "-m", "generator"], "ck": [str(CK)]}.get(argv[0], argv[:1])
    result = subprocess.run([*program, *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 0, f"{command!r} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _loaded_tags(output: str) -> list[str]:
    data = json.loads(output)
    meta = data.get("dict", data)  # ck load prints {dict, info, desc, …}; kb load prints the meta
    return meta["tags"]


@pytest.mark.parametrize(("module", "alias"), PAGES)
def test_shown_kb_commands_fetch_the_entry_from_its_repository(
    lab: tuple[Path, SiteModel], module: str, alias: str, tmp_path: Path
) -> None:
    _, site = lab
    commands = _commands(site, module, alias)["kb"]
    assert commands[0].startswith("kb sync --url file://")
    env = {**os.environ, "KB_CACHE_DIR": str(tmp_path / "cache")}
    outputs = [_run(command, tmp_path, env) for command in commands]
    assert commands[1] == f"kb load lab:{module}:{alias}"
    assert module in _loaded_tags(outputs[1].stdout)
    if module == "program":  # kb can run this one: the page shows how, and the run records a result
        assert commands[2:] == ["kb repo init my-runs", "kb run lab:program:hello-py -n 3 --repo-out my-runs"]
        assert list((tmp_path / "my-runs" / "result").glob("hello-py-*/.cm/meta.json"))
    else:
        assert len(commands) == 2


@pytest.mark.parametrize(("module", "alias"), PAGES)
def test_shown_ck_commands_pull_the_repository_and_load_the_entry_with_real_ck(
    lab: tuple[Path, SiteModel], module: str, alias: str, tmp_path: Path
) -> None:
    _, site = lab
    commands = _commands(site, module, alias)["ck"]
    assert commands[0].startswith("ck pull repo --url=file://")
    env = {**os.environ, "CK_REPOS": str(tmp_path / "ck-repos")}
    outputs = [_run(command, tmp_path, env) for command in commands]
    assert commands[-1] == f"ck load lab:{module}:{alias} --min"
    assert module in _loaded_tags(outputs[-1].stdout)


def test_a_repository_inside_the_portal_project_is_cloned_then_imported(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _make_lab(project / "kb" / "lab", "")
    commit_all(project, "project", "2025-01-02T03:04:05+00:00")
    corpus = Corpus.load(Workspace.open([project / "kb" / "lab"]))
    site = build_site_model(corpus, site_root=project, site_repo_url=project.as_uri(), history=False)
    commands = _commands(site, "dataset", "digits")
    assert commands["ck"][:2] == [f"git clone {project.as_uri()} kb-source",
                                  "ck import repo --path=kb-source/kb/lab --quiet"]  # fmt: skip
    assert commands["kb"][0] == f"kb sync --url {project.as_uri()} --subdir kb/lab"
    for tool, env in (("kb", {"KB_CACHE_DIR": str(tmp_path / "cache")}), ("ck", {"CK_REPOS": str(tmp_path / "ck")})):
        work = tmp_path / f"reader-{tool}"
        work.mkdir()
        outputs = [_run(command, work, {**os.environ, **env}) for command in commands[tool]]
        assert "dataset" in _loaded_tags(outputs[-1].stdout)


def test_a_repository_with_no_url_anywhere_is_used_from_a_checkout_of_the_portal(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _make_lab(project / "kb" / "lab", "")
    (project / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - kb:\n      repos:\n        - kb/lab\n")
    site = build_site_model(Corpus.load(Workspace.open([project / "kb" / "lab"])), site_root=project, history=False)
    commands = _commands(site, "model", "tiny-net")
    assert commands == {"kb": ["kb sync", "kb load lab:model:tiny-net"],
                        "ck": ["ck import repo --path=kb/lab --quiet", "ck load lab:model:tiny-net --min"]}
    env = {**os.environ, "KB_CACHE_DIR": str(tmp_path / "cache"), "CK_REPOS": str(tmp_path / "ck")}
    for tool in ("kb", "ck"):
        outputs = [_run(command, project, env) for command in commands[tool]]
        assert "model" in _loaded_tags(outputs[-1].stdout)


def test_origins_prefer_the_synced_source_then_ckr_url_then_the_project() -> None:
    root = Path("/p")
    synced = RepoSource(url="https://github.com/a/b", subdir="ck")
    assert origin_of(root / "x", "https://x", synced, root, "") == Origin("https://github.com/a/b", "ck")
    assert origin_of(root / "x", " https://github.com/c/d ", None, root, "") == Origin("https://github.com/c/d")
    assert origin_of(root / "kb" / "x", "", None, root, "https://github.com/me/kb") == Origin(
        "https://github.com/me/kb", "kb/x")
    assert origin_of(root / "kb" / "x", "", None, root, "") == Origin(local="kb/x")


def test_a_url_a_shell_would_read_as_more_than_a_url_gives_no_command() -> None:
    assert git_url("https://github.com/a/b") == "https://github.com/a/b"
    for hostile in ("https://x/$(rm -rf ~)", "https://x/a b", "-uhttps://x", "https://x/;id", "javascript:alert(1)"):
        assert git_url(hostile) == ""
