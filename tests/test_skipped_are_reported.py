"""Nothing disappears silently (issue #14, defect 7): every symbolic link kb refuses to follow (a
README, a data file, a folder, ``.cm``, a module, an entry, an alias file) is named by
``kb validate`` (full and changed-only), ``kb validate -v`` and ``kb doctor``."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.store import Repo

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")


@pytest.fixture
def kb(tmp_path: Path) -> Repo:
    repo = Repo.init(tmp_path / "r", "r")
    repo.add("model", "real", meta={"tags": ["model"]})
    repo.add("dataset", "set", meta={"tags": ["dataset"]})
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("secret\n")
    return repo


def _plant(kb: Repo, kind: str) -> Path:
    """One link of the given kind; returns the link's path."""
    outside = kb.path.parent / "outside"
    entry = kb.path / "model" / "real"
    links = {
        "readme": (entry / "README.md", outside / "secret.txt"),
        "data file": (entry / "weights.txt", outside / "secret.txt"),
        "folder": (entry / "data", outside),
        "entry": (kb.path / "model" / "linked", entry),
        "module": (kb.path / "linked-module", kb.path / "model"),
        "alias file": (kb.path / "dataset" / ".cm" / "alias-a-extra", outside / "secret.txt"),
    }
    if kind == ".cm":
        (entry / ".cm").rename(outside / "cm")
        (entry / ".cm").symlink_to(outside / "cm")
        return entry / ".cm"
    link, target = links[kind]
    link.symlink_to(target)
    return link


KINDS = ["readme", "data file", "folder", ".cm", "entry", "module", "alias file"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_symlinked_item_is_an_error_naming_it(kb: Repo, kind: str, run_cli: Callable) -> None:
    link = _plant(kb, kind)
    result = run_cli(["-R", str(kb.path), "validate", "--format", "json"])
    assert result.exit_code == 1
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "symlink"]
    assert [d["path"] for d in found] == [str(link)]
    assert found[0]["severity"] == "error" and "symbolic link" in found[0]["message"]


@pytest.mark.parametrize("kind", ["readme", ".cm", "entry", "module"])
def test_text_report_and_doctor_name_the_link(kb: Repo, kind: str, run_cli: Callable) -> None:
    link = _plant(kb, kind)
    text = run_cli(["-R", str(kb.path), "validate", "-v"])
    assert text.exit_code == 1 and "[symlink]" in text.stdout and link.name in text.stdout
    doctor = run_cli(["-R", str(kb.path), "doctor"])
    assert doctor.exit_code == 1 and f"[symlink] {link}" in doctor.stdout


@pytest.mark.parametrize("kind", ["readme", "entry", "folder", "alias file"])
def test_changed_only_validation_reports_a_new_link(kb: Repo, kind: str, run_cli: Callable) -> None:
    git = ["git", "-C", str(kb.path), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    link = _plant(kb, kind)
    result = run_cli(["-R", str(kb.path), "validate", "--changed-since", "HEAD", "--format", "json"])
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "symlink"]
    assert result.exit_code == 1 and [d["path"] for d in found] == [str(link)]


def test_a_socket_in_an_entry_folder_is_reported(kb: Repo, run_cli: Callable, tmp_path: Path) -> None:
    import socket

    place = kb.path / "model" / "real" / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.bind(str(place))
        except OSError as exc:  # path too long for AF_UNIX on some systems
            pytest.skip(f"cannot bind a socket there: {exc}")
        result = run_cli(["-R", str(kb.path), "validate", "--format", "json"])
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "special-file"]
    assert [d["path"] for d in found] == [str(place)] and "socket" in found[0]["message"]


def test_search_never_indexes_through_a_linked_entry_folder(kb: Repo, run_cli: Callable, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    other = Repo.init(tmp_path / "private", "private")
    secret = other.add("model", "secret", meta={"tags": ["model"], "note": "zanzibarword"})
    (kb.path / "model" / "linked").symlink_to(secret.ref.path)
    result = run_cli(["-R", str(kb.path), "search", "--reindex", "--json", "zanzibarword"])
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 0
