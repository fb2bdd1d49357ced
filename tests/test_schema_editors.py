"""Editors and other validators can use the published schemas as they are: check-jsonschema checks the
fixture files against the schema files offline, with no --base-uri, and reaches kb validate's verdict
on every file (the published files are the sources byte for byte: test_schema_pages.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from generator.ck.resolve import Workspace
from generator.ops.check import validate_workspace
from generator.schema.loader import schemas_dir

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "fixtures" / "ckrepos"
REEF_CASES = ["valid", "schema-errors", "cross-entry", "alias-files"]
UNREADABLE = {"parse", "bad-value", "duplicate-key", "symlink", "special-file", "limit"}
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def _schema_for(path: Path, repo: Path) -> str:
    """Which schema kb applies to a file: repo (.ckr.json), info (info.json), the module's (meta.json)."""
    if path.name == ".ckr.json":
        return "repo"
    return "info" if path.name == "info.json" else path.relative_to(repo).parts[0]


def _files(case: str) -> dict[str, list[Path]]:
    """The case's files per schema name (only schemas that exist)."""
    found: dict[str, list[Path]] = defaultdict(list)
    for repo in sorted((CASES / case / "repos").iterdir()):
        for path in [repo / ".ckr.json", *repo.glob("*/*/.cm/meta.json"), *repo.glob("*/*/.cm/info.json")]:
            name = _schema_for(path, repo)
            if path.is_file() and (schemas_dir() / f"{name}.schema.json").is_file():
                found[name].append(path)
    return found


def _kb_verdicts(case: str) -> tuple[dict[str, bool], set[str]]:
    """Per file: whether kb validate reports a schema error; and the files it could not read as JSON."""
    repos = sorted((CASES / case / "repos").iterdir())
    report = validate_workspace(Workspace.open(repos))
    failing = {str(Path(d.path).resolve()) for d in report.diagnostics if d.code == "schema"}
    unreadable = {str(Path(d.path).resolve()) for d in report.diagnostics if d.code in UNREADABLE}
    return {path: True for path in failing}, unreadable


def _check_jsonschema(schema: Path, files: list[Path]) -> set[str]:
    """The files check-jsonschema rejects, run offline (any network access fails at once)."""
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool, "check-jsonschema is in the test extras"
    done = subprocess.run([tool, "-o", "json", "--schemafile", str(schema), *map(str, files)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **OFFLINE})  # fmt: skip
    result = json.loads(done.stdout)
    assert done.returncode in (0, 1) and result.get("status") in ("ok", "fail"), done.stdout + done.stderr
    return {str(Path(error["filename"]).resolve()) for error in result.get("errors", [])}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema folder as the portal publishes it (the same bytes), away from the repository."""
    folder = tmp_path_factory.mktemp("site") / "schemas"
    shutil.copytree(schemas_dir(), folder)
    return folder


@pytest.mark.parametrize("case", REEF_CASES)
def test_check_jsonschema_reaches_kb_validates_verdict_on_every_fixture_file(case: str, published: Path) -> None:
    failing, unreadable = _kb_verdicts(case)
    checked = 0
    for name, files in _files(case).items():
        readable = [f for f in files if str(f.resolve()) not in unreadable]
        rejected = _check_jsonschema(published / f"{name}.schema.json", readable)
        for path in readable:
            key = str(path.resolve())
            assert (key in rejected) == failing.get(key, False), f"{path}: check-jsonschema and kb disagree"
            checked += 1
    assert checked >= 5


def test_the_fixtures_hold_files_both_accept_and_files_both_reject() -> None:
    failing, _ = _kb_verdicts("schema-errors")
    assert len(failing) >= 3 and _kb_verdicts("valid")[0] == {}


def test_schema_refs_resolve_to_sibling_files_not_to_a_remote_host() -> None:
    for path in schemas_dir().glob("*.schema.json"):
        text = path.read_text(encoding="utf-8")
        assert '"$id"' not in text and '"$ref": "https:' not in text and '"$ref": "http:' not in text


def test_the_projects_vs_code_settings_map_every_schema_to_its_files() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))["json.schemas"]
    mapped = {Path(item["url"]).name: item["fileMatch"] for item in settings}
    expected = {p.name for p in schemas_dir().glob("*.schema.json")} - {"common.schema.json"}
    assert set(mapped) == expected and all((ROOT / item["url"]).is_file() for item in settings)
    assert mapped["model.schema.json"] == ["**/model/*/.cm/meta.json"]
    assert mapped["info.schema.json"] == ["**/.cm/info.json"] and mapped["repo.schema.json"] == ["**/.ckr.json"]
