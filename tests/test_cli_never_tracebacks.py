"""CLI input beyond what JSON files may hold is a clear usage error (issue #14, defect 11), and
``kb validate`` / ``kb doctor`` never report a kb write caught half done as a broken layout."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.store import Repo
from generator.schema.alias_checks import ALIAS_CODES

HUGE_VALUES = {
    "NaN": "NaN",
    "infinity": "-Infinity",
    "NaN inside": '{"a": [1, NaN]}',
    "1e999": "1e999",
    "1e999 inside": "[1, 1e400]",
    "50k-deep": "[" * 50_000 + "]" * 50_000,
    "65-deep": "[" * 65 + "]" * 65,
    "5000 digits": "9" * 5000,
    "lone surrogate": '"\\ud800"',
}


def _clean_error(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and stderr.startswith("Error: ")
    assert len(stderr.splitlines()) <= 2  # the error and its hint
    return stderr


@pytest.mark.parametrize("value", HUGE_VALUES.values(), ids=HUGE_VALUES.keys())
@pytest.mark.parametrize("command", ["add", "update", "new"])
def test_set_with_a_value_no_json_file_may_hold_is_a_usage_error(repo: Repo, run_cli: Callable, command: str,
                                                                 value: str) -> None:  # fmt: skip
    repo.add("model", "there", meta={"tags": ["model"]})
    cid = {"add": "model:fresh", "update": "model:there", "new": "fresh"}[command]
    args = ["-R", str(repo.path), *(["new", "model"] if command == "new" else [command]), cid, "--set", f"x={value}"]
    result = run_cli(args)
    assert result.exit_code == 2
    assert "--set x" in _clean_error(result)
    assert repo.find("model", "fresh") is None
    assert "x" not in repo.load(repo.find("model", "there")).meta  # type: ignore[arg-type]


def test_set_keeps_text_that_is_not_json(repo: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(repo.path), "add", "model:text", "--set", "x=[1,2", "--set", "y=12"])
    assert result.exit_code == 0
    assert repo.load(repo.find("model", "text")).meta == {"x": "[1,2", "y": 12}  # type: ignore[arg-type]


def test_meta_file_with_an_infinite_number_is_a_clear_error(repo: Repo, run_cli: Callable, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text('{"x": 1e999}')
    result = run_cli(["-R", str(repo.path), "add", "model:fresh", "--meta", str(meta)])
    assert result.exit_code == 1 and str(meta) in _clean_error(result)


def test_an_entry_holding_1e999_is_updated_with_a_clear_error(repo: Repo, run_cli: Callable) -> None:
    entry = repo.add("model", "inf", meta={"tags": ["model"]})
    (entry.ref.path / ".cm" / "meta.json").write_text('{"tags": ["model"], "x": 1e999}')
    result = run_cli(["-R", str(repo.path), "update", "model:inf", "--set", "y=1"])
    assert result.exit_code == 1 and "infinite" in _clean_error(result)


def test_bytes_that_are_not_utf8_on_the_command_line_are_refused(repo: Repo, tmp_path: Path) -> None:
    tags = b"a\xffb"
    done = subprocess.run([sys.executable, "-m", "generator", "-R", str(repo.path).encode(), "add", b"model:x",
                           b"--tags", tags], capture_output=True, text=True)  # fmt: skip
    assert done.returncode in (1, 2) and "UTF-8" in _clean_error(done)
    assert repo.find("model", "x") is None


@pytest.mark.parametrize("where", ["/proc/kb-repo", "/etc/hostname/kb-repo"])
def test_repo_init_where_no_folder_can_be_made_is_a_clear_error(run_cli: Callable, where: str) -> None:
    result = run_cli(["repo", "init", where])
    assert result.exit_code == 2 and where in _clean_error(result)


WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from generator.ck.lock import RepoLock
    module = Path(sys.argv[1]) / "model"
    uid = sys.argv[2]
    with RepoLock(module.parent):  # what 'kb ren old new' does, one step at a time, slowly
        os.rename(module / "old", module / "new")
        print("mid-change", flush=True)
        time.sleep(float(sys.argv[3]))
        (module / ".cm" / "alias-a-new").write_text(uid + "\\n")
        (module / ".cm" / f"alias-u-{uid}").write_text("new\\n")
        (module / ".cm" / "alias-a-old").unlink()
""")


def _start_writer(repo: Repo, tmp_path: Path) -> subprocess.Popen[str]:
    """A kb-like writer holding the repository lock halfway through renaming model:old to new."""
    ref = repo.find("model", "old")
    assert ref is not None
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    process = subprocess.Popen([sys.executable, str(script), str(repo.path), ref.uid, "1.5"],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().strip() == "mid-change"
    return process


@pytest.fixture
def writer(repo: Repo, tmp_path: Path) -> subprocess.Popen[str]:
    repo.add("model", "old", meta={"tags": ["model"]})
    return _start_writer(repo, tmp_path)


def test_validate_during_a_write_reports_the_settled_layout(repo: Repo, run_cli: Callable,
                                                            writer: subprocess.Popen[str]) -> None:  # fmt: skip
    result = run_cli(["-R", str(repo.path), "validate", "--format", "json"])
    writer.communicate(timeout=60)
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] in ALIAS_CODES]
    assert found == [] and result.exit_code == 0


def test_changed_only_validate_during_a_write_reports_the_settled_layout(repo: Repo, run_cli: Callable,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    repo.add("model", "old", meta={"tags": ["model"]})
    git = ["git", "-C", str(repo.path), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    writer = _start_writer(repo, tmp_path)
    result = run_cli(["-R", str(repo.path), "validate", "--changed-since", "HEAD", "--format", "json"])
    writer.communicate(timeout=60)
    assert [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] in ALIAS_CODES] == []


def test_doctor_during_a_write_reports_the_settled_layout(repo: Repo, run_cli: Callable,
                                                          writer: subprocess.Popen[str]) -> None:  # fmt: skip
    result = run_cli(["-R", str(repo.path), "doctor"])
    writer.communicate(timeout=60)
    assert result.exit_code == 0, result.stdout
