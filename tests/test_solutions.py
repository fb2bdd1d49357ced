"""Solutions: the embedded solutions' pages show their workflow resolved to entries (per platform where
that differs), the commands that reproduce them, and their results across platforms on their own
dashboards; the commands shown run with kb and the real ck, and ``kb run solution:NAME`` records a
result that validates and is on the solution's dashboard after a rebuild."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import Result

from generator.ck.store import Repo
from generator.ops.build import build_site
from generator.schema.entry_checks import check_entry
from generator.schema.loader import load_schemas
from tests.portal_fixture import commit_all

ROOT = Path(__file__).resolve().parents[1]
REAL = ("mlperf-image-classification-tflite-arm", "mobilenets-armcl-study", "ssd-mobilenet-coco-object-detection")
RunCli = Callable[..., Result]


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _results_selected(solution: str) -> set[str]:
    """The result UIDs a solution's filter selects, read from the raw files of kb/."""
    meta = json.loads((ROOT / "kb" / "reef-core" / "solution" / solution / ".cm" / "meta.json").read_text())
    wanted = meta["results"]
    found = set()
    for path in ROOT.glob("kb/*/result/*/.cm/meta.json"):
        result = json.loads(path.read_text())
        if all(str(result.get(k, "")) in v for k, v in wanted.items()):
            found.add(json.loads((path.parent / "info.json").read_text())["backup_data_uid"])
    return found


def test_the_embedded_solutions_follow_the_schema_and_a_step_needs_a_title(tmp_path: Path) -> None:
    schemas, core = load_schemas(), Repo.open(ROOT / "kb" / "reef-core")
    solutions = [core.load(core.find("solution", name)) for name in (*REAL, "matmul-python-cpu")]
    assert [check_entry(entry, schemas) for entry in solutions] == [[]] * 4
    repo = Repo.init(tmp_path / "kb")
    bad = repo.add("solution", "bad", meta={"tags": ["solution"], "steps": [{"description": "no title"}],
                                            "results": {"benchmark": "one"}})  # fmt: skip
    found = {(d.json_path, d.message) for d in check_entry(bad, schemas)}
    assert {path for path, _ in found} == {"$", "$.steps[0]", "$.results.benchmark"}, found
    assert any("workflow" in message for path, message in found if path == "$")


@pytest.mark.parametrize("solution", REAL)
def test_a_solution_page_shows_its_resolved_workflow_and_its_dashboards(project_site: Path, solution: str) -> None:
    page = _soup(project_site / "solution" / solution / "index.html")
    meta = json.loads((ROOT / "kb" / "reef-core" / "solution" / solution / ".cm" / "meta.json").read_text())
    graph = page.select_one(".kb-solution svg.kb-graph")
    assert graph is not None
    assert f"../../program/{meta['program_uoa']}/" in [a["href"] for a in graph.select("a")]
    needs = page.select(".kb-workflow-deps tbody tr")
    assert needs and any(tr.select("td a") for tr in needs), "a dependency resolved to an entry of the KB"
    boards = [a["href"] for a in page.select(".kb-solution-boards a")]
    assert boards and all(href.startswith("../../dashboards/solution-") for href in boards)
    uids = set()
    for href in boards:
        data = json.loads((project_site / href.removeprefix("../../") / "data.json").read_text())
        uids |= {record["uid"] for record in data}
        board = project_site / href.removeprefix("../../")
        assert (board / "index.html").is_file() and (board / "chart.svg").read_text().startswith("<svg")
    assert uids == _results_selected(solution) and len(uids) >= 10


def test_dependencies_that_differ_by_platform_are_shown_per_operating_system(project_site: Path) -> None:
    page = _soup(project_site / "solution" / "mlperf-image-classification-tflite-arm" / "index.html")
    heads = [th.get_text(" ", strip=True) for th in page.select(".kb-workflow-deps thead th")]
    assert any(h.startswith("Linux:") for h in heads) and any(h.startswith("Android:") for h in heads)
    tflite = next(tr for tr in page.select(".kb-workflow-deps tbody tr") if "tensorflow-lite" in tr.get_text())
    cells = dict(zip(heads, [c.get_text(" ", strip=True) for c in tflite.select("th, td")], strict=True))
    linux = next(v for k, v in cells.items() if k.startswith("Linux:"))
    android = next(v for k, v in cells.items() if k.startswith("Android:"))
    assert "lib-tflite-1.15.0-rc2-src-static" in linux and android == "not in this knowledge base"


def _project(tmp_path: Path) -> Path:
    """A checkout holding reef-core (the solution, its program and components) and a portal config."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "kb" / "reef-core", project / "kb" / "reef-core", ignore=shutil.ignore_patterns("*.lock"))
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# KB\n")
    (project / ".gitignore").write_text("site/\n")
    (project / "mkdocs.yml").write_text("site_name: KB\ntheme:\n  name: material\n  font: false\n"
                                        "plugins:\n  - kb:\n      repos: [kb/reef-core]\n")  # fmt: skip
    commit_all(project, "a checkout", "2025-01-02T03:04:05+00:00")
    return project


def _commands(site: Path, solution: str) -> tuple[list[str], list[str]]:
    page = _soup(site / "solution" / solution / "index.html")
    shown = [code.get_text() for code in page.select(".kb-solution pre.kb-cmd code")]
    return [c for c in shown if c.startswith("kb ")], [c for c in shown if c.startswith("ck ") and " run " not in c]


def _ck(project: Path, home: Path, command: str) -> subprocess.CompletedProcess[str]:
    ck = shutil.which("ck", path=str(Path(sys.executable).parent)) or "ck"
    return subprocess.run([ck, *command.split()[1:]], cwd=project, env={**os.environ, "CK_REPOS": str(home)},
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


@pytest.mark.slow
def test_the_shown_commands_run_and_kb_run_puts_a_result_on_the_solutions_dashboard(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    site = build_site(project / "mkdocs.yml", site_dir=tmp_path / "site")
    kb, ck = _commands(site, "matmul-python-cpu")
    assert kb[0] == "kb load reef-core:solution:matmul-python-cpu"
    assert "kb run reef-core:solution:matmul-python-cpu -n 3" in kb
    assert ck == ["ck import repo --path=kb/reef-core --quiet", "ck load solution:matmul-python-cpu",
                  "ck load program:matmul-python"]  # fmt: skip
    for command in kb:
        if command == "kb build":
            continue  # built below, into the test's site folder
        done = run_cli(command.split()[1:])
        assert done.exit_code == 0, f"{command}: {done.stderr}"
    (result,) = [p for p in (project / "kb" / "reef-core" / "result").iterdir() if not p.name.startswith(".")]
    meta = json.loads((result / ".cm" / "meta.json").read_text())
    assert meta["solution_uoa"] == "matmul-python-cpu" and meta["benchmark"] == "reef-kb/matmul-python"
    platform = Repo.open(project / "kb" / "reef-core").find("platform", meta["platform_uoa"])
    assert platform is not None, "the result names this machine's platform entry"
    uid = json.loads((result / ".cm" / "info.json").read_text())["backup_data_uid"]
    rebuilt = build_site(project / "mkdocs.yml", site_dir=tmp_path / "site")
    data = json.loads((rebuilt / "dashboards" / "solution-matmul-python-cpu" / "data.json").read_text())
    assert [r["uid"] for r in data] == [uid]
    home = tmp_path / "ck-home"
    for command in ck:
        done = _ck(project, home, command)
        assert done.returncode == 0, f"{command}: {done.stdout} {done.stderr}"


@pytest.mark.slow
def test_the_real_solutions_commands_run_with_kb_and_ck(
    project_site: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")
    project, home = _project(tmp_path), tmp_path / "ck-home"
    monkeypatch.chdir(ROOT)  # the checkout the portal was built from
    for solution in REAL:
        kb, ck = _commands(project_site, solution)
        assert kb == [f"kb load reef-core:solution:{solution}"], "not runnable here: kb shows it, ck runs it"
        done = run_cli(kb[0].split()[1:])
        meta = json.loads((ROOT / "kb" / "reef-core" / "solution" / solution / ".cm" / "meta.json").read_text())
        assert done.exit_code == 0 and json.loads(done.stdout) == meta
        assert ck[0] == "ck import repo --path=kb/reef-core --quiet" and ck[1] == f"ck load solution:{solution}"
        for command in ck if solution == REAL[0] else ck[1:]:  # the repository is registered once
            done_ck = _ck(project, home, command)
            assert done_ck.returncode == 0, f"{command}: {done_ck.stdout} {done_ck.stderr}"


def test_kb_run_refuses_a_solution_whose_program_needs_the_ck_workflow(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    done = run_cli(["run", "solution:mobilenets-armcl-study", "-n", "1"])
    assert done.exit_code == 2 and "needs the CK workflow" in done.stderr
    assert not (project / "kb" / "reef-core" / "result").exists()
