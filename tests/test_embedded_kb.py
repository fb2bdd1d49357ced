"""The embedded knowledge base in kb/ validates, is in CK's file format, and holds the curated
entries other parts link to (canonical model and dataset aliases, MobileNets-study platforms)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from generator.ck.corpus import Corpus
from generator.ck.jsonio import dumps_ck
from generator.ck.model import Entry
from generator.ck.resolve import Workspace
from generator.ck.store import Repo

ROOT = Path(__file__).resolve().parents[1]
REEF_CORE = ROOT / "kb" / "reef-core"
CK_MLPERF = ROOT / "kb" / "ck-mlperf"

CANONICAL_MODELS = {"resnet50-v1.5", "mobilenet-v1-1.0-224", "mobilenet-v1-1.0-224-quant", "ssd-mobilenet-v1-coco",
                    "ssd-resnet34-1200", "gnmt"}  # fmt: skip
CANONICAL_DATASETS = {"imagenet-2012-val", "coco-2017-val", "wmt16-en-de"}
MOBILENETS_BOARDS = {
    "Firefly RK3399": "firefly-rk3399",
    "Linaro HiKey960": "linaro-hikey960",
    "Huawei Mate 10 Pro": "huawei-mate-10-pro",
    "Samsung Galaxy S8 US": "samsung-galaxy-s8-us",
}


@pytest.fixture(scope="module")
def reef_core() -> list[Entry]:
    """Every entry of kb/reef-core, loaded once."""
    corpus = Corpus.load(Workspace([Repo.open(REEF_CORE)]))
    assert not corpus.problems, corpus.problems
    return list(corpus.entries)


def _aliases(entries: list[Entry], module: str) -> set[str]:
    return {e.ref.alias for e in entries if e.ref.module == module}


def test_kb_validate_passes_on_the_embedded_kb(run_cli: Callable[..., Result]) -> None:
    result = run_cli(["-c", str(ROOT / "mkdocs.yml"), "validate"])
    assert result.exit_code == 0, result.stdout[-3000:]
    assert re.search(r"^\d+ entries checked: 0 errors", result.stdout.splitlines()[-1])


def test_mkdocs_yml_lists_the_embedded_repositories() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    (kb,) = [p["kb"] for p in config["plugins"] if isinstance(p, dict) and "kb" in p]
    paths = {r if isinstance(r, str) else r["path"] for r in kb["repos"]}
    assert {"kb/reef-core", "kb/ck-mlperf"} <= paths


def test_reef_core_has_at_least_30_entries_of_the_five_component_types(reef_core: list[Entry]) -> None:
    counts = Counter(e.ref.module for e in reef_core)
    assert len(reef_core) >= 30
    assert set(counts) == {"model", "dataset", "program", "platform", "soft", "paper", "solution"}
    assert "result" not in counts  # results are imported into kb/mlperf-inference-v0.5 and kb/mobilenets


def test_reef_core_holds_the_canonical_models_and_datasets(reef_core: list[Entry]) -> None:
    assert _aliases(reef_core, "model") >= CANONICAL_MODELS
    assert _aliases(reef_core, "dataset") >= CANONICAL_DATASETS


def test_platform_aliases_are_slugs_of_the_mobilenets_board_names(reef_core: list[Entry]) -> None:
    platforms = {e.ref.alias: e for e in reef_core if e.ref.module == "platform"}
    assert set(platforms) == set(MOBILENETS_BOARDS.values())
    for name, alias in MOBILENETS_BOARDS.items():
        meta = platforms[alias].meta
        assert platforms[alias].name == name
        assert meta["processor"] and meta["os"] and meta["accelerator"]


def test_models_name_a_dataset_entry_that_exists(reef_core: list[Entry]) -> None:
    datasets = _aliases(reef_core, "dataset")
    for entry in reef_core:
        if entry.ref.module == "model":
            assert entry.meta["dataset_uoa"] in datasets, entry.ref.cid
            assert {"task", "framework", "architecture", "precision", "license", "links"} <= set(entry.meta)


def test_programs_and_models_point_at_existing_software_and_models(reef_core: list[Entry]) -> None:
    soft, models = _aliases(reef_core, "soft"), _aliases(reef_core, "model")
    for entry in reef_core:
        if entry.ref.module == "program":
            assert entry.meta["program"] == "yes"
            assert entry.meta.get("soft_uoa") in {None, *soft}, entry.ref.cid
            assert set(entry.meta.get("models", [])) <= models, entry.ref.cid


def test_every_reef_core_entry_has_tags_a_human_name_and_links_or_a_readme(reef_core: list[Entry]) -> None:
    for entry in reef_core:
        assert entry.tags and entry.ref.module in entry.tags, entry.ref.cid
        assert entry.name != entry.ref.alias, f"{entry.ref.cid} needs a human name (kb add --name)"
        assert (entry.ref.path / "README.md").is_file(), entry.ref.cid
        for link in entry.meta.get("links", []):
            assert link["url"].startswith(("https://", "http://")), entry.ref.cid


def test_reef_core_files_are_written_in_ck_format(reef_core: list[Entry]) -> None:
    for entry in reef_core:
        cm = entry.ref.path / ".cm"
        for name, data in (("meta.json", entry.meta), ("info.json", entry.info), ("desc.json", entry.desc)):
            assert (cm / name).read_text(encoding="utf-8") == dumps_ck(data), f"{entry.ref.cid} {name}"
        assert entry.info["backup_data_uid"] == entry.ref.uid
        assert entry.info["control"]["version"] == ["2", "6", "4"]
        module_cm = entry.ref.path.parent / ".cm"
        assert (module_cm / f"alias-a-{entry.ref.alias}").read_text() == entry.ref.uid + "\n"
        assert (module_cm / f"alias-u-{entry.ref.uid}").read_text() == entry.ref.alias + "\n"


def test_ck_mlperf_is_the_real_repository_minus_the_dangling_env_alias() -> None:
    ckr = json.loads((CK_MLPERF / ".ckr.json").read_text())
    assert (ckr["data_alias"], ckr["data_uid"]) == ("ck-mlperf", "1be6d862d67244da")
    assert ckr["dict"]["url"] == "https://github.com/ctuning/ck-mlperf"
    assert not (CK_MLPERF / ".cm" / "alias-a-env").exists()
    corpus = Corpus.load(Workspace([Repo.open(CK_MLPERF)]))
    modules = Counter(e.ref.module for e in corpus.entries)
    assert set(modules) == {"cmdgen", "docker", "jnotebook", "module", "package", "program", "script", "soft",
                            "sut"}  # fmt: skip
    assert sum(modules.values()) == 107
    assert modules["program"] == 17 and modules["package"] == 33


def test_ck_mlperf_keeps_the_real_duplicate_key_meta_and_reads_the_last_value() -> None:
    repo = Repo.open(CK_MLPERF)
    meta_path = CK_MLPERF / "cmdgen" / "benchmark.speech-recognition-loadgen" / ".cm" / "meta.json"
    assert meta_path.read_text(encoding="utf-8").count('"no_record"') == 2
    ref = repo.find("cmdgen", "benchmark.speech-recognition-loadgen")
    assert ref is not None
    assert "no_record" in repo.load(ref).meta["build_map"]
