"""Shared fixtures: real CK repositories in tmp_path and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.ck.store import Repo
from generator.cli.main import cli

pytest_plugins = ["tests.browser_support"]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty CK repository created the way 'kb repo init' does."""
    return Repo.init(tmp_path / "testrepo", "testrepo")


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Invoke the kb CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(args: list[str], input: str | None = None) -> Result:
        return runner.invoke(cli, args, input=input, catch_exceptions=False)

    return run
