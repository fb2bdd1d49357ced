"""CLI conventions every command keeps: NO_COLOR and TERM=dumb, exit 2 for usage errors, and shell
completion that knows the entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.ck.store import Repo
from generator.cli.main import cli


@pytest.fixture
def kb(tmp_path: Path) -> Repo:
    """A repository with two models and a program."""
    repo = Repo.init(tmp_path / "demo", "demo")
    repo.add("model", "resnet50", meta={"tags": ["model", "resnet"], "name": "ResNet-50 residual network"})
    repo.add("model", "mobilenet", meta={"tags": ["model"]})
    repo.add("program", "bench", meta={"tags": ["program"]})
    return repo


def _search(kb: Repo, tmp_path: Path, **env: str) -> str:
    runner = CliRunner()
    env = {"KB_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "", "TERM": "xterm", **env}
    done = runner.invoke(cli, ["-R", str(kb.path), "search", "resnet50"], env=env, color=True)
    assert done.exit_code == 0, done.output
    return done.stdout


def test_search_is_bold_on_a_colour_terminal(kb: Repo, tmp_path: Path) -> None:
    assert "\x1b[1m" in _search(kb, tmp_path)


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_a_dumb_terminal_get_plain_text_from_every_command(kb: Repo, tmp_path: Path,
                                                                        env: dict[str, str]) -> None:  # fmt: skip
    assert "\x1b[" not in _search(kb, tmp_path, **env)


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_validate_on_a_terminal_is_plain_with_no_color_or_term_dumb(kb: Repo, env: dict[str, str]) -> None:
    (kb.path / "model" / "mobilenet" / ".cm" / "meta.json").write_text('{"tags": "not-a-list"}\n')
    done = CliRunner().invoke(cli, ["-R", str(kb.path), "validate"], env={"NO_COLOR": "", "TERM": "xterm", **env},
                              color=True)  # fmt: skip
    assert done.exit_code == 1 and "error:" in done.stdout and "\x1b[" not in done.stdout


USAGE_ERRORS = [
    ["-R", "{tmp}/nowhere", "list"],
    ["-R", "{tmp}", "list"],  # a folder that is not a CK repository
    ["-c", "{tmp}/missing.yml", "list"],
    ["-R", "{kb}", "list", "--bogus"],
    ["-R", "{kb}", "load", "model:*"],
    ["-R", "{kb}", "update", "model:resnet50", "--set", "novalue"],
    ["-R", "{kb}", "list", "a:b:c:d"],
    ["-R", "{kb}", "validate", "--changed-since", "HEAD"],  # not a Git checkout
    ["-R", "{kb}", "pr-report", "--base", "main"],
    ["-R", "{kb}", "rm", "model:*"],  # no answer to 'Delete 2 entries?'
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=lambda a: " ".join(a).replace("{kb}", "KB").replace("{tmp}", "TMP"))
def test_every_usage_error_exits_2_with_one_clear_message(args: list[str], kb: Repo, tmp_path: Path) -> None:
    real = [a.replace("{kb}", str(kb.path)).replace("{tmp}", str(tmp_path)) for a in args]
    done = CliRunner().invoke(cli, real, input="")
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output and ("Error" in done.stderr or "Usage" in done.stderr)


def test_rm_with_no_answer_deletes_nothing(kb: Repo) -> None:
    CliRunner().invoke(cli, ["-R", str(kb.path), "rm", "model:*"], input="")
    assert (kb.path / "model" / "resnet50").is_dir() and (kb.path / "model" / "mobilenet").is_dir()


def _complete(kb: Repo, words: str) -> list[str]:
    env = {"_KB_COMPLETE": "bash_complete", "COMP_WORDS": f"kb -R {kb.path} {words}",
           "COMP_CWORD": str(len(f"kb -R x {words}".split(" ")) - 1)}  # fmt: skip
    done = CliRunner().invoke(cli, [], env=env, prog_name="kb")
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_completion_offers_modules_and_repositories_first(kb: Repo) -> None:
    assert _complete(kb, "load ") == ["model:", "program:", "demo:"]


def test_completion_offers_the_entries_of_a_module(kb: Repo) -> None:
    assert _complete(kb, "load model:") == ["model:mobilenet", "model:resnet50"]
    assert _complete(kb, "rm model:res") == ["model:resnet50"]


def test_completion_goes_through_a_repository_to_its_modules_and_entries(kb: Repo) -> None:
    assert _complete(kb, "find demo:") == ["demo:model:", "demo:program:"]
    assert _complete(kb, "find demo:program:") == ["demo:program:bench"]


def test_completion_outside_any_repository_offers_nothing_and_fails_nothing(tmp_path: Path) -> None:
    env = {"_KB_COMPLETE": "bash_complete", "COMP_WORDS": f"kb -R {tmp_path} load mo", "COMP_CWORD": "4"}
    done = CliRunner().invoke(cli, [], env=env, prog_name="kb")
    assert done.exit_code == 0 and done.stdout.strip() == ""


def test_sync_without_git_repositories_writes_no_lock_file(kb: Repo, tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: KB\nplugins:\n  - kb:\n      repos: [{kb.path}]\n")
    done = CliRunner().invoke(cli, ["-c", str(config), "sync"])
    assert done.exit_code == 0 and "nothing to sync" in done.stderr
    assert not (tmp_path / "kb.lock").exists()


def test_kb_run_tags_a_result_once_with_each_tag(kb: Repo) -> None:
    from generator.ops.platform_detect import detect_platform
    from generator.ops.run import result_meta

    program = kb.add("program", "tagged", meta={"tags": ["program", "kb-run", "demo", "demo"]})
    platform = kb.add("platform", "here", meta={"tags": ["platform"]})
    tags = result_meta(program, platform, detect_platform(), [0.1, 0.2])["tags"]
    assert tags == ["result", "kb-run", "demo"]
