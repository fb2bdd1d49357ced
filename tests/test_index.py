"""The Whoosh index: ranking, facets, field queries, incremental updates and recovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.ck.store import Repo
from generator.errors import UsageError
from generator.index.cache import index_folder
from generator.index.kb_index import KbIndex
from generator.index.model import SearchRequest


def _fixture_kb(root: Path) -> Repo:
    repo = Repo.init(root / "kb1", "kb1")
    repo.add(
        "model",
        "resnet50",
        name="ResNet-50",
        meta={
            "tags": ["model", "image-classification", "resnet"],
            "framework": "onnx",
            "description": "Residual network with 50 layers.",
        },
    )
    repo.add(
        "model",
        "resnet50-tuned",
        name="ResNet-50 tuned",
        meta={
            "tags": ["model", "resnet"],
            "framework": "tflite",
            "description": "A resnet50 variant tuned for phones.",
        },
    )
    repo.add(
        "model",
        "mobilenet-v1",
        name="MobileNet v1",
        meta={
            "tags": ["model", "image-classification", "mobilenet"],
            "framework": "tflite",
            "description": "Small network, often compared with resnet by mobile developers.",
        },
    )
    repo.add(
        "dataset",
        "imagenet",
        name="ImageNet 2012",
        meta={"tags": ["dataset", "images"], "description": "Labelled photos."},
    )
    repo.add(
        "platform",
        "rpi4",
        name="Raspberry Pi 4",
        meta={"tags": ["platform", "arm", "edge"], "description": "A small ARM board."},
    )
    repo.add(
        "platform",
        "rpi3",
        name="Raspberry Pi 3",
        meta={"tags": ["platform", "arm"], "description": "An older ARM board."},
    )
    repo.add(
        "result",
        "",
        meta={
            "tags": ["result", "resnet"],
            "platform_uoa": "rpi4",
            "model_uoa": "resnet50",
            "description": "ResNet-50 latency on a Pi.",
        },
    )
    repo.add(
        "program",
        "classify-loop",
        name="Classification loop",
        meta={
            "tags": ["program", "benchmark"],
            "description": "Runs image-classification models such as resnet or mobilenet.",
        },
    )
    return repo


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return _fixture_kb(tmp_path)


def _search(repo: Repo, text: str = "", **kw: object) -> list[str]:
    index = KbIndex.for_repos([repo])
    try:
        return [h.cid for h in index.search(SearchRequest(text=text, **kw)).hits]  # type: ignore[arg-type]
    finally:
        index.close()


def test_exact_alias_ranks_first(kb: Repo) -> None:
    assert _search(kb, "resnet50-tuned")[0] == "kb1:model:resnet50-tuned"
    assert _search(kb, "resnet50")[0] == "kb1:model:resnet50"


def test_tag_match_ranks_above_body_match(kb: Repo) -> None:
    hits = _search(kb, "mobilenet")
    assert hits[0] == "kb1:model:mobilenet-v1"
    hits = _search(kb, "resnet", limit=20)
    tagged = {"kb1:model:resnet50", "kb1:model:resnet50-tuned"}
    assert set(hits[:2]) == tagged
    assert hits.index("kb1:program:classify-loop") > hits.index("kb1:model:resnet50-tuned")
    assert hits.index("kb1:model:mobilenet-v1") > hits.index("kb1:model:resnet50-tuned")


def test_facet_counts_cover_all_matches(kb: Repo) -> None:
    index = KbIndex.for_repos([kb])
    results = index.search(SearchRequest(text="resnet", limit=1, facets=True))
    index.close()
    assert results.total == 5
    assert len(results.hits) == 1
    assert dict(results.facets["module"]) == {"model": 3, "result": 1, "program": 1}
    assert dict(results.facets["tags"])["resnet"] == 3
    assert dict(results.facets["framework"]) == {"tflite": 2, "onnx": 1}
    assert dict(results.facets["platform"]) == {"rpi4": 1}


def test_field_queries(kb: Repo) -> None:
    assert sorted(_search(kb, "module:model tag:resnet")) == ["kb1:model:resnet50", "kb1:model:resnet50-tuned"]
    assert sorted(_search(kb, "platform:rpi*")) == sorted(
        ["kb1:platform:rpi4", "kb1:platform:rpi3", f"kb1:result:{_result_uid(kb)}"]
    )
    assert _search(kb, "type:platform tag:edge") == ["kb1:platform:rpi4"]
    assert _search(kb, "framework:tflite tag:mobilenet") == ["kb1:model:mobilenet-v1"]
    assert sorted(_search(kb, "arm", modules=("platform",))) == ["kb1:platform:rpi3", "kb1:platform:rpi4"]
    assert _search(kb, "", tags=("edge",)) == ["kb1:platform:rpi4"]


def _result_uid(repo: Repo) -> str:
    return next(repo.iter_refs("result")).uid


def test_snippets_highlight_matches_and_escape_html(kb: Repo) -> None:
    kb.add("model", "xss", meta={"tags": ["model"], "description": "<script>alert(1)</script> squeezenet"})
    index = KbIndex.for_repos([kb])
    hit = index.search(SearchRequest(text="squeezenet")).hits[0]
    index.close()
    assert "<mark>squeezenet</mark>" in hit.snippet
    assert "<script" not in hit.snippet and "</script" not in hit.snippet
    assert "&lt;/script&gt;" in hit.snippet


def test_all_words_must_match_then_any_word(kb: Repo) -> None:
    assert _search(kb, "raspberry older") == ["kb1:platform:rpi3"]
    assert set(_search(kb, "imagenet zzzunknown")) == {"kb1:dataset:imagenet"}


def test_incremental_update_after_add_update_and_rm(kb: Repo) -> None:
    index = KbIndex.for_repos([kb])
    first = index.refresh()
    assert first.rebuilt and first.added == 8
    assert not index.refresh().rebuilt
    kb.add("model", "squeezenet", meta={"tags": ["model", "squeeze"]})
    meta = kb.path / "model" / "mobilenet-v1" / ".cm" / "meta.json"
    data = json.loads(meta.read_text())
    data["tags"].append("squeeze")
    meta.write_text(json.dumps(data))
    kb.remove(kb.find("dataset", "imagenet"))  # type: ignore[arg-type]
    stats = KbIndex.for_repos([kb]).refresh()
    assert (stats.rebuilt, stats.added, stats.updated, stats.removed, stats.unchanged) == (False, 1, 1, 1, 6)
    assert sorted(_search(kb, "tag:squeeze")) == ["kb1:model:mobilenet-v1", "kb1:model:squeezenet"]
    assert _search(kb, "imagenet") == []
    index.close()


def test_touched_but_unchanged_entry_is_not_reindexed(kb: Repo) -> None:
    KbIndex.for_repos([kb]).refresh()
    meta = kb.path / "model" / "resnet50" / ".cm" / "meta.json"
    meta.write_bytes(meta.read_bytes())
    stats = KbIndex.for_repos([kb]).refresh()
    assert (stats.rebuilt, stats.updated, stats.unchanged) == (False, 0, 8)


def test_deleted_index_is_rebuilt(kb: Repo) -> None:
    index = KbIndex.for_repos([kb])
    index.refresh()
    index.close()
    for path in index.folder.iterdir():
        path.unlink()
    stats = KbIndex.for_repos([kb]).refresh()
    assert stats.rebuilt and stats.reason == "missing"
    assert _search(kb, "resnet50")[0] == "kb1:model:resnet50"


@pytest.mark.parametrize("damage", ["garbage", "truncate", "delete-segment"])
def test_corrupted_index_is_rebuilt(kb: Repo, damage: str) -> None:
    index = KbIndex.for_repos([kb])
    index.refresh()
    index.close()
    for path in index.folder.iterdir():
        if path.name == "manifest.json":
            continue
        if damage == "garbage":
            path.write_bytes(b"\x80\x04not a pickle at all" * 3)
        elif damage == "truncate":
            path.write_bytes(path.read_bytes()[:7])
        elif path.suffix == ".seg":
            path.unlink()
    stats = KbIndex.for_repos([kb]).refresh()
    assert stats.rebuilt and stats.reason == "corrupt"
    assert _search(kb, "resnet50")[0] == "kb1:model:resnet50"


def test_schema_change_or_other_repo_set_means_stale(kb: Repo, tmp_path: Path) -> None:
    index = KbIndex.for_repos([kb])
    index.refresh()
    for name in ("manifest.json", "state.json"):  # as written by an older schema
        path = index.folder / name
        data = json.loads(path.read_text())
        data["schema_version"] = -1
        path.write_text(json.dumps(data))
    assert KbIndex.for_repos([kb]).refresh().reason == "stale"
    other = Repo.init(tmp_path / "kb2", "kb2")
    assert KbIndex.for_repos([kb, other]).folder != index.folder


def test_index_cache_inside_a_repository_is_refused(kb: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(kb.path / "cache"))
    with pytest.raises(UsageError, match="inside the KB repository"):
        index_folder([kb.path])


def test_unreadable_entry_is_skipped_and_picked_up_once_fixed(kb: Repo) -> None:
    meta = kb.path / "model" / "resnet50" / ".cm" / "meta.json"
    good = meta.read_text()
    meta.write_text("{broken")
    stats = KbIndex.for_repos([kb]).refresh()
    assert stats.skipped == ["kb1:model:resnet50"]
    assert "kb1:model:resnet50" not in _search(kb, "resnet")
    meta.write_text(good)
    assert _search(kb, "resnet50")[0] == "kb1:model:resnet50"


def test_more_like_this_finds_entries_sharing_words(kb: Repo) -> None:
    index = KbIndex.for_repos([kb])
    related = [h.cid for h in index.related("kb1:model:resnet50", 3)]
    index.close()
    assert "kb1:model:resnet50" not in related
    assert related


def test_readme_is_indexed_when_added_and_after_reindex_of_an_in_place_edit(kb: Repo) -> None:
    readme = kb.path / "model" / "mobilenet-v1" / "README.md"
    readme.write_text("Depthwise separable convolutions.\n")
    assert _search(kb, "depthwise") == ["kb1:model:mobilenet-v1"]
    with open(readme, "r+") as handle:  # in place: no folder's mtime moves, so only a reindex sees it
        handle.write("Pointwise")
    KbIndex.for_repos([kb]).refresh()
    assert _search(kb, "pointwise") == []
    index = KbIndex.for_repos([kb])
    index.forget()
    assert index.refresh().rebuilt
    assert _search(kb, "pointwise") == ["kb1:model:mobilenet-v1"]


def test_mapped_index_for_long_lived_processes_answers_like_the_default(kb: Repo) -> None:
    plain = KbIndex.for_repos([kb])
    mapped = KbIndex.for_repos([kb], mapped=True)
    try:
        request = SearchRequest(text="resnet", facets=True)
        assert mapped.search(request).to_dict() == plain.search(request).to_dict()
        assert mapped.engine.mapped and not plain.engine.mapped
    finally:
        plain.close()
        mapped.close()
