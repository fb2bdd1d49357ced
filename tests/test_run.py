"""kb run: a program entry runs N times and becomes a result entry linked to this machine's platform."""

from __future__ import annotations

import json
from pathlib import Path

from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.ops.check import validate_workspace
from generator.ops.platform_detect import detect_platform

RUN_CMDS = {"default": {"run_time": {"run_cmd_main": "python3 work.py"}}}


def _program(repo: Repo, alias: str = "tiny", script: str = "print(sum(range(1000)))\n", **meta: object) -> None:
    entry = repo.add("program", alias, meta={"tags": ["program", "demo"], "run_cmds": RUN_CMDS,
                                            "benchmark": "demo/tiny", **meta})  # fmt: skip
    (entry.ref.path / "work.py").write_text(script)


def test_run_writes_a_valid_result_linked_to_a_detected_platform(repo: Repo, run_cli) -> None:
    _program(repo)
    result = run_cli(["-R", str(repo.path), "run", "program:tiny", "-n", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["samples_ms"]) == 3 and out["platform_created"] is True
    [result_ref] = list(repo.iter_refs("result"))
    meta = repo.load(result_ref).meta
    assert meta["benchmark"] == "demo/tiny" and meta["program_uoa"] == "tiny"
    assert meta["metrics"]["latency"]["unit"] == "ms" and len(meta["metrics"]["latency"]["samples"]) == 3
    platform = repo.load(repo.find("platform", meta["platform_uoa"]))
    assert platform.meta["fingerprint"] == detect_platform().fingerprint
    report = validate_workspace(Workspace([repo]))
    assert not report.failed(), [d.message for d in report.diagnostics if d.severity.value == "error"]


def test_a_second_run_reuses_the_platform_entry(repo: Repo, run_cli) -> None:
    _program(repo)
    for _ in range(2):
        assert run_cli(["-R", str(repo.path), "run", "program:tiny", "-n", "1"]).exit_code == 0
    assert len(list(repo.iter_refs("platform"))) == 1
    assert len(list(repo.iter_refs("result"))) == 2


def test_a_failing_program_is_reported_with_its_exit_code_and_nothing_is_written(repo: Repo, run_cli) -> None:
    _program(repo, script="import sys\nsys.stderr.write('out of cheese\\n')\nsys.exit(3)\n")
    result = run_cli(["-R", str(repo.path), "run", "program:tiny", "-n", "2"])
    assert result.exit_code == 1
    assert "run 1 exited with 3: out of cheese" in result.output
    assert list(repo.iter_refs("result")) == []


def test_a_program_that_needs_the_ck_workflow_is_refused(repo: Repo, run_cli) -> None:
    repo.add("program", "ck-style", meta={"tags": ["program"], "run_cmds": {
        "default": {"run_time": {"run_cmd_main": "$#BIN_FILE#$ data"}}}})  # fmt: skip
    result = run_cli(["-R", str(repo.path), "run", "program:ck-style"])
    assert result.exit_code == 2 and "CK placeholders" in result.output


def test_the_embedded_runnable_program_runs_anywhere(tmp_path: Path, run_cli) -> None:
    import shutil

    source = Path(__file__).resolve().parents[1] / "kb" / "reef-core" / "program" / "matmul-python"
    repo = Repo.init(tmp_path / "r", "r")
    target = repo.add("program", "matmul-python", meta=json.loads((source / ".cm" / "meta.json").read_text()))
    shutil.copy(source / "matmul.py", target.ref.path / "matmul.py")
    meta_cmd = target.meta["run_cmds"]["default"]["run_time"]["run_cmd_main"]
    target_meta = dict(target.meta, run_cmds={"default": {"run_time": {"run_cmd_main": meta_cmd.replace("120", "20")}}})
    (target.ref.path / ".cm" / "meta.json").write_text(json.dumps(target_meta, indent=2, sort_keys=True) + "\n")
    result = run_cli(["-R", str(repo.path), "run", "program:matmul-python", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "Recorded r:result:matmul-python-" in result.output
