"""kb validate --changed-since: only touched entries, references checked against the whole corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest

from generator.ck.resolve import Workspace
from generator.errors import UsageError
from generator.ops.check import validate_changed
from generator.provenance.changes import changed_files

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
VALID = Path(__file__).parent / "fixtures" / "ckrepos" / "valid" / "repos" / "reef"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """The valid fixture repository committed in a real Git repository."""
    root = tmp_path / "checkout"
    shutil.copytree(VALID, root / "reef")
    repo = git.Repo.init(root)
    repo.git.add("-A")
    repo.git.commit("-m", "base", "--no-gpg-sign", env=GIT_ENV)
    return root / "reef"


def _meta(kb: Path, module: str, alias: str) -> Path:
    return kb / module / alias / ".cm" / "meta.json"


def _edit(kb: Path, module: str, alias: str, **changes: object) -> None:
    path = _meta(kb, module, alias)
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}, indent=2) + "\n")


def test_nothing_changed_checks_nothing(kb: Path) -> None:
    report = validate_changed(Workspace.open([kb]), "HEAD")
    assert report.checked_entries == 0 and report.diagnostics == []


def test_only_the_changed_entry_is_checked_and_its_reference_resolves_against_the_corpus(kb: Path) -> None:
    _edit(kb, "model", "resnet50-v1.5", name="ResNet-50 v1.5 (edited)")
    report = validate_changed(Workspace.open([kb]), "HEAD")
    assert report.checked_entries == 1 and report.diagnostics == []


def test_a_dangling_reference_in_a_changed_entry_gets_a_suggestion(kb: Path) -> None:
    _edit(kb, "model", "resnet50-v1.5", dataset_uoa="imagenet-2012-vall")
    [diag] = validate_changed(Workspace.open([kb]), "HEAD").diagnostics
    assert (diag.code, diag.json_path, diag.hint) == (
        "dangling-reference",
        "$.dataset_uoa",
        "did you mean 'imagenet-2012-val'?",
    )
    assert diag.line > 1


def test_untracked_new_entry_is_validated(kb: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(["-R", str(kb), "add", "model:fresh", "--set", 'tags="not-a-list"'])
    assert result.exit_code == 0
    result = run_cli(["-R", str(kb), "validate", "--changed-since", "HEAD", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(d["code"], d["json_path"]) for d in data["diagnostics"]] == [("schema", "$.tags")]
    assert data["summary"]["checked_entries"] == 1


def test_committed_changes_since_an_older_revision_count(kb: Path) -> None:
    _edit(kb, "paper", "mlperf-inference", status={"state": "withdrawn"})
    repo = git.Repo(kb.parent)
    repo.git.commit("-am", "withdraw", "--no-gpg-sign", env=GIT_ENV)
    assert validate_changed(Workspace.open([kb]), "HEAD").diagnostics == []
    [diag] = validate_changed(Workspace.open([kb]), "HEAD~1").diagnostics
    assert (diag.code, diag.json_path) == ("schema", "$.status")


def test_changed_alias_files_recheck_their_folder(kb: Path) -> None:
    (kb / ".cm" / "alias-a-env").write_text("9b9b3208ac44b891\n")
    [diag] = validate_changed(Workspace.open([kb]), "HEAD").diagnostics
    assert diag.code == "stale-alias" and diag.path.endswith(".cm/alias-a-env")


def test_deleted_entry_is_not_validated_and_does_not_crash(kb: Path) -> None:
    shutil.rmtree(kb / "sut" / "firefly")
    report = validate_changed(Workspace.open([kb]), "HEAD")
    assert report.diagnostics == []
    assert any(p.name == "meta.json" for p in changed_files(kb, "HEAD"))


def test_unknown_revision_is_a_usage_error(kb: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="unknown Git revision 'no-such-branch'"):
        changed_files(kb, "no-such-branch")
    result = run_cli(["-R", str(kb), "validate", "--changed-since", "no-such-branch"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_outside_git_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(VALID, tmp_path / "reef")
    result = run_cli(["-R", str(tmp_path / "reef"), "validate", "--changed-since", "HEAD"])
    assert result.exit_code == 2 and "not inside a Git repository" in result.stderr


def test_repositories_in_different_checkouts_are_each_diffed(kb: Path, tmp_path: Path) -> None:
    other_root = tmp_path / "other"
    shutil.copytree(VALID, other_root / "reef2")
    ckr = other_root / "reef2" / ".ckr.json"
    ckr.write_text(ckr.read_text().replace('"reef",', '"reef2",'))  # the alias, not the kb_profile
    other = git.Repo.init(other_root)
    other.git.add("-A")
    other.git.commit("-m", "base", "--no-gpg-sign", env=GIT_ENV)
    _edit(other_root / "reef2", "model", "resnet50-v1.5", tags="oops")
    report = validate_changed(Workspace.open([kb, other_root / "reef2"]), "HEAD")
    found = [(d.code, Path(d.path).parts[-5]) for d in report.sorted()]
    assert found == [("duplicate-uid", "reef2"), ("schema", "reef2")]  # the copy shares reef's UIDs
    copy, schema = report.sorted()
    assert "also used by reef:model" in copy.message and copy.severity.value == "note"  # CK overlays copies
    assert schema.severity.value == "error"


def test_a_new_untracked_module_folder_validates_all_its_entries(kb: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    for alias in ("one", "two"):
        assert run_cli(["-R", str(kb), "add", f"widget:{alias}", "--set", 'tags="nope"']).exit_code == 0
    report = validate_changed(Workspace.open([kb]), "HEAD")
    assert sorted(Path(d.path).parts[-3] for d in report.diagnostics if d.code == "schema") == ["one", "two"]


def test_changed_only_check_of_a_valid_edit_loads_neither_jsonschema_nor_gitpython(kb: Path) -> None:
    """A pre-commit hook runs on every commit: valid entries pass the compiled pre-check, Git is asked
    through its command line, so the two heaviest imports are never paid for."""
    import subprocess
    import sys

    _edit(kb, "model", "resnet50-v1.5", name="ResNet-50 v1.5 (edited)")
    code = ("import sys; from generator.cli.main import cli\n"
            f"cli(['-R', {str(kb)!r}, 'validate', '--changed-since', 'HEAD'], standalone_mode=False)\n"
            "heavy = ('jsonschema', 'git', 'referencing', 'mkdocs', 'whoosh')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "1 entry checked: 0 errors" in out.stdout
    assert out.stdout.splitlines()[-1] == "[]"


def _full_and_changed(kb: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    from generator.ops.check import validate_workspace

    def key(report: object) -> list[tuple[str, str, str]]:
        return sorted((d.code, d.severity.value, d.path) for d in report.diagnostics)  # type: ignore[attr-defined]

    workspace = Workspace.open([kb])
    return key(validate_workspace(workspace)), key(validate_changed(workspace, "HEAD"))


def test_a_key_written_twice_in_a_changed_meta_fails_changed_only_strict_as_in_a_full_run(kb: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    meta = _meta(kb, "model", "resnet50-v1.5")
    text = meta.read_text()
    meta.write_text(text.replace("{", '{\n  "framework": "x",\n  "framework": "y",', 1))
    full, changed = _full_and_changed(kb)
    assert [d for d in full if d[0] == "duplicate-key"] == [d for d in changed if d[0] == "duplicate-key"] != []
    assert run_cli(["-R", str(kb), "validate", "--changed-since", "HEAD", "--strict"]).exit_code == 1


def test_a_uid_copied_inside_one_module_is_a_duplicate_uid_in_changed_only_mode_too(kb: Path) -> None:
    source = kb / "model" / "resnet50-v1.5"
    shutil.copytree(source, kb / "model" / "resnet50-copy")  # a copy by hand, its alias-a file naming the same UID
    cm = kb / "model" / ".cm"
    (cm / "alias-a-resnet50-copy").write_text((cm / "alias-a-resnet50-v1.5").read_text())
    full, changed = _full_and_changed(kb)
    copied = str(kb / "model" / "resnet50-copy" / ".cm" / "meta.json")
    assert ("duplicate-uid", "error", copied) in full
    assert ("duplicate-uid", "error", copied) in changed


def test_a_module_folder_made_by_hand_without_its_alias_file_is_reported_in_changed_only_mode_too(kb: Path) -> None:
    cm = kb / "gadget" / "loose" / ".cm"
    cm.mkdir(parents=True)
    for name, text in (("meta.json", '{"tags": ["x"]}'), ("info.json", "{}"), ("desc.json", "{}")):
        (cm / name).write_text(text + "\n")
    full, changed = _full_and_changed(kb)
    module_alias = ("missing-alias-file", "error", str(kb / ".cm" / "alias-a-gadget"))
    assert module_alias in full
    assert module_alias in changed
