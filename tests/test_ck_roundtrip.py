"""Round trip against the real ck==2.6.4: every entry action done by kb and by CK on two copies of
one repository leaves the same files (up to timestamps and freshly generated UIDs), and each tool
loads what the other wrote.

CK runs through ``ck.kernel.access`` in one subprocess per test with ``CK_REPOS`` in tmp_path;
``common_func=yes`` selects the kernel's own action (what ``ck add``/``update`` do for modules that
do not override them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.ck.ids import Cid
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.ops import entries as ops

pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")

pytestmark = pytest.mark.ck

_DRIVER = """
import json, sys
import ck.kernel as ck
results = []
for action in json.load(sys.stdin):
    action["out"] = ""
    r = ck.access(action)
    results.append({k: r.get(k) for k in ("return", "error", "data_uid", "dict", "info", "lst", "data_uoa",
                                          "data_alias", "data_name", "module_uoa")})
json.dump(results, sys.stdout, default=str)
"""
_TIME = re.compile(r'"iso_datetime": "[^"]*"')
IGNORED = {".cm/kb.lock"}

CkRun = Callable[..., list[dict[str, Any]]]


class Pair:
    """The same repositories twice: one copy changed by kb, one by CK."""

    def __init__(self, root: Path, ck: CkRun) -> None:
        self.root = root
        self.ck = ck

    def kb(self, name: str = "rt") -> Path:
        return self.root / "kb" / name

    def ck_path(self, name: str = "rt") -> Path:
        return self.root / "ck" / name

    def workspace(self) -> Workspace:
        return Workspace.open([self.kb("rt"), self.kb("rt2")])

    def assert_same(self, fresh: dict[str, str] | None = None) -> None:
        """Both copies hold the same files; ``fresh`` maps each tool's new UID to a placeholder."""
        for name in ("rt", "rt2"):
            ours, theirs = _snapshot(self.kb(name), fresh), _snapshot(self.ck_path(name), fresh)
            assert sorted(ours) == sorted(theirs)
            for rel in ours:
                assert ours[rel] == theirs[rel], rel


def _snapshot(root: Path, fresh: dict[str, str] | None) -> dict[str, str]:
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in IGNORED:
            continue
        text = _TIME.sub('"iso_datetime": "T"', path.read_text(encoding="utf-8"))
        for uid, placeholder in (fresh or {}).items():
            rel, text = rel.replace(uid, placeholder), text.replace(uid, placeholder)
        files[rel] = text
    return files


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    """Two repositories (rt with a few entries and a payload file, rt2 empty), copied for each tool
    and registered with CK ('ck import repo')."""
    env = {**os.environ, "CK_REPOS": str(tmp_path / "ck-repos")}

    def ck(*actions: dict[str, Any]) -> list[dict[str, Any]]:
        proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps(list(actions)), env=env,
                              capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
        return json.loads(proc.stdout)

    base = tmp_path / "base"
    rt = Repo.init(base / "rt", "rt", uid="00000000000000f1")
    Repo.init(base / "rt2", "rt2", uid="00000000000000f2")
    rt.add("model", "seed", uid="00000000000000a1", meta={"tags": ["a", "b"], "x": {"y": 1}, "l": [1, 2]},
           name="Seed model")  # fmt: skip
    (rt.path / "model" / "seed" / "README.md").write_text("# Seed\n")
    rt.add("model", "other", uid="00000000000000a2", meta={"tags": ["a"]})
    rt.add("dataset", uid="00000000000000a3", meta={"tags": ["d"]})
    for side in ("kb", "ck"):
        shutil.copytree(base, tmp_path / side)
    registered = ck(*({"action": "import", "module_uoa": "repo", "path": str(tmp_path / "ck" / n),
                       "quiet": "yes"} for n in ("rt", "rt2")))  # fmt: skip
    assert all(r["return"] == 0 for r in registered), registered
    return Pair(tmp_path, ck)


def _ok(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for result in results:
        assert result["return"] == 0, result.get("error")
    return results


def _common(action: str, **keys: Any) -> dict[str, Any]:
    return {"action": action, "common_func": "yes", **keys}


def test_add_writes_the_same_files_as_ck(pair: Pair) -> None:
    ops.add_entry(pair.workspace(), ops.AddRequest(Cid("rt", "model", "new"), {"tags": ["p"], "k": {"a": 1}},
                                                   uid="00000000000000b1", tags=("q", "r")))  # fmt: skip
    ops.add_entry(pair.workspace(), ops.AddRequest(Cid("rt2", "program", ""), {}, uid="00000000000000b2"))
    _ok(pair.ck(
        _common("add", repo_uoa="rt", module_uoa="model", data_uoa="new", data_uid="00000000000000b1",
                dict={"tags": ["p"], "k": {"a": 1}}, tags="q,r"),
        _common("add", repo_uoa="rt2", module_uoa="program", data_uid="00000000000000b2", dict={}),
    ))  # fmt: skip
    pair.assert_same()


def test_update_merges_and_records_updates_like_ck(pair: Pair) -> None:
    ws = pair.workspace()
    ops.update_entries(ws, Cid("rt", "model", "seed"), {"x": {"z": 2}, "l": [3]}, tags=("c",))
    ops.update_entries(ws, Cid("rt", "model", "seed"), {"n": 1})
    ops.update_entries(ws, Cid("rt", "model", "other"), {"only": True}, substitute=True)
    _ok(pair.ck(
        _common("update", repo_uoa="rt", module_uoa="model", data_uoa="seed", dict={"x": {"z": 2}, "l": [3]},
                tags="c"),
        _common("update", repo_uoa="rt", module_uoa="model", data_uoa="seed", dict={"n": 1}),
        _common("update", repo_uoa="rt", module_uoa="model", data_uoa="other", dict={"only": True},
                substitute="yes"),
    ))  # fmt: skip
    pair.assert_same()
    meta = pair.workspace().load(Cid("rt", "model", "seed")).meta
    assert meta == {"tags": ["a", "b", "c"], "x": {"y": 1, "z": 2}, "l": [3], "n": 1}


def test_ren_keeps_the_uid_and_rewrites_alias_files_like_ck(pair: Pair) -> None:
    ws = pair.workspace()
    ops.rename_entry(ws, Cid("rt", "model", "other"), "renamed")
    ops.rename_entry(ws, Cid("rt", "dataset", "00000000000000a3"), "named-now")
    ops.rename_entry(ws, Cid("rt", "model", "seed"), "", remove_alias=True)
    _ok(pair.ck(
        _common("ren", repo_uoa="rt", module_uoa="model", data_uoa="other", new_data_uoa="renamed"),
        _common("ren", repo_uoa="rt", module_uoa="dataset", data_uoa="00000000000000a3",
                new_data_uoa="named-now"),
        _common("ren", repo_uoa="rt", module_uoa="model", data_uoa="seed", remove_alias="yes"),
    ))  # fmt: skip
    pair.assert_same()
    assert pair.workspace().resolve(Cid("rt", "model", "renamed")).uid == "00000000000000a2"


def test_cp_copies_files_under_a_new_uid_like_ck(pair: Pair) -> None:
    ours = ops.copy_entry(pair.workspace(), Cid("rt", "model", "seed"), Cid("rt2", "", "seed-copy"))
    (theirs,) = _ok(pair.ck(_common("cp", repo_uoa="rt", module_uoa="model", data_uoa="seed",
                                    new_repo_uoa="rt2", new_data_uoa="seed-copy")))  # fmt: skip
    assert ours.uid != "00000000000000a1" and theirs["data_uid"] != "00000000000000a1"
    pair.assert_same({ours.uid: "NEW-UID", theirs["data_uid"]: "NEW-UID"})
    assert (pair.kb("rt2") / "model" / "seed-copy" / "README.md").read_text() == "# Seed\n"


def test_mv_to_another_repository_keeps_the_uid_like_ck(pair: Pair) -> None:
    ops.move_entries(pair.workspace(), Cid("rt", "model", "seed"), Cid("rt2", "", ""))
    _ok(pair.ck(_common("mv", repo_uoa="rt", module_uoa="model", data_uoa="seed", new_repo_uoa="rt2",
                        new_data_uoa="seed")))  # fmt: skip
    pair.assert_same()
    assert pair.workspace().resolve(Cid("", "model", "00000000000000a1")).repo == "rt2"


def test_rm_with_wildcards_deletes_entries_and_alias_files_like_ck(pair: Pair) -> None:
    ops.remove_entries(pair.workspace(), Cid("rt", "model", "s*"))
    ops.remove_entries(pair.workspace(), Cid("rt", "dataset", "00000000000000a3"))
    _ok(pair.ck(
        _common("rm", repo_uoa="rt", module_uoa="model", data_uoa="s*", force="yes"),
        _common("rm", repo_uoa="rt", module_uoa="dataset", data_uoa="00000000000000a3", force="yes"),
    ))  # fmt: skip
    pair.assert_same()


def test_list_and_search_select_the_same_entries_as_ck(pair: Pair) -> None:
    from generator.ck.search import SearchQuery

    ws = pair.workspace()
    cases = [
        ({"action": "list", "repo_uoa": "rt", "module_uoa": "*", "data_uoa": "s*"}, Cid("rt", "*", "s*"), None),
        ({"action": "search", "repo_uoa": "rt", "module_uoa": "model", "tags": "a,b"}, Cid("rt", "model", "*"),
         SearchQuery(tags=("a", "b"))),
        ({"action": "search", "repo_uoa": "rt", "module_uoa": "*", "search_dict": {"x": {"y": 1}}},
         Cid("rt", "*", "*"), SearchQuery(where={"x": {"y": 1}})),
        ({"action": "search", "repo_uoa": "rt", "module_uoa": "*", "search_string": "d*"}, Cid("rt", "*", "*"),
         SearchQuery(search_string="d*")),
    ]  # fmt: skip
    results = _ok(pair.ck(*(c[0] for c in cases)))
    for (_, cid, query), result in zip(cases, results, strict=True):
        theirs = sorted((r["module_uoa"], r["data_uid"]) for r in result["lst"])
        ours = sorted((r.module, r.uid) for r in ops.list_entries(ws, cid, query=query))
        assert ours == theirs, cid


def test_each_tool_loads_what_the_other_wrote(pair: Pair) -> None:
    ws = pair.workspace()
    ops.add_entry(ws, ops.AddRequest(Cid("rt", "model", "by-kb"), {"tags": ["kb"], "v": 1}, name="By kb"))
    _ok(pair.ck(_common("add", repo_uoa="rt", module_uoa="model", data_uoa="by-ck", dict={"tags": ["ck"]},
                        data_name="By CK")))  # fmt: skip
    # CK reads the kb copy: register it under another CK home.
    shutil.copytree(pair.kb("rt"), pair.root / "kb-for-ck")
    data = json.loads((pair.root / "kb-for-ck" / ".ckr.json").read_text())
    data.update(data_uid="00000000000000f9", data_uoa="kbrt", data_alias="kbrt")
    (pair.root / "kb-for-ck" / ".ckr.json").write_text(json.dumps(data))
    _, loaded = _ok(pair.ck({"action": "import", "module_uoa": "repo", "path": str(pair.root / "kb-for-ck"),
                                    "quiet": "yes"},
                                   {"action": "load", "repo_uoa": "kbrt", "module_uoa": "model",
                                    "data_uoa": "by-kb"}))  # fmt: skip
    assert loaded["dict"] == {"tags": ["kb"], "v": 1} and loaded["info"]["data_name"] == "By kb"
    theirs = Workspace.open([pair.ck_path("rt")]).load(Cid("", "model", "by-ck"))
    assert theirs.meta == {"tags": ["ck"]} and theirs.info["data_name"] == "By CK"
    assert theirs.info["backup_module_uid"] == "f92b25ca2f1a98ae"


# -- names, modes and identities as CK reports them (issue 15) --------------------------------------

LONG_NAME = "milepost-codelet-mibench-consumer-tiffdither-src-tiffdither-codelet-1-1"  # ctuning-programs, 71 chars


def _modes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): oct(stat.S_IMODE(p.lstat().st_mode)) for p in sorted(root.rglob("*"))
            if p.relative_to(root).as_posix() not in IGNORED}  # fmt: skip


@pytest.fixture
def umask_027() -> Iterator[None]:
    """A umask other than the usual 022, so following it is told apart from a fixed 0644/0755."""
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_new_files_follow_the_umask_and_updates_keep_the_mode_like_ck(pair: Pair, umask_027: None) -> None:
    for side in (pair.kb(), pair.ck_path()):
        (side / "model" / "seed" / ".cm" / "meta.json").chmod(0o664)
    ws = pair.workspace()
    ops.add_entry(ws, ops.AddRequest(Cid("rt", "model", "new"), {"tags": ["p"]}, uid="00000000000000b1"))
    ops.update_entries(ws, Cid("rt", "model", "seed"), {"n": 1})
    ops.rename_entry(ws, Cid("rt", "model", "other"), "renamed")
    _ok(pair.ck(
        _common("add", repo_uoa="rt", module_uoa="model", data_uoa="new", data_uid="00000000000000b1",
                dict={"tags": ["p"]}),
        _common("update", repo_uoa="rt", module_uoa="model", data_uoa="seed", dict={"n": 1}),
        _common("ren", repo_uoa="rt", module_uoa="model", data_uoa="other", new_data_uoa="renamed"),
    ))  # fmt: skip
    pair.assert_same()
    ours, theirs = _modes(pair.kb()), _modes(pair.ck_path())
    assert ours == theirs
    assert ours["model/new"] == oct(0o750) and ours["model/new/.cm/meta.json"] == oct(0o640)
    assert ours["model/.cm/alias-a-new"] == oct(0o640)
    assert ours["model/seed/.cm/meta.json"] == oct(0o664)  # rewritten in place of a 0664 file


def test_long_real_names_are_added_renamed_and_moved_like_ck(pair: Pair) -> None:
    ws = pair.workspace()
    ops.add_entry(ws, ops.AddRequest(Cid("rt", "program", LONG_NAME), {"tags": ["milepost"]}, uid="00000000000000b3"))
    ops.rename_entry(ws, Cid("rt", "model", "other"), LONG_NAME + "-renamed")
    ops.move_entries(ws, Cid("rt", "program", LONG_NAME), Cid("rt2", "", ""))
    _ok(pair.ck(
        _common("add", repo_uoa="rt", module_uoa="program", data_uoa=LONG_NAME, data_uid="00000000000000b3",
                dict={"tags": ["milepost"]}),
        _common("ren", repo_uoa="rt", module_uoa="model", data_uoa="other", new_data_uoa=LONG_NAME + "-renamed"),
        _common("mv", repo_uoa="rt", module_uoa="program", data_uoa=LONG_NAME, new_repo_uoa="rt2",
                new_data_uoa=LONG_NAME),
    ))  # fmt: skip
    pair.assert_same()
    assert pair.workspace().resolve(Cid("", "program", LONG_NAME)).repo == "rt2"


_IDENTITY = ("data_uoa", "data_uid", "data_alias", "data_name", "module_uoa")


def test_kb_load_json_reports_uid_only_entries_as_ck_load_does(pair: Pair, run_cli: Callable[..., Any]) -> None:
    (made_by_ck,) = _ok(pair.ck(_common("add", repo_uoa="rt", module_uoa="dataset", data_uid="00000000000000c1",
                                         dict={"tags": ["ck"]})))  # fmt: skip
    assert made_by_ck["data_uid"] == "00000000000000c1"
    for uid, root in (("00000000000000a3", pair.kb()), ("00000000000000c1", pair.ck_path())):
        (theirs,) = _ok(pair.ck({"action": "load", "repo_uoa": "rt", "module_uoa": "dataset", "data_uoa": uid}))
        result = run_cli(["-R", str(root), "load", f"dataset:{uid}", "--json"])
        assert result.exit_code == 0, result.output
        ours = json.loads(result.stdout)
        assert {k: ours[k] for k in _IDENTITY} == {k: theirs[k] for k in _IDENTITY}
        assert ours["data_name"] == "" and ours["data_alias"] == ""


def test_entries_without_alias_files_are_hidden_as_ck_hides_them(pair: Pair, run_cli: Callable[..., Any]) -> None:
    for side in (pair.kb(), pair.ck_path()):
        for name in ("alias-a-other", "alias-u-00000000000000a2"):
            (side / "model" / ".cm" / name).unlink()
    listed, loaded = pair.ck({"action": "list", "repo_uoa": "rt", "module_uoa": "model", "data_uoa": "*"},
                             {"action": "load", "repo_uoa": "rt", "module_uoa": "model", "data_uoa": "other"})
    assert loaded["return"] == 10 and "inconsistent entry" in loaded["error"]
    ours = run_cli(["-R", str(pair.kb()), "list", "model:*", "--json"])
    assert sorted(r["data_uid"] for r in json.loads(ours.stdout)["entries"]) == sorted(
        r["data_uid"] for r in _ok([listed])[0]["lst"]) == ["00000000000000a1"]  # fmt: skip
    refused = run_cli(["-R", str(pair.kb()), "load", "model:other", "--json"])
    assert refused.exit_code == 1 and "inconsistent" in refused.stderr and "kb doctor --fix" in refused.stderr


def test_modules_without_alias_files_are_hidden_as_ck_hides_them(pair: Pair, run_cli: Callable[..., Any]) -> None:
    module_uid = (pair.kb() / ".cm" / "alias-a-model").read_text().strip()
    for side in (pair.kb(), pair.ck_path()):
        for name in ("alias-a-model", f"alias-u-{module_uid}"):
            (side / ".cm" / name).unlink()
    every, models, loaded = pair.ck({"action": "list", "repo_uoa": "rt", "module_uoa": "*", "data_uoa": "*"},
                                    {"action": "list", "repo_uoa": "rt", "module_uoa": "model", "data_uoa": "*"},
                                    {"action": "load", "repo_uoa": "rt", "module_uoa": "model", "data_uoa": "seed"})
    theirs = sorted((r["module_uoa"], r["data_uid"]) for r in _ok([every])[0]["lst"])
    assert theirs == [("dataset", "00000000000000a3")]
    for args in (["list"], ["list", "--json"], ["list", "rt:*:*", "--json"]):
        result = run_cli(["-R", str(pair.kb()), *args])
        assert result.exit_code == 0, result.output
        if "--json" in args:
            ours = sorted((r["module_uoa"], r["data_uid"]) for r in json.loads(result.stdout)["entries"])
            assert ours == theirs, args
        else:
            assert result.stdout.splitlines() == ["rt:dataset:00000000000000a3"]
    from generator.cli.quick_list import quick_list

    assert quick_list(["-R", str(pair.kb()), "list"]) == ["rt:dataset:00000000000000a3"]
    assert models["return"] == 0 and models["lst"] == []
    assert loaded["return"] == 10 and "inconsistent entry" in loaded["error"]
    refused = run_cli(["-R", str(pair.kb()), "load", "model:seed"])
    assert refused.exit_code == 1 and "alias-a-model" in refused.stderr and "kb doctor --fix" in refused.stderr
