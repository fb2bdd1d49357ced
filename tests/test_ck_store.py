"""The CK store writes entries as CK 2.6.4 does and reads them back."""

from __future__ import annotations

import json
import os
import stat

import pytest

from generator.ck.ids import Cid, is_uid, new_uid
from generator.ck.store import Repo
from generator.errors import EntryExists, InvalidName


def test_added_entry_has_ck_layout_and_alias_files(repo: Repo) -> None:
    entry = repo.add("dataset", "imgs", meta={"tags": ["b", "a"], "x": 1})
    module_dir = repo.path / "dataset"
    assert (module_dir / ".cm" / "alias-a-imgs").read_text() == entry.ref.uid + "\n"
    assert (module_dir / ".cm" / f"alias-u-{entry.ref.uid}").read_text() == "imgs\n"
    assert (repo.path / ".cm" / "alias-a-dataset").read_text() == "8a7141c59cd335f5\n"
    meta_text = (module_dir / "imgs" / ".cm" / "meta.json").read_text()
    assert meta_text == json.dumps({"tags": ["b", "a"], "x": 1}, indent=2, sort_keys=True) + "\n"
    info = json.loads((module_dir / "imgs" / ".cm" / "info.json").read_text())
    assert info["backup_data_uid"] == entry.ref.uid
    assert info["control"]["engine"] == "CK"
    assert info["control"]["version"] == ["2", "6", "4"]


def test_entry_is_found_by_alias_and_by_uid(repo: Repo) -> None:
    entry = repo.add("model", "resnet50", meta={"tags": ["model"]})
    assert repo.find("model", "resnet50") == entry.ref
    assert repo.find("model", entry.ref.uid) == entry.ref


def test_uid_only_entry_lives_in_a_folder_named_by_its_uid(repo: Repo) -> None:
    entry = repo.add("model", meta={"tags": []})
    assert entry.ref.path.name == entry.ref.uid
    assert not list((repo.path / "model" / ".cm").glob("alias-*"))


def test_adding_an_existing_alias_is_refused(repo: Repo) -> None:
    repo.add("model", "resnet50")
    with pytest.raises(EntryExists):
        repo.add("model", "resnet50")


def test_alias_with_dotdot_is_rejected(repo: Repo) -> None:
    with pytest.raises(InvalidName):
        repo.add("model", "../../x")


def test_removed_entry_leaves_no_alias_files(repo: Repo) -> None:
    entry = repo.add("model", "gone")
    repo.remove(entry.ref)
    assert not entry.ref.path.exists()
    assert not list((repo.path / "model" / ".cm").glob("alias-*"))


def test_generated_uids_are_strict_hex() -> None:
    uid = new_uid()
    assert len(uid) == 16 and all(c in "0123456789abcdef" for c in uid)
    assert is_uid("0123456789ABCDEF") and not is_uid("xyz")


def test_cid_parse_reads_one_two_or_three_parts() -> None:
    assert Cid.parse("model") == Cid(module="model")
    assert Cid.parse("model:resnet") == Cid(module="model", entry="resnet")
    assert Cid.parse("r:model:res*") == Cid("r", "model", "res*")
    assert Cid.parse("r:model:res*").is_pattern


def test_written_files_and_folders_take_the_umask_not_private_modes(repo: Repo) -> None:
    old = os.umask(0o022)
    try:
        entry = repo.add("model", "shared", meta={"tags": ["a"]})
        repo.update(entry.ref, {"x": 1})
    finally:
        os.umask(old)
    cm = entry.ref.path / ".cm"
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [entry.ref.path, cm, *cm.iterdir()]}
    assert modes == {"shared": 0o755, ".cm": 0o755, "meta.json": 0o644, "info.json": 0o644,
                     "desc.json": 0o644, "updates.json": 0o644}  # fmt: skip
    assert stat.S_IMODE((repo.path / "model" / ".cm" / "alias-a-shared").stat().st_mode) == 0o644


def test_an_update_keeps_the_mode_the_owner_gave_the_file(repo: Repo) -> None:
    entry = repo.add("model", "private", meta={"tags": ["a"]})
    meta = entry.ref.path / ".cm" / "meta.json"
    meta.chmod(0o600)
    repo.update(entry.ref, {"x": 1})
    assert stat.S_IMODE(meta.stat().st_mode) == 0o600 and json.loads(meta.read_text())["x"] == 1
