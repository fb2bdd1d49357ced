"""Every kb command that prints names, titles, tags or paths from a repository prints them inert
(issue #14, defect 10; terminal side): a hostile entry or repository name holding terminal escape
sequences, bidi overrides, line separators or GitHub workflow commands reaches neither a terminal
nor a CI log raw, in plain text output as in JSON — and the quick ``kb list`` path declines such
names so that the full command (which makes them inert) answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from generator.ck.store import Repo
from generator.cli.quick_list import quick_list
from tests.hostile_corpus import write_entry
from tests.test_ci_output_is_inert import workflow_commands

HOSTILE_NAMES = (
    "t\x1b]0;owned\x07",  # OSC: sets the terminal's title
    "c\x1b[2J\x1b[31mred",  # CSI: clears the screen, paints red
    "n\n::error::injected",
    "::warning::leading",
    "q##[add-mask]legacy",
    "r\u202egnp.exe",
    "s\u2028t",
    "u\x9b31m",  # C1 CSI
    "p%0A::notice::pre-escaped",
)
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028")


def _raw_in(text: str) -> list[str]:
    """The dangerous characters and commands a terminal or GitHub's runner would act on."""
    return [repr(c) for c in RAW if c in text] + workflow_commands(text)


@pytest.fixture
def hostile_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A repository whose entries have hostile folder names, titles and tags (written raw, as a PR could)."""
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    repo = Repo.init(tmp_path / "r", "r")
    repo.add("model", "good", meta={"tags": ["model"], "description": "needle"})
    for number, name in enumerate(HOSTILE_NAMES, start=1):
        write_entry(repo.path, "model", name, f"{number:016x}", meta={"tags": ["model", name], "description": "needle"},
                    info={"data_name": f"title {name}"})  # fmt: skip
    return repo


def _printed(result: Result) -> str:
    return result.stdout + result.stderr


def test_list_find_load_and_rm_print_hostile_names_inert(hostile_repo: Repo, run_cli: Callable[..., Result]) -> None:
    base = ["-R", str(hostile_repo.path)]
    listed = run_cli([*base, "list"])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == len(HOSTILE_NAMES) + 1
    assert "r:model:t\\u001b]0;owned\\u0007" in listed.stdout.splitlines()
    outputs = {"list": listed, "list --json": run_cli([*base, "list", "--json"]),
               "find": run_cli([*base, "find", "model:0000000000000001"]),
               "load": run_cli([*base, "load", "model:0000000000000002"]),
               "rm": run_cli([*base, "rm", "model:0000000000000004"])}  # fmt: skip
    for label, result in outputs.items():
        assert result.exit_code == 0, (label, _printed(result))
        assert _raw_in(_printed(result)) == [], label


def test_search_prints_hostile_names_titles_and_tags_inert(hostile_repo: Repo, run_cli: Callable[..., Result]) -> None:
    result = run_cli(["-R", str(hostile_repo.path), "search", "needle", "--all", "--facets"])
    assert result.exit_code == 0, _printed(result)
    assert f"{len(HOSTILE_NAMES) + 1} of {len(HOSTILE_NAMES) + 1} matches" in result.stdout
    assert "title t\\u001b]0;owned\\u0007" in result.stdout
    assert _raw_in(_printed(result)) == []


def test_repo_list_prints_a_hostile_repository_alias_inert(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    desc = json.loads((repo.path / ".ckr.json").read_text())
    desc["data_alias"] = desc["data_uoa"] = "r\x1b[31m::error::x"
    (repo.path / ".ckr.json").write_text(json.dumps(desc))
    result = run_cli(["-R", str(repo.path), "repo", "list"])
    assert result.exit_code == 0 and "\\u001b" in result.stdout
    assert _raw_in(_printed(result)) == []


def test_quick_list_leaves_hostile_names_to_the_full_command(hostile_repo: Repo) -> None:
    assert quick_list(["-R", str(hostile_repo.path), "list"]) is None
    done = subprocess.run([sys.executable, "-m", "generator", "-R", str(hostile_repo.path), "list"],
                          capture_output=True, timeout=120, env={**os.environ, "CK_REPOS": ""})  # fmt: skip
    printed = done.stdout.decode("utf-8")
    assert done.returncode == 0 and len(printed.splitlines()) == len(HOSTILE_NAMES) + 1
    assert _raw_in(printed) == []


@pytest.mark.parametrize(("name", "answered"), [("a%41b", False), ("b##[c", False), ("x::y", True), ("p-1.2_x", True)])
def test_quick_list_answers_only_names_inert_leaves_as_they_are(name: str, answered: bool, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    write_entry(repo.path, "model", name, "0000000000000001", meta={"tags": ["model"]})
    (repo.path / ".cm").mkdir(exist_ok=True)
    (repo.path / ".cm" / "alias-a-model").write_text("0000000000000099\n")  # the module, as ck add writes it
    assert quick_list(["-R", str(repo.path), "list"]) == ([f"r:model:{name}"] if answered else None)


def test_the_terminal_status_line_shows_logged_names_inert_and_without_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from rich.text import Text

    from generator.cli import progress

    shown: list[str] = []

    class Console:  # stands in for rich's: records what the status line would draw
        def __init__(self, **_: object) -> None:
            pass

        def status(self, text: str) -> Any:
            shown.append(text)
            return type("Status", (), {"start": lambda self: None, "stop": lambda self: None})()

    monkeypatch.setattr("rich.console.Console", Console)
    line = progress._StatusLine("Building")
    line.emit(logging.makeLogRecord({"msg": "reading %s", "args": ("m\x1b]0;t\x07[link=https://evil.example]x[/link]",),
                                     "levelno": logging.INFO}))  # fmt: skip
    (text,) = shown
    drawn = Text.from_markup(text)
    assert "\x1b" not in drawn.plain and "\x07" not in drawn.plain
    assert "[link=https://evil.example]x[/link]" in drawn.plain and not drawn.spans
