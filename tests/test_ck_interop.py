"""Entries written by kb load with the real CK 2.6.4, and entries written by CK load with kb.

CK is driven through ``ck.kernel.access`` in a subprocess whose ``CK_REPOS`` points into tmp_path,
so the tests never touch ~/CK. Several actions go to one subprocess to keep the tests fast.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.ck.ids import Cid
from generator.ck.resolve import Workspace
from generator.ck.store import Repo

pytest.importorskip("ck.kernel", reason="the real ck==2.6.4 package is a test dependency")

pytestmark = pytest.mark.ck

CkRunner = Callable[..., list[dict[str, Any]]]

_DRIVER = """
import json, sys
import ck.kernel as ck
results = []
for action in json.load(sys.stdin):
    action["out"] = ""
    results.append(ck.access(action))
json.dump(results, sys.stdout, default=str)
"""


@pytest.fixture
def ck(tmp_path: Path) -> CkRunner:
    """Run CK actions (dicts for ck.kernel.access) in one subprocess; returns their result dicts."""
    env = {**os.environ, "CK_REPOS": str(tmp_path / "ck-repos")}

    def run(*actions: dict[str, Any]) -> list[dict[str, Any]]:
        proc = subprocess.run([sys.executable, "-c", _DRIVER], input=json.dumps(list(actions)), env=env,
                              capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
        return json.loads(proc.stdout)

    return run


@pytest.fixture
def kb_repo(tmp_path: Path, run_cli: Callable[..., Any], ck: CkRunner) -> Path:
    """A repository made by 'kb repo init' and registered with CK ('ck import repo --path')."""
    path = tmp_path / "kbrepo"
    assert run_cli(["repo", "init", str(path), "--alias", "kbrepo"]).exit_code == 0
    (imported,) = ck({"action": "import", "module_uoa": "repo", "path": str(path), "quiet": "yes"})
    assert imported["return"] == 0, imported
    return path


def _ok(result: dict[str, Any]) -> dict[str, Any]:
    assert result["return"] == 0, result.get("error")
    return result


def test_entry_added_by_kb_loads_with_ck(kb_repo: Path, run_cli: Callable[..., Any], ck: CkRunner) -> None:
    added = run_cli(["-R", str(kb_repo), "add", "model:resnet50", "--tags", "model,onnx", "--set",
                     "input_resolution=224", "--name", "ResNet-50", "--json"])  # fmt: skip
    assert added.exit_code == 0, added.output
    uid = json.loads(added.stdout)["data_uid"]
    loaded, by_uid, listed = ck(
        {"action": "load", "module_uoa": "model", "data_uoa": "resnet50"},
        {"action": "load", "module_uoa": "model", "data_uoa": uid},
        {"action": "list", "module_uoa": "model", "repo_uoa": "kbrepo"},
    )
    assert _ok(loaded)["dict"] == {"input_resolution": 224, "tags": ["model", "onnx"]}
    assert loaded["data_uid"] == uid
    assert loaded["data_alias"] == "resnet50"
    assert loaded["repo_uoa"] == "kbrepo"
    assert loaded["info"]["data_name"] == "ResNet-50"
    assert loaded["info"]["backup_data_uid"] == uid
    assert _ok(by_uid)["data_alias"] == "resnet50"
    assert [(e["data_uoa"], e["data_uid"]) for e in _ok(listed)["lst"]] == [("resnet50", uid)]


def test_uid_only_entry_added_by_kb_loads_with_ck(kb_repo: Path, run_cli: Callable[..., Any],
                                                  ck: CkRunner) -> None:  # fmt: skip
    added = run_cli(["-R", str(kb_repo), "add", "dataset:", "--tags", "anon", "--json"])
    assert added.exit_code == 0, added.output
    uid = next(p.name for p in (kb_repo / "dataset").iterdir() if p.name != ".cm")
    (loaded,) = ck({"action": "load", "module_uoa": "dataset", "data_uoa": uid})
    assert _ok(loaded)["dict"] == {"tags": ["anon"]}
    assert loaded["data_alias"] == ""


def _ck_add_two_entries(ck: CkRunner, repo_uoa: str) -> tuple[dict[str, Any], dict[str, Any]]:
    # The dataset module overrides 'add' with a prompt; common_func=yes uses the kernel's add.
    dataset, model = ck(
        {"action": "add", "module_uoa": "dataset", "data_uoa": "imgs", "repo_uoa": repo_uoa,
         "common_func": "yes", "dict": {"tags": ["dataset", "images"], "size": 500}},
        {"action": "add", "module_uoa": "model", "data_uoa": "net", "repo_uoa": repo_uoa,
         "dict": {"tags": ["model"], "framework": "tflite"}, "data_name": "A net"},
    )  # fmt: skip
    return _ok(dataset), _ok(model)


def test_entries_added_by_ck_load_list_and_remove_with_kb(kb_repo: Path, run_cli: Callable[..., Any],
                                                         ck: CkRunner) -> None:  # fmt: skip
    dataset, model = _ck_add_two_entries(ck, "kbrepo")
    loaded = run_cli(["-R", str(kb_repo), "load", "dataset:imgs", "--json"])
    assert loaded.exit_code == 0, loaded.output
    data = json.loads(loaded.stdout)
    assert data["dict"] == {"size": 500, "tags": ["dataset", "images"]}
    assert data["data_uid"] == dataset["data_uid"]
    assert json.loads(run_cli(["-R", str(kb_repo), "load", f"model:{model['data_uid']}"]).stdout) == {
        "framework": "tflite", "tags": ["model"]}
    listed = run_cli(["-R", str(kb_repo), "list", "--json"])
    assert sorted(r["data_uoa"] for r in json.loads(listed.stdout)["entries"]) == ["imgs", "net"]
    assert run_cli(["-R", str(kb_repo), "list", "--tags", "images"]).stdout == "kbrepo:dataset:imgs\n"

    assert run_cli(["-R", str(kb_repo), "rm", "dataset:imgs"]).exit_code == 0
    gone, still = ck({"action": "load", "module_uoa": "dataset", "data_uoa": "imgs"},
                     {"action": "load", "module_uoa": "model", "data_uoa": "net"})  # fmt: skip
    assert gone["return"] == 16
    assert _ok(still)["info"]["data_name"] == "A net"
    assert not list((kb_repo / "dataset" / ".cm").glob("alias-*"))


def test_repo_created_by_ck_works_with_kb(tmp_path: Path, run_cli: Callable[..., Any], ck: CkRunner) -> None:
    (created,) = ck({"action": "add", "module_uoa": "repo", "data_uoa": "ckmade", "quiet": "yes"})
    _ok(created)
    path = tmp_path / "ck-repos" / "ckmade"
    assert json.loads((path / ".ckr.json").read_text())["data_alias"] == "ckmade"
    _ck_add_two_entries(ck, "ckmade")
    added = run_cli(["-R", str(path), "add", "program:bench", "--tags", "program", "--set", "program=yes"])
    assert added.exit_code == 0, added.output
    listed = run_cli(["-R", str(path), "list"])
    assert listed.stdout.splitlines() == ["ckmade:dataset:imgs", "ckmade:model:net", "ckmade:program:bench"]
    (program,) = ck({"action": "load", "module_uoa": "program", "data_uoa": "bench", "repo_uoa": "ckmade"})
    assert _ok(program)["dict"] == {"program": "yes", "tags": ["program"]}
    assert run_cli(["-R", str(path), "rm", "program:bench"]).exit_code == 0
    (gone,) = ck({"action": "load", "module_uoa": "program", "data_uoa": "bench"})
    assert gone["return"] == 16


_SAME_META = {"tags": ["zeta", "alpha", "ünïcode"], "name": "Grüße 👋", "b": 1.5, "a": {"z": [3, 1], "y": None}}
_SAME_UID = "0123456789abcdef"


def test_kb_and_ck_write_the_same_bytes_for_the_same_entry(
    tmp_path: Path, kb_repo: Path, run_cli: Callable[..., Any], ck: CkRunner
) -> None:
    (created,) = ck({"action": "add", "module_uoa": "repo", "data_uoa": "ckside", "quiet": "yes"})
    _ok(created)
    ck_repo = tmp_path / "ck-repos" / "ckside"
    (by_ck,) = ck({"action": "add", "module_uoa": "model", "data_uoa": "same", "repo_uoa": "ckside",
                   "data_uid": _SAME_UID, "dict": _SAME_META})  # fmt: skip
    _ok(by_ck)
    by_kb = run_cli(["-R", str(kb_repo), "add", "model:same", "--uid", _SAME_UID, "--meta", "-"],
                    input=json.dumps(_SAME_META))  # fmt: skip
    assert by_kb.exit_code == 0, by_kb.output
    for rel in ("model/same/.cm/meta.json", "model/same/.cm/desc.json", "model/.cm/alias-a-same",
                f"model/.cm/alias-u-{_SAME_UID}", ".cm/alias-a-model", ".cm/alias-u-f92b25ca2f1a98ae"):
        assert (kb_repo / rel).read_bytes() == (ck_repo / rel).read_bytes(), rel
    ck_info = json.loads((ck_repo / "model/same/.cm/info.json").read_text())
    kb_info = json.loads((kb_repo / "model/same/.cm/info.json").read_text())
    for info in (ck_info, kb_info):
        assert info["control"].pop("iso_datetime")
    assert kb_info == ck_info


def test_real_ck_mlperf_copy_loads_the_same_with_kb_and_ck(tmp_path: Path, run_cli: Callable[..., Any],
                                                           ck: CkRunner) -> None:  # fmt: skip
    source = tmp_path / "ck-mlperf"
    shutil.copytree(Path(__file__).resolve().parents[1] / "kb" / "ck-mlperf", source)
    ckr = json.loads((source / ".ckr.json").read_text())
    del ckr["dict"]["repo_deps"]  # else 'ck import' would try to pull ck-tensorflow & co. from GitHub
    (source / ".ckr.json").write_text(json.dumps(ckr))
    (imported,) = ck({"action": "import", "module_uoa": "repo", "path": str(source), "quiet": "yes"})
    _ok(imported)
    (listed,) = ck({"action": "list", "module_uoa": "program", "repo_uoa": "ck-mlperf"})
    ck_names = sorted(e["data_uoa"] for e in _ok(listed)["lst"])
    kb_listed = run_cli(["-R", str(source), "list", "ck-mlperf:program:*", "--json"])
    assert sorted(r["data_uoa"] for r in json.loads(kb_listed.stdout)["entries"]) == ck_names
    (loaded,) = ck({"action": "load", "module_uoa": "program", "data_uoa": "image-classification-tflite-loadgen"})
    kb_loaded = run_cli(["-R", str(source), "load", "program:image-classification-tflite-loadgen", "--json"])
    assert json.loads(kb_loaded.stdout)["dict"] == _ok(loaded)["dict"]
    assert json.loads(kb_loaded.stdout)["data_uid"] == loaded["data_uid"]


def test_inherited_meta_is_what_ck_load_returns(kb_repo: Path, ck: CkRunner) -> None:
    repo = Repo.open(kb_repo)
    repo.add("program", "base", meta={"tags": ["base"], "run": {"cmd": "a", "env": {"X": "1"}}, "files": [1, 2]})
    repo.add("program", "mid", meta={"_base_entry": "base", "run": {"env": {"Y": "2"}}, "files": [3]})
    repo.add("program", "leaf", meta={"_base_entry": "program:mid", "tags": ["leaf"], "extra": True})
    (loaded,) = ck({"action": "load", "module_uoa": "program", "data_uoa": "leaf"})
    ours = Workspace([repo]).load(Cid.parse("program:leaf"))
    assert ours.meta == _ok(loaded)["dict"]
    assert ours.meta_orig == loaded["dict_orig"]
