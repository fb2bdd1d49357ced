"""Every real layout CK reads is read by kb too (files written by hand, as real repositories have)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.ids import Cid
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.diagnostics import Severity
from generator.errors import AmbiguousAlias, InvalidName


def _entry(module_dir: Path, name: str, meta: dict | None = None, *, meta_file: str = "meta.json",
           info: dict | None = None, desc: bool = True) -> Path:  # fmt: skip
    cm = module_dir / name / ".cm"
    cm.mkdir(parents=True)
    if meta is not None:
        (cm / meta_file).write_text(json.dumps(meta))
    (cm / "info.json").write_text(json.dumps(info or {}))
    if desc:
        (cm / "desc.json").write_text("{}")
    return module_dir / name


def _alias(module_dir: Path, alias: str, uid: str, aliases: list[str] | None = None) -> None:
    (module_dir / ".cm").mkdir(exist_ok=True)
    (module_dir / ".cm" / f"alias-a-{alias}").write_text(uid + "\n")
    (module_dir / ".cm" / f"alias-u-{uid}").write_text("".join(a + "\n" for a in aliases or [alias]))


def test_uid_only_entries_in_a_module_folder_without_cm_are_read(repo: Repo) -> None:
    module = repo.path / "component.package"
    _entry(module, "024b98b87e9709a9", {"tags": ["x"]})
    (ref,) = list(repo.iter_refs("component.package"))
    assert (ref.alias, ref.uid) == ("", "024b98b87e9709a9")
    assert repo.find("component.package", "024b98b87e9709a9") == ref


def test_alias_u_with_several_aliases_resolves_to_the_first(repo: Repo) -> None:
    module = repo.path / "program"
    _entry(module, "new-name", {"tags": []})
    _alias(module, "new-name", "0123456789abcdef", ["new-name", "old-name"])
    ref = repo.find("program", "0123456789abcdef")
    assert ref is not None and ref.alias == "new-name" and ref.path == module / "new-name"
    assert repo.aliases_of("program", "0123456789abcdef") == ["new-name", "old-name"]


def test_legacy_data_json_is_read_when_meta_json_is_missing(repo: Repo) -> None:
    module = repo.path / "soft"
    _entry(module, "old", {"tags": ["cm-v1"]}, meta_file="data.json", desc=False)
    _alias(module, "old", "00000000000000aa")
    entry = repo.load(repo.find("soft", "old"))
    assert entry.meta == {"tags": ["cm-v1"]} and entry.desc == {}


def test_lenient_uids_are_accepted_on_read_but_not_on_write(repo: Repo) -> None:
    module = repo.path / "env"
    _entry(module, "0123456789ABC.EF", {"tags": []})
    ref = repo.find("env", "0123456789ABC.EF")
    assert ref is not None and ref.uid == "0123456789ABC.EF"
    with pytest.raises(InvalidName):
        repo.add("env", uid="0123456789ABC.EF")


def test_split_directories_are_read(tmp_path: Path) -> None:
    root = tmp_path / "split"
    root.mkdir()
    (root / ".ckr.json").write_text(json.dumps({"data_uoa": "split", "data_uid": "0000000000000011",
                                                "data_alias": "split", "dict": {"split_all_dirs": 2}}))  # fmt: skip
    module = root / "dataset"
    _entry(module / "im", "images", {"tags": ["split"]})
    _alias(module, "images", "00000000000000bb")
    _entry(module / "_", "x", {"tags": []})
    _alias(module, "x", "00000000000000cc")
    repo = Repo.open(root)
    assert sorted(r.alias for r in repo.iter_refs("dataset")) == ["images", "x"]
    ref = repo.find("dataset", "00000000000000bb")
    assert ref is not None and ref.path == module / "im" / "images"
    assert repo.load(ref).meta == {"tags": ["split"]}


def test_duplicate_keys_keep_the_last_value_and_become_a_warning(repo: Repo) -> None:
    module = repo.path / "cmdgen"
    path = _entry(module, "speech", None)
    (path / ".cm" / "meta.json").write_text('{"a": 1, "a": 2, "tags": []}')
    _alias(module, "speech", "00000000000000dd")
    corpus = Corpus.load(Workspace([repo]))
    (entry,) = corpus.entries
    assert entry.meta["a"] == 2
    (warning,) = corpus.problems
    assert warning.severity is Severity.WARNING and warning.code == "duplicate-key"
    assert warning.path == str(path / ".cm" / "meta.json") and "'a'" in warning.message


def test_alias_folder_without_alias_file_stays_readable(repo: Repo) -> None:
    _entry(repo.path / "model", "orphan", {"tags": []}, info={"backup_data_uid": "00000000000000ee"})
    ref = repo.find("model", "orphan")
    assert ref is not None and (ref.alias, ref.uid) == ("orphan", "")


def test_repo_deps_are_read_from_dict_or_top_level(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    (root / ".ckr.json").write_text(json.dumps({"data_uoa": "old", "data_uid": "00000000000000ff",
                                                "repo_deps": [{"repo_uoa": "ck-env"}]}))  # fmt: skip
    assert Repo.open(root).repo_deps == [{"repo_uoa": "ck-env"}]


def test_an_alias_in_two_repositories_is_ambiguous_and_lists_both(tmp_path: Path) -> None:
    one, two = Repo.init(tmp_path / "one", "one"), Repo.init(tmp_path / "two", "two")
    one.add("model", "resnet")
    two.add("model", "resnet")
    workspace = Workspace([one, two])
    with pytest.raises(AmbiguousAlias) as caught:
        workspace.resolve(Cid(module="model", entry="resnet"))
    assert "one:model:resnet" in caught.value.message and "two:model:resnet" in caught.value.message
    assert workspace.resolve(Cid("two", "model", "resnet")).repo == "two"
