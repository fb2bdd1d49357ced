"""A plain ``kb list`` is answered before the rest of kb loads, with exactly the full command's lines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.ck.store import Repo
from generator.cli.quick_list import quick_list

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in (FIXTURES / "ckrepos").iterdir() if (p / "repos").is_dir())


def _args(repos: list[Path]) -> list[str]:
    return [a for r in repos for a in ("-R", str(r))]


ALL = [*CASES, FIXTURES / "ck-mlperf"]


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_quick_list_prints_what_the_full_command_prints(case: Path, run_cli: Callable[..., Result]) -> None:
    repos = sorted((case / "repos").iterdir()) if (case / "repos").is_dir() else [case]
    full = run_cli([*_args(repos), "list"])
    quick = quick_list([*_args(repos), "list"])
    if quick is None:  # declined (a name that is not ASCII, a problem to report): the full command answers
        assert not (case.name.startswith("real-") or case.name in ("valid", "ck-mlperf")), case.name
        return
    assert full.exit_code == 0
    assert quick == full.stdout.splitlines()


def test_anything_but_a_plain_list_goes_to_the_full_command(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "kb", "kb")
    repo.add("model", "m1", meta={"tags": ["model"]})
    args = ["-R", str(repo.path)]
    assert quick_list([*args, "list"]) == ["kb:model:m1"]
    assert quick_list(["--repo=" + str(repo.path), "list", "*:*:*"]) == ["kb:model:m1"]
    for other in (["list", "--json"], ["list", "model:*"], ["list", "--tags", "model"], ["load", "model:m1"]):
        assert quick_list([*args, *other]) is None, other
    assert quick_list(["-c", "mkdocs.yml", "list"]) is None
    assert quick_list(["list"], cwd=tmp_path) is None  # no repository around: mkdocs.yml decides
    assert quick_list(["list"], cwd=repo.path / "model") == ["kb:model:m1"]
    (repo.path / ".cm" / "kb-journal.json").write_text(json.dumps({"steps": []}))
    assert quick_list([*args, "list"]) is None  # an interrupted change is finished by the full command


def test_kb_list_loads_neither_click_nor_the_repository_code(tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "kb", "kb")
    repo.add("model", "m1", meta={"tags": ["model"]})
    code = ("import sys; sys.argv = ['kb', '-R', sys.argv[1], 'list']\n"
            "from generator.cli.main import main; main()\n"
            "print(sorted(m for m in ('click', 'generator.ck.store', 'dataclasses') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, str(repo.path)], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["kb:model:m1", "[]"]
