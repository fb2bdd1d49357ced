"""Every input ends (issue #14, defect 6): a named pipe where a data file belongs never blocks a
command, and every cap that cuts content off says so."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.ck.limits import MAX_ALIASES, MAX_FILES_PER_ENTRY
from generator.ck.store import Repo
from generator.portal.builder import LiveBuilder, build_site
from tests.fifo_guard import FifoGuard

CONFIG = """site_name: Pipe KB
theme:
  name: material
  font: false
plugins:
  - kb:
      repos: [r]
"""


@pytest.fixture
def guard() -> Iterator[FifoGuard]:
    planted = FifoGuard()
    yield planted
    planted.stop()


@pytest.fixture
def kb(tmp_path: Path) -> Repo:
    repo = Repo.init(tmp_path / "r", "r")
    repo.add("model", "good", meta={"tags": ["model"]})
    repo.add("model", "piped", meta={"tags": ["model"]})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Pipes\n")
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    return repo


def _entry(kb: Repo, name: str = "piped") -> Path:
    return kb.path / "model" / name


def _validate(run_cli: Callable, kb: Repo) -> tuple[int, list[dict[str, str]]]:
    result = run_cli(["-R", str(kb.path), "validate", "--format", "json"])
    return result.exit_code, json.loads(result.stdout)["diagnostics"]


def test_a_pipe_named_meta_json_is_a_parse_error_not_a_hang(kb: Repo, guard: FifoGuard, run_cli: Callable) -> None:
    pipe = guard.plant(_entry(kb) / ".cm" / "meta.json")
    code, found = _validate(run_cli, kb)
    assert not guard.rescued, "kb validate blocked on the pipe"
    assert code == 1
    [problem] = [d for d in found if d["path"] == str(pipe)]
    assert problem["code"] == "parse" and "named pipe" in problem["message"]


def test_a_pipe_named_like_an_alias_file_is_reported_not_a_hang(kb: Repo, guard: FifoGuard,
                                                                run_cli: Callable) -> None:  # fmt: skip
    pipe = guard.plant(kb.path / "model" / ".cm" / "alias-a-piped")
    code, found = _validate(run_cli, kb)
    assert not guard.rescued, "kb validate blocked on the pipe"
    assert code == 1
    [special] = [d for d in found if d["code"] == "special-file"]
    assert special["path"] == str(pipe) and "named pipe" in special["message"]


def test_load_doctor_and_search_end_on_pipes(kb: Repo, guard: FifoGuard, run_cli: Callable,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    guard.plant(_entry(kb) / ".cm" / "meta.json")
    guard.plant(_entry(kb, "good") / "README.md")
    alias = guard.plant(kb.path / "model" / ".cm" / ("alias-u-" + "0" * 16))
    loaded = run_cli(["-R", str(kb.path), "load", "model:piped"])
    assert loaded.exit_code == 1 and "named pipe" in loaded.stderr
    doctor = run_cli(["-R", str(kb.path), "doctor"])
    assert doctor.exit_code == 1 and str(alias) in doctor.stdout
    search = run_cli(["-R", str(kb.path), "search", "--reindex", "good"])
    assert search.exit_code == 0 and "model:good" in search.stdout
    assert not guard.rescued, f"a command blocked on {guard.rescued}"


def test_build_and_live_rebuild_end_on_pipes(kb: Repo, guard: FifoGuard, tmp_path: Path) -> None:
    live = LiveBuilder(tmp_path / "mkdocs.yml", tmp_path / "live")
    live.build()
    readme = guard.plant(_entry(kb, "good") / "README.md")
    data = guard.plant(_entry(kb, "good") / "notes.txt")
    live.build([readme, data])
    guard.plant(_entry(kb) / ".cm" / "meta.json")
    site = build_site(tmp_path / "mkdocs.yml", site_dir=tmp_path / "site")
    assert not guard.rescued, f"the build blocked on {guard.rescued}"
    assert (site / "model" / "good" / "index.html").is_file()


def test_an_entry_with_more_files_than_listed_gets_a_limit_warning(kb: Repo, run_cli: Callable) -> None:
    folder = _entry(kb, "good")
    for number in range(MAX_FILES_PER_ENTRY + 5):
        (folder / f"f{number:03}.txt").write_text("x")
    _, found = _validate(run_cli, kb)
    [limit] = [d for d in found if d["code"] == "limit"]
    assert limit["path"] == str(folder) and f"only the first {MAX_FILES_PER_ENTRY}" in limit["message"]


def test_a_huge_alias_history_is_capped_and_reported(kb: Repo, run_cli: Callable, tmp_path: Path) -> None:
    entry = kb.find("model", "good")
    assert entry is not None
    history = kb.path / "model" / ".cm" / f"alias-u-{entry.uid}"
    history.write_text("good\n" + "".join(f"old-{n}\n" for n in range(200_000)))
    _, found = _validate(run_cli, kb)
    assert [d["path"] for d in found if d["code"] == "limit"] == [str(history)]
    site = build_site(tmp_path / "mkdocs.yml", site_dir=tmp_path / "site")
    redirects = [p for p in (site / "model").iterdir() if p.name.startswith("old-")]
    assert 0 < len(redirects) < MAX_ALIASES
