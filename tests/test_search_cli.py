"""kb search on the command line, and related entries for component pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.index.related import related_entries
from tests.test_index import _fixture_kb


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return _fixture_kb(tmp_path)


def test_search_prints_ranked_hits_with_snippets(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "residual"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "  1. kb1:model:resnet50  ResNet-50"
    assert lines[1] == "     tags: model, image-classification, resnet"
    assert lines[2] == "     Residual network with 50 layers. onnx model image-classification resnet"
    assert lines[-1] == "1 of 1 match"


def test_search_json_limit_and_facets(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "resnet", "--limit", "2", "--facets", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 5 and len(data["hits"]) == 2
    assert {h["cid"] for h in data["hits"]} == {"kb1:model:resnet50", "kb1:model:resnet50-tuned"}
    assert {"value": "model", "count": 3} in data["facets"]["module"]
    assert data["hits"][0]["url"].startswith("model/resnet50")


def test_search_field_syntax_and_filters(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "module:model", "tag:resnet", "--json"])
    assert sorted(h["cid"] for h in json.loads(result.output)["hits"]) == [
        "kb1:model:resnet50",
        "kb1:model:resnet50-tuned",
    ]
    result = run_cli(["-R", str(kb.path), "search", "--module", "platform", "--tag", "edge", "--json"])
    assert [h["cid"] for h in json.loads(result.output)["hits"]] == ["kb1:platform:rpi4"]


def test_search_text_output_shows_facets_and_more_hint(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "resnet", "-n", "1", "--facets"])
    assert "1 of 5 matches (use --limit N or --all to see more)" in result.output
    assert "module: model (3), program (1), result (1)" in result.output


def test_search_bad_limit_is_a_usage_error(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "x", "--limit", "0"])
    assert result.exit_code == 2
    assert "--limit must be at least 1, got 0" in result.output


def test_search_limit_takes_any_size_and_all_shows_every_match(kb: Repo, run_cli: Callable) -> None:
    big = json.loads(run_cli(["-R", str(kb.path), "search", "resnet", "--limit", "1000000", "--json"]).output)
    every = json.loads(run_cli(["-R", str(kb.path), "search", "resnet", "--all", "--json"]).output)
    assert len(big["hits"]) == big["total"] == 5
    assert [h["cid"] for h in every["hits"]] == [h["cid"] for h in big["hits"]]


def test_search_like_lists_related_entries(kb: Repo, run_cli: Callable) -> None:
    result = run_cli(["-R", str(kb.path), "search", "--like", "model:resnet50", "--json"])
    assert result.exit_code == 0, result.output
    cids = [h["cid"] for h in json.loads(result.output)["hits"]]
    assert cids and "kb1:model:resnet50" not in cids


def test_reindex_rebuilds(kb: Repo, run_cli: Callable) -> None:
    assert run_cli(["-R", str(kb.path), "search", "--reindex", "rpi3", "--json"]).exit_code == 0


def test_related_entries_prefers_shared_rare_tags(kb: Repo) -> None:
    corpus = Corpus.load(Workspace.open([kb.path]))
    uid = {e.ref.alias or e.ref.module: e.ref.uid for e in corpus.entries}
    related = related_entries(corpus, k=3)
    assert set(related) == {e.ref.uid for e in corpus.entries}
    assert related[uid["resnet50"]][0] == uid["resnet50-tuned"]
    assert related[uid["rpi4"]][0] == uid["rpi3"]
    assert uid["rpi4"] not in related[uid["rpi4"]]


def test_kb_search_does_not_import_the_other_commands(kb: Repo, tmp_path: Path) -> None:
    """Startup time is most of a `kb search`: it must not pay for jsonschema, GitPython or mkdocs, nor
    for what Whoosh drags in for paths a query never takes (asyncio, urllib.request), nor YAML with -R."""
    code = ("import sys; from generator.cli.main import cli\n"
            f"cli(['-R', {str(kb.path)!r}, 'search', 'resnet'], standalone_mode=False)\n"
            "heavy = ('jsonschema', 'git', 'mkdocs', 'altair', 'asyncio', 'urllib.request', 'yaml')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")  # fmt: skip
    env = {**os.environ, "KB_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)  # builds
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
    assert "kb1:model:resnet50" in out.stdout


def test_whoosh_stand_ins_leave_the_real_modules_importable() -> None:
    code = ("import sys, generator.index.whoosh_engine\n"
            "assert not {'urllib.request', 'cached_property', 'whoosh.lang.morph_en'} & set(sys.modules)\n"
            "import urllib.request, cached_property, whoosh.lang.morph_en, whoosh.compat, whoosh.query.terms\n"
            "assert hasattr(urllib.request, 'urlopen') and hasattr(cached_property, 'threaded_cached_property')\n"
            "assert 'rendered' in whoosh.query.terms.variations('render')\n"
            "print('ok')")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
