"""``kb run``: run a program entry's command N times and record a result linked to this platform."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck.ids import Cid, slugify
from generator.ck.model import Entry
from generator.ck.programs import default_run_command, runs_without_ck
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.errors import GeneratorError, UsageError
from generator.ops.platform_detect import PlatformInfo, detect_platform

DEFAULT_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced: the timings, the result entry and the platform entry it links to."""

    samples_s: tuple[float, ...]
    result: Entry
    platform: Entry
    platform_created: bool


def _slug(text: str) -> str:
    return slugify(text, limit=40) or "run"


def run_command(program: Entry) -> list[str]:
    """The argv of a program's default run command; only plain commands (no CK placeholders) run."""
    text = default_run_command(program.meta)
    if not text:
        raise UsageError(f"{program.ref.cid} has no run_cmds.default.run_time.run_cmd_main to run")
    if not runs_without_ck(program.meta):
        raise UsageError(f"{program.ref.cid} needs the CK workflow to run (its command uses CK placeholders)",
                         hint="kb run handles self-contained programs such as reef-core:program:matmul-python")
    argv = shlex.split(text)
    if argv and argv[0] in ("python", "python3"):
        argv[0] = sys.executable  # the interpreter kb runs under, not whatever is first on PATH
    return argv


def time_runs(argv: list[str], cwd: Path, repeats: int, timeout: float,
              on_run: Callable[[int, float], None] | None = None) -> list[float]:  # fmt: skip
    """Wall time of each run; a failing run stops with its exit code and the end of its stderr."""
    samples = []
    for index in range(repeats):
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise GeneratorError(f"run {index + 1} took longer than {timeout:.0f} s", path=cwd) from None
        except OSError as exc:
            raise GeneratorError(f"cannot start {argv[0]}: {exc.strerror}", path=cwd) from None
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-3:]
            raise GeneratorError(f"run {index + 1} exited with {done.returncode}: {' / '.join(tail)}", path=cwd)
        samples.append(elapsed)
        if on_run is not None:
            on_run(index + 1, elapsed)
    return samples


def find_or_add_platform(workspace: Workspace, target: Repo, info: PlatformInfo) -> tuple[Entry, bool]:
    """The platform entry with this machine's fingerprint, created in the target repo if none exists."""
    for ref in workspace.iter_refs(Cid(module="platform")):
        entry = workspace.repo_of(ref).load(ref)
        if entry.meta.get("fingerprint") == info.fingerprint or ref.uid == info.fingerprint:
            return entry, False
    alias = f"{_slug(info.processor)}-{info.fingerprint[:6]}"
    return target.add("platform", alias, uid=info.fingerprint, meta=info.meta(), name=info.title), True


def _metric(value_s: float, samples: list[float] | None = None) -> dict[str, Any]:
    metric: dict[str, Any] = {"value": round(value_s * 1000, 4), "unit": "ms", "direction": "lower"}
    if samples is not None:
        metric["samples"] = [round(s * 1000, 4) for s in samples]
    return metric


def result_meta(program: Entry, platform: Entry, info: PlatformInfo, samples: list[float],
                solution: Entry | None = None) -> dict[str, Any]:  # fmt: skip
    """A result entry's meta (schema ``result``) for the timings of one run (of a solution's program)."""
    benchmark = str((solution.meta.get("benchmark") if solution else None) or program.meta.get("benchmark")
                    or f"kb-run/{program.ref.uoa}")  # fmt: skip
    spread = statistics.stdev(samples) if len(samples) > 1 else 0.0
    meta: dict[str, Any] = {
        "tags": list(dict.fromkeys(["result", "kb-run", *[t for t in program.tags if t != "program"][:8]])),
        "benchmark": benchmark, "scenario": "SingleStream", "program_uoa": program.ref.uoa,
        "platform_uoa": platform.ref.uoa, "submitter": os.environ.get("KB_SUBMITTER") or getpass.getuser(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": [{"name": "python", "version": info.python}],
        "metrics": {"latency": _metric(statistics.median(samples), samples), "latency_min": _metric(min(samples)),
                    "latency_mean": _metric(statistics.fmean(samples)), "latency_stdev": _metric(spread)},
        "source": {"name": "kb run", "repeats": len(samples)},
    }  # fmt: skip
    for key in ("model_uoa", "dataset_uoa"):
        for source in (solution.meta if solution else {}, program.meta):
            if isinstance(source.get(key), str) and key not in meta:
                meta[key] = source[key]
    if solution is not None:
        meta["solution_uoa"] = solution.ref.uoa
        meta["tags"].insert(2, "solution")
    return meta


def program_to_run(workspace: Workspace, entry: Entry) -> tuple[Entry, Entry | None]:
    """The program a CID runs and the solution it runs for (None when the CID names the program)."""
    if entry.ref.module == "program":
        return entry, None
    if entry.ref.module != "solution":
        raise UsageError(f"{entry.ref.cid} is a {entry.ref.module}, not a program or a solution")
    workflow = entry.meta.get("workflow")
    name = entry.meta.get("program_uoa") or (workflow.split(":", 1)[1] if isinstance(workflow, str)
                                                 and workflow.startswith("program:") else "")  # fmt: skip
    if not isinstance(name, str) or not name:
        raise UsageError(f"{entry.ref.cid} names no program to run", hint="give the solution a program_uoa")
    return workspace.load(Cid(module="program", entry=name)), entry


def open_target_repo(path: Path) -> Repo:
    """The repository a run writes into (must already be a CK repository)."""
    return Repo.open(path)


def run_program(workspace: Workspace, cid: Cid, *, repeats: int = 5, target: Repo | None = None,
                timeout: float = DEFAULT_TIMEOUT_S,
                on_run: Callable[[int, float], None] | None = None) -> RunOutcome:  # fmt: skip
    """Run a program entry, detect the platform, and write a result entry with the timings."""
    if repeats < 1:
        raise UsageError("--repeats must be at least 1")
    program, solution = program_to_run(workspace, workspace.load(cid))
    samples = time_runs(run_command(program), program.ref.path, repeats, timeout, on_run)
    repo = target or workspace.repo_of((solution or program).ref)
    info = detect_platform()
    platform, created = find_or_add_platform(workspace, repo, info)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    ran = solution or program
    alias = f"{_slug(ran.ref.uoa)}-{stamp}"
    suffix = 1
    while repo.find("result", alias) is not None:  # two runs within one second
        suffix += 1
        alias = f"{_slug(ran.ref.uoa)}-{stamp}-{suffix}"
    meta = result_meta(program, platform, info, samples, solution)
    result = repo.add("result", alias, meta=meta, name=f"{ran.name} on {info.title}")
    return RunOutcome(tuple(samples), result, platform, created)
