"""Reporters: text (colour rules, escaping), JSON envelope, GitHub annotations + summary, SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic, Report, Severity, inert
from generator.report.github import annotation, render_annotations, render_step_summary
from generator.report.json_report import render_json
from generator.report.sarif import sarif_dict
from generator.report.text import render_text

FIXTURES = Path(__file__).parent / "fixtures" / "ckrepos"


def _report() -> Report:
    return Report(diagnostics=[
        Diagnostic("schema", Severity.ERROR, "/kb/model/x/.cm/meta.json", "'a' is not of type 'array'",
                   json_path="$.tags", line=2, column=3, hint="change the value to array"),
        Diagnostic("duplicate-key", Severity.WARNING, "/kb/model/y/.cm/meta.json", "duplicate key 'name'"),
        Diagnostic("no-schema", Severity.NOTE, "/kb/sut", "module 'sut' has no schema of its own"),
    ], checked_entries=2)  # fmt: skip


def test_text_report_names_file_json_path_line_and_hint() -> None:
    text = render_text(_report())
    assert text.splitlines()[:3] == [
        "error: /kb/model/x/.cm/meta.json::$.tags: 'a' is not of type 'array' [schema]",
        "  --> /kb/model/x/.cm/meta.json:2:3",
        "  hint: change the value to array",
    ]
    assert (
        text.splitlines()[-1] == "2 entries checked: 1 error, 1 warning, 1 note (notes hidden; --verbose lists them)"
    )
    assert "\x1b[" not in text


def test_text_report_lists_notes_when_verbose_and_colours_only_when_asked() -> None:
    assert "no-schema" in render_text(_report(), show_notes=True)
    assert "\x1b[1;31merror" in render_text(_report(), color=True)


def test_text_report_escapes_terminal_control_and_bidi_characters() -> None:
    report = Report([Diagnostic("schema", Severity.ERROR, "/kb/a\x1b[2Jb/meta.json", "bad \u202evalue\x07")])
    text = render_text(report)
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "\\u001b[2J" in text and "\\u202e" in text


def test_cli_uses_no_colour_when_not_a_terminal_or_when_no_color_is_set(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = FIXTURES / "schema-errors" / "repos" / "reef"
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli(["-R", str(repo), "validate"]).stdout
    assert "\x1b[" in run_cli(["-R", str(repo), "validate", "--color"]).stdout


def test_json_report_is_a_versioned_envelope() -> None:
    data = json.loads(render_json(_report(), strict=True))
    assert data["format"] == "reef-kb-validate" and data["format_version"] == 1
    assert data["summary"] == {"checked_entries": 2, "errors": 1, "warnings": 1, "notes": 1, "strict": True,
                               "failed": True, "text": "2 entries checked: 1 error, 1 warning, 1 note"}  # fmt: skip
    assert data["diagnostics"][0] == {"code": "schema", "severity": "error", "path": "/kb/model/x/.cm/meta.json",
                                      "message": "'a' is not of type 'array'", "json_path": "$.tags", "line": 2,
                                      "column": 3, "hint": "change the value to array"}  # fmt: skip


def test_github_annotation_has_file_line_col_and_title() -> None:
    line = annotation(_report().sorted()[0], root="/kb")
    assert line == ("::error file=model/x/.cm/meta.json,line=2,col=3,title=schema at $.tags::"
                    "'a' is not of type 'array'%0Ahint: change the value to array")  # fmt: skip


@pytest.mark.parametrize("evil", ["::add-mask::secret", "x\n::stop-commands::tok", "50%\r\n::error::pwned"])
def test_github_annotation_escapes_workflow_commands_in_kb_strings(evil: str) -> None:
    d = Diagnostic("schema", Severity.ERROR, f"/kb/{evil},x:y", evil, json_path=f"$.{evil}")
    line = annotation(d)
    assert "\n" not in line and "\r" not in line
    # one line that starts with our command: GitHub reads commands only at the start of a line
    assert line.startswith("::error file=/kb/") and line.splitlines() == [line]
    assert "%3A%3A" in line.split("::", 2)[1]  # properties escape ':' too
    assert inert("%25\r\n") == "%2525%0D%0A"


def test_github_output_skips_notes_and_ends_with_the_summary() -> None:
    lines = render_annotations(_report()).splitlines()
    assert [line.split(" ")[0] for line in lines[:2]] == ["::error", "::warning"]
    assert lines[-1].startswith("2 entries checked")


def test_step_summary_is_markdown_with_every_problem_and_neutralised_mentions() -> None:
    report = Report([Diagnostic("schema", Severity.ERROR, "/kb/m.json", "ping @org/team <img src=x> | x")])
    text = render_step_summary(report, strict=True)
    assert text.startswith("## Reef KB validation ❌ failed")
    assert "| error | schema |" in text
    assert "@org" not in text and "<img" not in text and "\\|" in text


def test_cli_writes_the_step_summary_file(run_cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run_cli(["-R", str(FIXTURES / "schema-errors" / "repos" / "reef"), "validate", "--step-summary"])
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=")
    assert "9 errors" in summary.read_text()


def test_sarif_has_one_rule_per_code_and_regions_for_located_results() -> None:
    data = sarif_dict(_report(), root="/kb", descriptions={"schema": "breaks its schema"})
    run = data["runs"][0]
    assert data["version"] == "2.1.0"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["duplicate-key", "no-schema", "schema"]
    first = run["results"][0]
    assert first["level"] == "error" and first["ruleId"] == "schema"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "model/x/.cm/meta.json"},
        "region": {"startLine": 2, "startColumn": 3},
    }
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "$.tags"


def test_strict_fails_on_warnings_only(run_cli) -> None:  # type: ignore[no-untyped-def]
    repo = str(FIXTURES / "alias-files" / "repos" / "reef")
    data = json.loads(run_cli(["-R", repo, "validate", "--json", "--strict"]).stdout)
    assert data["summary"]["strict"] and data["summary"]["failed"]
