"""Changed-only validation is the full run seen through the change: random edits to a committed corpus,
then `kb validate --changed-since HEAD` must report exactly what a full run reports about the changed
entries, plus every finding the change newly causes elsewhere (its dependants).

Edits: meta values and tags, keys written twice, references (resolving or not), new entries (a name
differing only in case from another), a folder copied with its UID. Not yet generated: changes to the
tags of soft/package/env entries (a program's tag dependency that stops resolving is found only by a
full run), deletions and renames, and several repositories (cross-repository alias notes)."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import git
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.diagnostics import Report
from generator.errors import EntryExists
from generator.ops.check import validate_changed, validate_workspace

VALID = Path(__file__).parent / "fixtures" / "ckrepos" / "valid" / "repos" / "reef"
ENTRIES = [("model", "resnet50-v1.5"), ("dataset", "imagenet-2012-val"), ("platform", "firefly-rk3399"),
           ("program", "image-classification-tflite"), ("paper", "mlperf-inference")]  # fmt: skip
REFERENCES = ["dataset_uoa", "model_uoa", "platform_uoa"]
Key = tuple[str, str, str, str]

values = st.one_of(st.text(alphabet="abc-", min_size=1, max_size=6), st.integers(-3, 3), st.booleans(),
                   st.lists(st.sampled_from(["model", "x", "y"]), max_size=3))  # fmt: skip
KEYS = ["tags", "name", "task", "framework", "extra"]
TARGETS = ["imagenet-2012-val", "resnet50-v1.5", "nowhere", "firefly-rk3399"]
edits = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(ENTRIES), st.sampled_from(KEYS), values),
    st.tuples(st.just("twice"), st.sampled_from(ENTRIES), st.sampled_from(["name", "framework"])),
    st.tuples(st.just("reference"), st.sampled_from(ENTRIES), st.sampled_from(REFERENCES), st.sampled_from(TARGETS)),
    st.tuples(st.just("add"), st.sampled_from(["model", "dataset", "platform"]), st.sampled_from(["new-a", "New-A"]),
              st.sampled_from(REFERENCES), st.sampled_from(TARGETS)),
    st.tuples(st.just("copy"), st.sampled_from(ENTRIES[:3]), st.just("copied")),
)


def _meta_path(root: Path, module: str, name: str) -> Path:
    return root / module / name / ".cm" / "meta.json"


def _apply(root: Path, edit: tuple) -> None:  # type: ignore[type-arg]
    """One edit as a contributor would make it (by hand or with kb)."""
    kind = edit[0]
    if kind in ("set", "reference"):
        (module, name), key, value = edit[1], edit[2], edit[3]
        path = _meta_path(root, module, name)
        path.write_text(json.dumps({**json.loads(path.read_text()), key: value}, indent=2) + "\n")
    elif kind == "twice":
        (module, name), key = edit[1], edit[2]
        path = _meta_path(root, module, name)
        path.write_text(path.read_text().replace("{", f'{{\n  "{key}": "first",\n  "{key}": "second",', 1))
    elif kind == "add":
        module, alias, key, target = edit[1:]
        with contextlib.suppress(EntryExists):  # kb refuses a name differing only in case: nothing added
            Repo.open(root).add(module, alias, meta={"tags": [module], key: target})
    elif kind == "copy":
        (module, name), copy = edit[1], edit[2]
        if not (root / module / copy).exists():
            shutil.copytree(root / module / name, root / module / copy)
            cm = root / module / ".cm"
            (cm / f"alias-a-{copy}").write_text((cm / f"alias-a-{name}").read_text())


def _keys(report: Report) -> set[Key]:
    return {(d.code, d.severity.value, d.path, d.json_path) for d in report.diagnostics}


def _changed_folders(repo: git.Repo, root: Path) -> set[str]:
    """Entry folders (module/name) with a changed, new or deleted file, as Git sees them."""
    names = repo.git.status("--porcelain", "--untracked-files=all", "--no-renames").splitlines()
    folders = set()
    for line in names:
        parts = Path(line[3:]).relative_to(root.name).parts
        if len(parts) >= 2 and parts[1] != ".cm":
            folders.add(f"{parts[0]}/{parts[1]}")
    return folders


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid fixture committed once; each example works on a fresh copy."""
    root = tmp_path_factory.mktemp("base") / "checkout"
    shutil.copytree(VALID, root / "reef")
    repo = git.Repo.init(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "t")
        cfg.set_value("user", "email", "t@example.org")
    repo.git.add("-A")
    repo.git.commit("-m", "base")
    return root


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(edits, min_size=1, max_size=4))
def test_changed_only_reports_what_the_full_run_reports_about_the_change(base: Path, tmp_path_factory,
                                                                         changes: list) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("example") / "checkout"
    shutil.copytree(base, work)
    root = work / "reef"
    before = _keys(validate_workspace(Workspace.open([root])))
    for edit in changes:
        _apply(root, edit)
    workspace = Workspace.open([root])
    full = _keys(validate_workspace(workspace))
    changed = _keys(validate_changed(workspace, "HEAD"))
    folders = {str(root / f) for f in _changed_folders(git.Repo(work), root)}
    about_change = {k for k in full if any(k[2].startswith(f + "/") or k[2] == f for f in folders)}
    newly_elsewhere = (full - before) - about_change
    assert changed == about_change | newly_elsewhere, (changes, sorted(changed ^ (about_change | newly_elsewhere)))
