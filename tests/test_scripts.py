"""The README's entry points (scripts/portal, scripts/test, .ci/run) parse, explain themselves, and
set up .venv only when needed. Each runs on a copy of scripts/ in tmp_path, never on the real .venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = ["scripts/portal", "scripts/test", ".ci/run"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with copies of scripts/ and pyproject.toml, and no .venv yet."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})  # fmt: skip


@pytest.mark.parametrize("script", ENTRY_POINTS)
def test_entry_point_is_executable_bash_that_parses(script: str) -> None:
    path = ROOT / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


def test_portal_help_explains_both_modes_without_touching_venv(project: Path) -> None:
    result = _run(["scripts/portal", "--help"], project)
    assert result.returncode == 0
    assert "scripts/portal                      set up .venv, validate kb/, build site/" in result.stdout
    assert "scripts/portal --serve [--port N]" in result.stdout
    assert not (project / ".venv").exists()


def test_portal_rejects_an_unknown_option_with_exit_2(project: Path) -> None:
    result = _run(["scripts/portal", "--srve"], project)
    assert result.returncode == 2
    assert result.stderr == "scripts/portal: unknown option --srve (use --serve, --port N)\n"
    assert not (project / ".venv").exists()


def test_portal_rejects_a_port_that_is_not_a_number_with_exit_2(project: Path) -> None:
    result = _run(["scripts/portal", "--serve", "--port", "80x"], project)
    assert result.returncode == 2
    assert result.stderr == "scripts/portal: --port needs a number, got '80x'\n"
    assert not (project / ".venv").exists()


def test_setup_refuses_a_python_older_than_3_10_clearly(project: Path) -> None:
    result = _run(["scripts/portal"], project, PYTHON="false")
    assert result.returncode == 2
    assert "Reef KB needs Python 3.10 or newer" in result.stderr
    assert not (project / ".venv").exists()


def test_setup_skips_the_install_when_the_stamp_is_newer_than_pyproject(project: Path) -> None:
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(sys.executable)
    stamp = project / ".venv" / ".reef-kb-installed"
    stamp.touch()
    os.utime(project / "pyproject.toml", (1_000_000_000, 1_000_000_000))
    result = _run(["-c", 'source scripts/_setup.sh ""; echo "PATH=$PATH"'], project)
    assert result.returncode == 0, result.stderr
    assert "reef-kb already installed in .venv" in result.stdout
    assert f"PATH={venv_bin}:" in result.stdout


def test_ci_run_is_scripts_test_with_ci_true_then_the_oldest_dependencies() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "export CI=true" in lines
    assert lines.index("bash scripts/test") < lines.index("exec bash scripts/test-min-deps")
    assert "-n 2" in (ROOT / "scripts" / "test").read_text()


def test_script_messages_carry_no_colour_codes_into_a_pipe_or_file(project: Path) -> None:
    result = _run(["-c", 'source scripts/_say.sh; say "step one"'], project)
    assert result.stdout == "==> step one\n"


def test_script_messages_are_plain_under_no_color_even_on_a_terminal(project: Path) -> None:
    command = f"script -qec 'NO_COLOR=1 bash -c \"source {project}/scripts/_say.sh; say hi\"' /dev/null"
    plain = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    coloured = subprocess.run(["bash", "-c", command.replace("NO_COLOR=1 ", "")], capture_output=True, text=True,
                              timeout=60)  # fmt: skip
    assert "\x1b[" not in plain.stdout and "hi" in plain.stdout
    assert "\x1b[1m==>" in coloured.stdout  # the same on a terminal without NO_COLOR: bold
