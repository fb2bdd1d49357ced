"""CK conventions seen in real repositories, one test per rule, each on the real files that taught
it (tests/fixtures/ckrepos/real-*, copied from public CK repositories and the ck==2.6.4 kernel)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.ck import doctor
from generator.ck.ids import Cid
from generator.ck.references import extract_references
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.diagnostics import Diagnostic
from generator.ops.check import validate_workspace

REAL = Path(__file__).parent / "fixtures" / "ckrepos"
TABLE = Path(__file__).parent / "fixtures" / "real-ck-faults.json"
Run = Callable[..., Any]


def _copy(tmp_path: Path, case: str, repo: str, *, profile: str = "") -> Path:
    """A writable copy of one real repository, optionally declaring a profile in its .ckr.json."""
    target = tmp_path / repo
    shutil.copytree(REAL / case / "repos" / repo, target)
    if profile:
        ckr = target / ".ckr.json"
        data = json.loads(ckr.read_text())
        data.setdefault("dict", {})["kb_profile"] = profile
        ckr.write_text(json.dumps(data, indent=2))
    return target


def _found(*repos: Path) -> list[Diagnostic]:
    return list(validate_workspace(Workspace.open(repos)))


def _codes(found: list[Diagnostic], *severities: str) -> list[tuple[str, str]]:
    return [(d.code, Path(d.path).name) for d in found if d.severity.value in severities]


def test_experiment_points_written_as_a_count_pass_the_reef_experiment_schema(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-public-repos", "ck-request-asplos18-results", profile="reef")
    meta = next(repo.glob("experiment/*/.cm/meta.json"))
    assert json.loads(meta.read_text())["points"] == "1"
    assert _codes(_found(repo), "error") == []
    data = json.loads(meta.read_text())
    meta.write_text(json.dumps({**data, "points": "many"}))  # the rule can fail: a count is digits
    assert ("schema", "meta.json") in _codes(_found(repo), "error")


def test_an_empty_base_uoa_is_neither_a_reference_nor_a_schema_error(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-public-repos", "ck-env", profile="reef")
    entry = Workspace.open([repo]).load(Cid("", "os", "android19-arm-v7a"))
    assert entry.meta["base_uoa"] == "" and extract_references(entry) == []
    assert _found(repo) == []


def test_a_base_uoa_names_an_entry_of_the_same_module(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-public-repos", "ck-env", profile="reef")
    meta = repo / "os" / "android19-arm-v7a" / ".cm" / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "base_uoa": "android19-arm"}))
    (reference,) = extract_references(Workspace.open([repo]).load(Cid("", "os", "android19-arm-v7a")))
    assert (reference.module, reference.target) == ("os", "android19-arm")
    (unresolved,) = [d for d in _found(repo) if d.code.endswith("-reference")]  # ck-env's repo_deps: a note
    assert unresolved.message.startswith("os:android19-arm ")


def test_entries_without_tags_are_valid_under_both_profiles(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-ck-nntest", "ck-nntest", profile="reef")
    meta = json.loads((repo / "program" / "tool-autoformat-code" / ".cm" / "meta.json").read_text())
    assert "tags" not in meta
    assert [d for d in _found(repo) if d.code == "schema"] == []


def test_cks_own_result_module_gets_reef_schema_notes_not_errors_in_plain_ck(tmp_path: Path) -> None:
    plain = _copy(tmp_path / "plain", "real-public-repos", "ck-mlops")
    assert {d.severity.value for d in _found(plain) if d.code == "schema"} == {"note"}
    reef = _copy(tmp_path / "reef", "real-public-repos", "ck-mlops", profile="reef")
    assert {d.severity.value for d in _found(reef) if d.code == "schema"} == {"error"}


def test_keys_ending_module_uoa_or_repo_uoa_are_not_entry_references(tmp_path: Path) -> None:
    kernel = _copy(tmp_path, "real-ck-kernel", "ck-kernel")
    request = _copy(tmp_path, "real-public-repos", "ck-request-asplos18-results")
    nntest = Workspace.open([kernel]).load(Cid("", "module", "nntest"))
    experiment = Workspace.open([request]).load(Cid("", "experiment", "aa07f46babbc96c6"))
    assert "default_exchange_repo_uoa" in nntest.meta and "scenario_module_uoa" in experiment.meta["meta"]
    paths = [r.json_path for e in (nntest, experiment) for r in extract_references(e)]
    assert not [p for p in paths if p.endswith(("_repo_uoa", "_module_uoa"))]


def test_features_modules_share_the_uid_of_the_program_they_describe(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-ctuning-programs", "ctuning-programs", profile="reef")
    ws = Workspace.open([repo])
    name = "milepost-codelet-mibench-consumer-tiffdither-src-tiffdither-codelet-1-1"
    program, features = (ws.resolve(Cid("", m, name)) for m in ("program", "program.static.features"))
    assert program.uid == features.uid
    assert [d for d in _found(repo) if d.code == "duplicate-uid"] == []


def test_unrelated_modules_sharing_a_uid_are_an_error_under_the_reef_profile(tmp_path: Path) -> None:
    repo = _copy(tmp_path, "real-ctuning-programs", "ctuning-programs", profile="reef")
    features = repo / "program.static.features"
    features.rename(repo / "dataset")  # same UIDs, but a dataset does not describe a program
    (repo / ".cm" / "alias-a-program.static.features").rename(repo / ".cm" / "alias-a-dataset")
    assert {d.severity.value for d in _found(repo) if d.code == "duplicate-uid"} == {"error"}


def test_component_mirrors_share_the_uid_of_what_they_describe(tmp_path: Path) -> None:
    kernel = _copy(tmp_path, "real-ck-kernel", "ck-kernel")
    mirror = _copy(tmp_path, "real-ck-kernel", "reproindex", profile="reef")
    assert (mirror / "component.module" / "032630d041b4fd8a").is_dir() and (kernel / "module" / "module").is_dir()
    assert [d for d in _found(kernel, mirror) if d.code == "duplicate-uid"] == []


def test_kernel_references_into_repositories_pulled_on_demand_are_notes(tmp_path: Path) -> None:
    kernel = _copy(tmp_path, "real-ck-kernel", "ck-kernel")
    found = _found(kernel)
    refs = [d for d in found if d.code == "external-reference"]
    assert {Path(d.path).parts[-3] for d in refs} == {"experiment.bench.dnn.mobile", "platform.cpu"}
    assert not [d for d in found if d.severity.value == "error"]
    assert not [d for d in found if "lcfg" in d.message]  # lcfg_uoa: no such module anywhere
    declared = _copy(tmp_path / "reef", "real-ck-kernel", "ck-kernel", profile="reef")
    assert "dangling-reference" in {d.code for d in _found(declared)}


def test_long_real_names_are_valid(tmp_path: Path) -> None:
    programs = _copy(tmp_path, "real-ctuning-programs", "ctuning-programs")
    detection = _copy(tmp_path, "real-ck-object-detection", "ck-object-detection")
    longest = max((p.name for p in [*programs.glob("*/*"), *detection.glob("*/*")]), key=len)
    assert len(longest) > 63
    assert "invalid-name" not in {d.code for d in _found(programs, detection)}


def test_missing_desc_json_is_reported_by_validate_and_written_by_doctor(tmp_path: Path, run_cli: Run) -> None:
    repo = _copy(tmp_path, "real-ck-analytics", "ck-analytics")
    assert _codes(_found(repo), "warning") == [("missing-file", "desc.json")] * 2
    assert run_cli(["-R", str(repo), "doctor", "--fix"]).exit_code == 0
    assert (repo / "demo" / "graph-bar" / ".cm" / "desc.json").read_text() == "{}\n"
    assert _found(repo) == []


def test_a_folder_without_its_alias_file_is_an_error_ck_cannot_load(tmp_path: Path, run_cli: Run) -> None:
    repo = _copy(tmp_path, "real-ck-math", "ck-math")
    (error,) = [d for d in _found(repo) if d.severity.value == "error"]
    assert error.code == "missing-alias-file" and "explore-matrix-size-gemm-libs" in error.path
    assert run_cli(["-R", str(repo), "load", "script:explore-matrix-size-gemm-libs"]).exit_code == 1
    assert run_cli(["-R", str(repo), "doctor", "--fix"]).exit_code == 0  # the UID comes from info.json
    assert run_cli(["-R", str(repo), "load", "script:explore-matrix-size-gemm-libs"]).exit_code == 0


def test_titles_come_from_the_meta_when_info_has_no_name() -> None:
    ws = Workspace.open([REAL / "real-ck-kernel" / "repos" / "reproindex"])
    paper = ws.load(Cid("", "component.article", "3df49819df8096c4"))
    mirror = ws.load(Cid("", "component.module", "032630d041b4fd8a"))
    assert paper.name == "Optimizing DNN Computation with Relaxed Graph Substitutions"
    assert mirror.name == "module"  # the alias of the module entry it mirrors (misc.data_uoa)
    assert paper.to_dict()["data_name"] == ""  # what ck load reports


def test_portal_pages_listings_and_search_use_that_title_not_the_uid() -> None:
    from generator.ck.corpus import Corpus
    from generator.index.documents import document_for
    from generator.portal.component import build_site_model, render_component
    from generator.portal.listings import entry_row

    corpus = Corpus.load(Workspace.open([REAL / "real-ck-kernel" / "repos" / "reproindex"]))
    paper = next(e for e in corpus.entries if e.ref.module == "component.article")
    title = "Optimizing DNN Computation with Relaxed Graph Substitutions"
    site = build_site_model(corpus, history=False)
    assert render_component(paper, site).title == document_for(paper).name == title
    assert entry_row(paper, site.url_of(paper), site).name == title  # listings, feeds, the API index


def test_every_fault_in_the_real_copies_is_in_the_table_with_its_reason() -> None:
    table = json.loads(TABLE.read_text())["corpora"]
    for case in sorted(REAL.glob("real-*")):
        expected = json.loads((case / "expected.json").read_text())["diagnostics"]
        for item in (d for d in expected if d["severity"] != "note"):
            corpus, rel = Path(item["path"]).parts[1], Path(*Path(item["path"]).parts[2:]).as_posix()
            listed = [f for f in table[corpus]["faults"] if (f["code"], f["severity"], f["path"]) ==
                      (item["code"], item["severity"], rel)]  # fmt: skip
            assert listed and listed[0]["reason"] == item["reason"], item
    assert all(f["reason"] for c in table.values() for f in c["faults"])


def test_the_installed_ck_kernel_repository_validates_without_errors() -> None:
    ck = pytest.importorskip("ck", reason="the real ck==2.6.4 package is a test dependency")
    kernel = Path(ck.__file__).resolve().parent / "repo"
    found = _found(kernel)
    assert not [d for d in found if d.severity.value == "error"]
    table = json.loads(TABLE.read_text())["corpora"]["ck-kernel"]["faults"]
    assert sorted((d.code, str(Path(d.path).relative_to(kernel))) for d in found if d.severity.value == "warning") \
        == sorted((f["code"], f["path"]) for f in table)


SHARED = {"alias-mismatch", "missing-alias-file", "stale-alias", "uid-mismatch", "missing-file"}


@pytest.mark.parametrize("case", sorted(p.name for p in REAL.iterdir() if (p / "repos").is_dir()))
def test_doctor_and_validate_agree_on_every_shared_check(case: str) -> None:
    repos = sorted((REAL / case / "repos").iterdir())
    validated = {(d.code, d.severity.value, d.path) for d in _found(*repos) if d.code in SHARED}
    examined = {(f.code, f.severity.value, str(f.path)) for r in repos
                for f in doctor.examine(Repo.open(r, recover=False)) if f.code in SHARED}  # fmt: skip
    assert validated == examined


@pytest.mark.parametrize(("dep", "valid"), [({"repo_uid": "1be6d862d67244da"}, True),
                                            ({"repo_uoa": "ck-env", "repo_uid": ""}, True),
                                            ({"repo_url": "https://github.com/ctuning/ck-env"}, False),
                                            ({"repo_uid": ""}, False)])  # fmt: skip
def test_a_repo_dep_may_be_named_by_its_uid_alone_as_ck_reads_it(dep: dict[str, str], valid: bool,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    """CK's repo module resolves a dependency by repo_uid when given, else repo_uoa (module.py of
    ck==2.6.4, 'ruoa = xruoa['repo_uid']'); one naming neither is skipped by CK: a fault."""
    nntest = _copy(tmp_path, "real-ck-nntest", "ck-nntest")
    ckr = nntest / ".ckr.json"
    data = json.loads(ckr.read_text())
    data["dict"]["repo_deps"] = [*data["dict"]["repo_deps"], dep]
    ckr.write_text(json.dumps(data, indent=2))
    about_the_repo = [d for d in _found(nntest) if d.path.endswith(".ckr.json") and d.severity.value == "error"]
    assert (about_the_repo == []) == valid, about_the_repo
