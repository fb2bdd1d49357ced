"""Strict names on write, symlinks refused, JSON read strictly with errors naming the file,
failed writes leave nothing behind (SECURITY-CASES §1.1, §1.4, §1.7)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.ck import journal
from generator.ck.jsonio import read_json
from generator.ck.store import Repo
from generator.errors import BadJSON, EntryExists, InvalidName


@pytest.mark.parametrize("alias", ["../x", "a/b", "a\\b", "/etc/x", "C:x", ".hidden", "..", "a..b", "con",
                                   "NUL.txt", "com1", "tab\there", "nul\x00byte", "zero\u200bwidth", "caf\u00e9",
                                   "x" * 248, " leading-space", "trailing-space ", "trailing.", "star*",
                                   "hash#x"])  # fmt: skip
def test_bad_names_are_refused_on_write(repo: Repo, alias: str) -> None:
    with pytest.raises(InvalidName):
        repo.add("model", alias)
    assert not (repo.path / "model").exists() or not any(
        p.name != ".cm" for p in (repo.path / "model").iterdir() if not p.name.startswith(".kb-"))


@pytest.mark.parametrize("alias", ["milepost-codelet-mibench-consumer-tiffdither-src-tiffdither-codelet-1-1",
                                   "x" * 247, "with space", "o'brien", "mlcommons@ck-mlops", "-leading-dash"])
def test_names_ck_accepts_are_written(repo: Repo, alias: str) -> None:
    """CK 2.6.4 checks names against allowed_entry_names ("^[A-Za-z0-9_@.' -]*$"), with no length cap."""
    entry = repo.add("model", alias)
    assert entry.ref.path.name == alias and repo.find("model", alias) == entry.ref


def test_a_name_differing_only_in_case_is_refused(repo: Repo) -> None:
    repo.add("model", "ResNet")
    with pytest.raises(EntryExists, match="only in case"):
        repo.add("model", "resnet")


def test_case_duplicates_are_refused_inside_one_long_write(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk import holds the lock for all its adds and lists each module folder once."""
    from generator.ck import edits

    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(edits.os, "listdir", lambda path: listed.append(str(path)) or real_listdir(path))
    with edits.writing(repo):
        repo.add("model", "first")
        for i in range(5):
            repo.add("model", f"Net{i}")
        with pytest.raises(EntryExists, match="'Net3' differs from 'net3' only in case"):
            repo.add("model", "net3")
        repo.remove(repo.find("model", "Net3"))  # a removal forgets the listing: the name is free again
        repo.add("model", "net3")
        one = repo.find("model", "Net1")
        repo.rename(one, "NET1")  # the entry itself is no case duplicate
        with pytest.raises(EntryExists, match="'NET1' differs"):
            repo.add("model", "net1")
    assert listed.count(str(repo.path / "model")) <= 4, listed  # not one listing per add
    assert sorted(p.name for p in (repo.path / "model").iterdir() if p.name != ".cm") == [
        "NET1", "Net0", "Net2", "Net4", "first", "net3"]  # fmt: skip


def test_rename_onto_an_existing_name_is_refused(repo: Repo) -> None:
    one = repo.add("model", "one")
    repo.add("model", "two")
    with pytest.raises(EntryExists):
        repo.rename(one.ref, "two")
    assert repo.find("model", "one") is not None


def test_symlinked_meta_is_refused_with_the_file_named(repo: Repo, tmp_path: Path) -> None:
    entry = repo.add("model", "linked")
    secret = tmp_path / "secret.json"
    secret.write_text('{"password": "x"}')
    meta = entry.ref.path / ".cm" / "meta.json"
    meta.unlink()
    meta.symlink_to(secret)
    with pytest.raises(BadJSON, match="symbolic link") as caught:
        repo.load(entry.ref)
    assert caught.value.path == str(meta)


def test_symlinked_entry_folder_is_not_an_entry(repo: Repo, tmp_path: Path) -> None:
    real = repo.add("model", "real")
    os.symlink(real.ref.path, repo.path / "model" / "alias-link")
    assert [r.alias for r in repo.iter_refs("model")] == ["real"]
    assert repo.find("model", "alias-link") is None


@pytest.mark.parametrize(("raw", "message"), [
    (b"\xef\xbb\xbf{}", "byte-order mark"),
    (b'{"a": NaN}', "NaN is not valid JSON"),
    (b'{"a": Infinity}', "Infinity is not valid JSON"),
    (b'{"a": "\xff"}', "invalid UTF-8 at byte 7"),
    (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
    (b"[" * 70 + b"]" * 70, "nesting deeper than 64"),
    (b'{"a": 1,}', "invalid JSON"),
    (b"\xff\xfe{\x00}\x00", "UTF-16"),
])  # fmt: skip
def test_strict_json_errors_name_the_file(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "meta.json"
    path.write_bytes(raw)
    with pytest.raises(BadJSON) as caught:
        read_json(path)
    assert message in caught.value.message
    assert caught.value.path == str(path)


def test_oversized_json_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.ck import jsonio

    monkeypatch.setattr(jsonio, "MAX_JSON_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"x": "y" * 200}))
    with pytest.raises(BadJSON, match="at most 100 are read"):
        read_json(path)


def test_a_failed_add_leaves_no_entry_and_no_alias(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.ck import edits

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(edits, "_write_new", explode)
    with pytest.raises(OSError):
        repo.add("model", "full-disk", meta={"tags": []})
    assert repo.find("model", "full-disk") is None
    assert not list((repo.path / "model" / ".cm").glob("alias-*"))
    assert journal.find_temp_leftovers(repo.path, deep=True) == []


def test_unknown_keys_order_and_non_ascii_round_trip(repo: Repo) -> None:
    meta = {"z": 1, "a": {"ü": "naïve", "list": [3, 1, 2]}, "tags": ["x"], "unknown_field": None}
    entry = repo.add("model", "roundtrip", meta=meta)
    assert repo.load(entry.ref).meta == meta
    text = (entry.ref.path / ".cm" / "meta.json").read_text(encoding="utf-8")
    assert text == json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
