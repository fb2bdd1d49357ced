"""kb doctor finds what CK would trip on and --fix repairs the safe cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generator.ck import doctor, journal
from generator.ck.store import Repo

Run = Callable[..., Any]


def _codes(repo: Repo) -> list[str]:
    return sorted(f.code for f in doctor.examine(repo))


def test_a_clean_repository_has_no_findings(repo: Repo, run_cli: Run) -> None:
    repo.add("model", "ok")
    repo.add("model")
    result = run_cli(["-R", str(repo.path), "doctor"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "1 repository checked: 0 problems, 0 fixed, 0 remaining"


def test_alias_file_without_entry_is_reported_and_fixed(repo: Repo, run_cli: Run) -> None:
    entry = repo.add("model", "gone")
    journal.remove_path(entry.ref.path)
    assert _codes(repo) == ["stale-alias"]
    result = run_cli(["-R", str(repo.path), "doctor"])
    assert result.exit_code == 1
    assert f"warning[stale-alias] {repo.path}/model/.cm/alias-a-gone: entry alias 'gone' (UID {entry.ref.uid}) " \
           "points at a missing folder gone/" in result.stdout
    assert run_cli(["-R", str(repo.path), "doctor", "--fix"]).exit_code == 0
    assert _codes(repo) == []
    assert not list((repo.path / "model" / ".cm").glob("alias-*"))


def test_entry_without_alias_file_gets_one_from_info_json(repo: Repo) -> None:
    entry = repo.add("model", "lost")
    (repo.path / "model" / ".cm" / "alias-a-lost").unlink()
    (repo.path / "model" / ".cm" / f"alias-u-{entry.ref.uid}").unlink()
    assert _codes(repo) == ["missing-alias-file"]
    doctor.repair(repo, doctor.examine(repo))
    assert _codes(repo) == []
    assert repo.find("model", entry.ref.uid).alias == "lost"


def test_uid_mismatch_between_alias_files_and_info_is_reported_not_fixed(repo: Repo) -> None:
    entry = repo.add("model", "mixed")
    info_file = entry.ref.path / ".cm" / "info.json"
    info = json.loads(info_file.read_text())
    info["backup_data_uid"] = "ffffffffffffffff"
    info_file.write_text(json.dumps(info))
    (finding,) = doctor.examine(repo)
    assert finding.code == "uid-mismatch" and "ffffffffffffffff" in finding.message
    assert doctor.repair(repo, [finding]) == []


def test_interrupted_change_and_temp_leftovers_are_repaired(repo: Repo) -> None:
    entry = repo.add("model", "x")
    leftover = repo.path / "model" / ".kb-new-xyz"
    leftover.mkdir()
    graveyard = repo.path / "model" / ".kb-rm-test"
    journal.write_text_atomic(journal.journal_path(repo.path), json.dumps(
        {"op": "rm", "steps": [journal.rename_step(entry.ref.path, graveyard),
                               journal.unlink_step(repo.path / "model" / ".cm" / "alias-a-x"),
                               journal.unlink_step(repo.path / "model" / ".cm" / f"alias-u-{entry.ref.uid}"),
                               journal.rmtree_step(graveyard)]}))  # fmt: skip
    reopened = Repo.open(repo.path, recover=False)
    assert _codes(reopened) == ["interrupted-change", "temp-leftover"]
    doctor.repair(reopened, doctor.examine(reopened))
    assert _codes(reopened) == []
    assert reopened.find("model", "x") is None and not leftover.exists()
