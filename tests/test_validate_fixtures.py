"""Fixture repositories under tests/fixtures/ckrepos: each case's diagnostics match its expected.json exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.ck.resolve import Workspace
from generator.ops.check import validate_workspace
from generator.report.codes import CHANGED_ONLY_CODES, CODES, PLANTED_CODES

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in (FIXTURES / "ckrepos").iterdir() if (p / "expected.json").is_file())


def _observed(case: Path, repos: list[Path]) -> list[dict[str, object]]:
    report = validate_workspace(Workspace.open(repos))
    found = []
    for d in report:
        item: dict[str, object] = {"code": d.code, "severity": d.severity.value,
                                   "path": str(Path(d.path).relative_to(case)), "json_path": d.json_path}  # fmt: skip
        if d.line:
            item["line"] = d.line
        found.append(item)
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_case_reports_exactly_its_expected_diagnostics(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    repos = sorted((case / "repos").iterdir())
    assert _observed(case, repos) == [_without_reason(d) for d in expected["diagnostics"]]


def _without_reason(item: dict[str, object]) -> dict[str, object]:
    """An expected diagnostic without its "reason" (why it is a true fault: for readers, not compared)."""
    return {k: v for k, v in item.items() if k != "reason"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_case_exit_codes_with_and_without_strict(case: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    args = [a for r in sorted((case / "repos").iterdir()) for a in ("-R", str(r))]
    assert run_cli([*args, "validate"]).exit_code == expected["exit_code"]
    assert run_cli([*args, "validate", "--strict"]).exit_code == expected["strict_exit_code"]


def test_every_diagnostic_code_is_triggered_by_a_fixture() -> None:
    seen = {d["code"] for c in CASES for d in json.loads((c / "expected.json").read_text())["diagnostics"]}
    assert seen == set(CODES) - CHANGED_ONLY_CODES - PLANTED_CODES


def test_every_diagnostic_code_is_documented() -> None:
    text = (Path(__file__).parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"`{code}`" not in text]
    assert not missing


def test_ck_mlperf_reports_the_broken_module_alias_and_nothing_spurious(run_cli) -> None:  # type: ignore[no-untyped-def]
    repo = FIXTURES / "ck-mlperf"
    result = run_cli(["-R", str(repo), "validate", "--json"])
    data = json.loads(result.stdout)
    problems = [(d["code"], d["severity"], str(Path(d["path"]).relative_to(repo)))
                for d in data["diagnostics"] if d["severity"] != "note"]  # fmt: skip
    assert problems == [
        ("stale-alias", "warning", ".cm/alias-a-env"),
        ("duplicate-key", "warning", "cmdgen/benchmark.speech-recognition-loadgen/.cm/meta.json"),
        ("stale-alias", "warning", "package/.cm/alias-a-model-converter-tf-to-onnx"),
        ("stale-alias", "warning", "package/.cm/alias-u-22b1d864174bf743"),
    ]
    notes = {d["code"] for d in data["diagnostics"] if d["severity"] == "note"}
    assert notes == {"external-reference", "unresolved-deps"}  # plain CK: no Reef schema advice
    assert result.exit_code == 0
    assert "module alias 'env' (UID 9b9b3208ac44b891) points at a missing folder env/" in result.stdout


def test_ck_mlperf_duplicate_key_points_at_the_second_occurrence(run_cli) -> None:  # type: ignore[no-untyped-def]
    repo = FIXTURES / "ck-mlperf"
    data = json.loads(run_cli(["-R", str(repo), "validate", "--json"]).stdout)
    dup = next(d for d in data["diagnostics"] if d["code"] == "duplicate-key")
    assert (dup["json_path"], dup["line"], dup["column"]) == ("$.build_map.no_record", 121, 5)


def test_one_bad_file_does_not_stop_validation_of_the_others(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "ckrepos" / "valid", case)
    meta = case / "repos" / "reef" / "model" / "resnet50-v1.5" / ".cm" / "meta.json"
    meta.write_text("{oops")
    result = json.loads((case / "expected.json").read_text())["diagnostics"]
    observed = _observed(case, sorted((case / "repos").iterdir()))
    assert [d["code"] for d in observed].count("parse") == 1
    assert result[0] in observed  # the no-schema note of another module is still there
