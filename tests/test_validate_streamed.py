"""kb validate checks each entry as it loads and keeps only its identity and tags: same report as a
check of the fully loaded corpus, on every fixture case and on entries that inherit a base."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.schema.corpus_checks import check_corpus, check_workspace

CASES = sorted(p for p in (Path(__file__).parent / "fixtures" / "ckrepos").iterdir() if (p / "repos").is_dir())


def _both(repos: list[Path]) -> tuple[list[object], list[object]]:
    workspace = Workspace.open(repos)
    streamed = check_workspace(workspace)
    whole = check_corpus(Corpus.load(workspace))
    assert streamed.checked_entries == whole.checked_entries
    return list(streamed), list(whole)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_streamed_validation_reports_what_the_whole_corpus_check_reports(case: Path) -> None:
    streamed, whole = _both(sorted((case / "repos").iterdir()))
    assert streamed == whole


def test_entries_inheriting_a_base_are_checked_merged_and_their_references_resolved(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "kb", "kb")
    repo.add("soft", "lib-blas", meta={"tags": ["lib", "blas"]})
    repo.add("program", "base", meta={"tags": ["program"], "run_deps": {"blas": {"tags": "lib,blas"}},
                                      "platform_uoa": "missing-board"})
    repo.add("program", "child", meta={"_base_entry": "program:base", "tags": ["program", "child"],
                                       "dataset_uoa": "no-such-dataset"})
    repo.add("program", "orphan", meta={"_base_entry": "program:nowhere", "tags": ["program"]})
    streamed, whole = _both([repo.path])
    assert streamed == whole
    assert any(d.code == "dangling-reference" and "no-such-dataset" in d.message for d in streamed)
