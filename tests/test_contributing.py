"""CONTRIBUTING.md's commands run as written, so the guide cannot drift from the tool."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"


def console_commands(text: str) -> list[str]:
    """Every '$ command' line of the guide's ```console blocks, in order."""
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)
    return [line[2:].strip() for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_the_guide_has_both_flows() -> None:
    commands = console_commands(GUIDE.read_text())
    assert any(c.startswith("kb new ") for c in commands) and any(c.startswith("kb run ") for c in commands)
    assert sum(c.startswith("kb submit") for c in commands) == 2


@pytest.mark.slow
def test_every_command_of_the_guide_runs_in_a_fresh_clone(tmp_path: Path) -> None:
    project = tmp_path / "kb-project"
    shutil.copytree(ROOT / "kb" / "reef-core", project / "kb" / "reef-core",
                    ignore=shutil.ignore_patterns(".kb-*", "result"))  # fmt: skip
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# KB\n")
    (project / "mkdocs.yml").write_text("site_name: KB\nplugins:\n  - kb:\n      repos: [kb/reef-core]\n")
    repo = git.Repo.init(project, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Contributor")
        cfg.set_value("user", "email", "contributor@example.org")
    repo.git.add("-A")
    repo.git.commit("-m", "fork of the knowledge base")
    bare = tmp_path / "origin.git"
    git.Repo.clone_from(project, bare, bare=True)
    repo.create_remote("origin", bare.as_uri())
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in console_commands(GUIDE.read_text()):
        done = subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    branches = {h.name for h in git.Repo(bare).heads}
    assert len(branches - {"main"}) == 2, branches
