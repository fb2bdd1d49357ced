"""CI output can't carry workflow commands (issue #14, defect 10): names and values from a pull
request, printed by ``kb validate`` (every format), ``kb doctor``, ``kb build``'s log and the PR
impact report, never make a line GitHub would run as a command.

``workflow_commands`` reads output the way GitHub's runner does: a line whose text (after leading
white space) starts with ``::`` is a command, and so is a legacy ``##[name]`` anywhere in a line.
It splits lines on every line break Python knows, which is stricter than the runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ck.store import Repo
from generator.diagnostics import inert
from generator.ops.pr_entries import EntryChange, EntryChanges, FileChange
from generator.ops.pr_ranks import RankChange
from generator.ops.pr_report import ImpactReport

OURS = {"error", "warning", "notice"}
PAYLOADS = [
    "x\n::warning title=pwn::owned",
    "y\r::add-mask::secret",
    "z\r\n::error file=a::crlf",
    "u\u2028::notice::line-separator",
    "n\x85::warning::next-line",
    "v\x0b::warning::vertical-tab",
    "q ##[add-mask]legacy",
    "  ::stop-commands::tok",
    "\u3000::set-output name=a::b",
    "p%0A::warning::pre-escaped",
]


def workflow_commands(output: str) -> list[str]:
    """The workflow commands GitHub would run from ``output``: their names, in order."""
    found = []
    for line in output.splitlines():
        body = line.lstrip()
        if body.startswith("::"):
            found.append(body[2:].split("::")[0].split(" ")[0])
        if "##[" in line:
            found.append("legacy:" + line.split("##[", 1)[1].split("]")[0])
    return found


def _unescape_data(text: str) -> str:
    """What GitHub shows for a command's data part."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["", "x ", "  ", "::error file=a::"]))
def test_inert_text_never_starts_or_carries_a_command(text: str, prefix: str) -> None:
    line = prefix + inert(text)
    assert line.splitlines() == [line] or line == ""
    assert [c for c in workflow_commands(line) if not prefix.startswith("::")] == []
    assert workflow_commands(line) in ([], ["error"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u3000\xa0"),
               min_size=1).filter(lambda t: "##[" not in t and not t.lstrip().startswith("::")))
def test_annotation_data_shows_the_text_as_it_was(text: str) -> None:
    assert _unescape_data(inert(text)) == text


@pytest.fixture
def hostile(tmp_path: Path) -> Repo:
    """A repository whose entry, module and file names and meta values carry the payloads."""
    repo = Repo.init(tmp_path / "r", "r")
    template = repo.add("model", "good", meta={"tags": ["model"]})
    for number, payload in enumerate(PAYLOADS):
        entry = repo.path / "model" / payload
        shutil.copytree(template.ref.path, entry)
        (entry / ".cm" / "meta.json").write_text(json.dumps({"tags": payload}) if number % 2 else "{\"tags\": [1,")
        (entry / f"f{payload}.txt").symlink_to(tmp_path)
    module = repo.path / f"m{PAYLOADS[0]}"
    shutil.copytree(repo.path / "model", module, symlinks=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Hostile\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme:\n  name: material\n  font: false\n"
                                         "plugins:\n  - kb:\n      repos: [r]\n")  # fmt: skip
    return repo


def test_validate_in_every_format_prints_only_its_own_annotations(hostile: Repo, run_cli: Callable,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    base = ["-R", str(hostile.path), "validate"]
    count = len(json.loads(run_cli([*base, "--format", "json"]).stdout)["diagnostics"])
    assert count > 2 * len(PAYLOADS)
    github = run_cli([*base, "--format", "github", "-v"]).stdout
    commands = workflow_commands(github)
    assert set(commands) <= OURS and len(commands) == count
    for args in (["--format", "text", "-v"], ["--format", "sarif"], ["--format", "json"]):
        assert workflow_commands(run_cli([*base, *args]).stdout) == []
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert set(workflow_commands(run_cli(base).stdout)) <= OURS


def test_doctor_output_carries_no_command(hostile: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(hostile.path), "doctor"])
    assert result.exit_code == 1 and "symlink" in result.stdout
    assert workflow_commands(result.stdout + result.stderr) == []


def test_build_log_carries_no_command(hostile: Repo, tmp_path: Path) -> None:
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--site-dir", str(tmp_path / "site")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    log = done.stdout + done.stderr
    assert "Traceback" not in log and "invalid JSON" in log  # the hostile entries were logged
    assert workflow_commands(log) == []


def test_errors_quoting_data_carry_no_command(run_cli: Callable, tmp_path: Path) -> None:
    folder = tmp_path / "x\n::warning::from-an-error"
    folder.mkdir()
    result = run_cli(["-R", str(folder), "validate"])
    assert result.exit_code != 0 and "Error:" in result.stderr
    assert workflow_commands(result.stderr) == []


def test_pr_impact_report_carries_no_command() -> None:
    changes = [EntryChange(p, p, old_cid=p + "-old", old_title=p + "-was", files=(FileChange(p, "added"),))
               for p in PAYLOADS]  # fmt: skip
    report = ImpactReport(EntryChanges(changes, changes, changes, changes),
                          [RankChange(p, p, p, p, None, 1, 2) for p in PAYLOADS], base=PAYLOADS[0])  # fmt: skip
    assert workflow_commands(report.markdown()) == []


def test_undecodable_file_names_print_as_valid_utf8_in_every_format(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    entry = repo.add("model", "good", meta={"tags": ["model"]})
    shutil.copytree(entry.ref.path, os.fsdecode(os.fsencode(repo.path / "model") + b"/bad\xff"))
    printed = {}
    for fmt in ("text", "github", "json", "sarif"):
        done = subprocess.run([sys.executable, "-m", "generator", "-R", str(repo.path), "validate", "--format", fmt],
                              capture_output=True, timeout=300)  # fmt: skip
        printed[fmt] = done.stdout.decode("utf-8")  # raw undecodable bytes would raise here
        assert done.returncode == 1 and "bad" in printed[fmt], fmt
    paths = [d["path"] for d in json.loads(printed["json"])["diagnostics"] if d["code"] == "invalid-name"]
    assert [os.fsencode(p) for p in paths] == [os.fsencode(repo.path / "model") + b"/bad\xff/.cm/meta.json"]
