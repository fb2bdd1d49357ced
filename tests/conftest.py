"""Shared fixtures: real CK repositories in tmp_path and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.ck.store import Repo
from generator.cli.main import cli

pytest_plugins = ["tests.browser_support"]


@pytest.fixture(autouse=True)
def _no_ck_repos(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CK_REPOS (CK's repository list, an extra kb source) never leaks into a test."""
    monkeypatch.delenv("CK_REPOS", raising=False)


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


@pytest.fixture(scope="session")
def project_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The portal built from the project's real mkdocs.yml (all of kb/), ONCE per test session:
    xdist workers share it through a file lock. Read it, never write into it."""
    from filelock import FileLock

    from generator.ops.build import build_site

    config = Path(__file__).resolve().parents[1] / "mkdocs.yml"
    if worker_id == "master":
        return build_site(config, site_dir=tmp_path_factory.mktemp("project") / "site")
    shared = tmp_path_factory.getbasetemp().parent / "project-site"
    with FileLock(str(shared) + ".lock"):
        if not (shared / "done").exists():
            build_site(config, site_dir=shared / "site")
            (shared / "done").write_text("ok\n")
    return shared / "site"
