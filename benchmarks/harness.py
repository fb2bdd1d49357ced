"""Measuring helpers shared by every ``benchmarks/bench_*.py`` module.

A benchmark module defines ``NAME: str`` and ``run(entries: int, workdir: Path) -> list[Figure]``.
Each Figure puts our number next to the baseline named in its issue (plain MkDocs Material, the
real ``ck`` CLI, ``check-jsonschema`` …) from the same run, with the target and whether it holds.
Whole-process figures come from ``measure_command``: wall time and peak resident memory of the
process tree, taken from ``wait4`` exactly like ``/usr/bin/time -v`` ("Maximum resident set size").
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SMOKE_ENV = "REEF_BENCH_SMOKE"


@dataclass(frozen=True)
class Figure:
    """One measured figure: ours next to a baseline, with the target and whether it holds."""

    name: str
    ours: float | None
    baseline: float | None = None
    baseline_name: str = ""
    unit: str = ""
    target: str = ""
    holds: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """ours / baseline (below 1 means we are faster/smaller for time and memory units)."""
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, ratio included, so runs can be compared later."""
        return {**asdict(self), "ratio": self.ratio}


@dataclass(frozen=True)
class Measured:
    """What one measured run cost: wall seconds and peak RSS (MB), plus its outcome."""

    wall_s: float
    peak_rss_mb: float
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    value: Any = None
    cpu_s: float = 0.0  # user + system CPU seconds: steadier than wall time on a busy machine
    background_cpu_s: float = 0.0  # of processes the command left running (included in cpu_s)
    background_wall_s: float = 0.0  # how long they ran after the command ended


class CommandFailed(RuntimeError):
    """A measured command exited non-zero; the benchmark would otherwise time a failure."""


def _read_back(handle: Any) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def adopt_orphans() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux ``PR_SET_CHILD_SUBREAPER``).

    A command that leaves a detached process behind (``kb search``'s background check) then hands
    it to us instead of to init, so ``measure_command(..., background=True)`` can wait for it and
    count its CPU time and memory. False where the call is unavailable.
    """
    global _ADOPTING
    if not _ADOPTING and sys.platform == "linux":
        import ctypes

        _ADOPTING = ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    return _ADOPTING


_ADOPTING = False
BACKGROUND_WAIT_S = 300.0


def _reap_background(deadline_s: float) -> tuple[float, float, float]:
    """Wait for adopted orphans: (seconds until the last ended, their CPU seconds, largest peak RSS MB)."""
    start, cpu, peak = time.perf_counter(), 0.0, 0.0
    time.sleep(0.05)  # a detached child needs a moment to be re-parented to us
    while time.perf_counter() - start < deadline_s:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.02)
            continue
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    return time.perf_counter() - start, cpu, peak


def measure_command(argv: Sequence[str | os.PathLike[str]], cwd: Path | str | None = None,
                    env: dict[str, str] | None = None, *, check: bool = True,
                    ok_codes: Sequence[int] = (0,), background: bool = False) -> Measured:  # fmt: skip
    """Run a command and measure it like ``/usr/bin/time -v``: wall time and peak RSS of the tree.

    ``env`` holds variables ADDED to the current environment. ru_maxrss from ``wait4`` is the peak
    of the child or of any descendant it waited for (what ``time -v`` prints). With ``background``
    the processes it leaves running are waited for too (``adopt_orphans``): their CPU seconds are
    added to ``cpu_s`` and reported in ``background_cpu_s``; ``wall_s`` stays the command's own.
    Raises CommandFailed when ``check`` and the exit code is not in ``ok_codes``.
    """
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    if background:
        adopt_orphans()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        extra_wall, extra_cpu, extra_peak = _reap_background(BACKGROUND_WAIT_S) if background else (0.0, 0.0, 0.0)
        measured = Measured(wall_s=wall, peak_rss_mb=max(usage.ru_maxrss / 1024, extra_peak),
                            returncode=proc.returncode, stdout=_read_back(out), stderr=_read_back(err),
                            cpu_s=usage.ru_utime + usage.ru_stime + extra_cpu, background_cpu_s=extra_cpu,
                            background_wall_s=extra_wall)  # fmt: skip
    if check and measured.returncode not in ok_codes:
        tail = (measured.stderr or measured.stdout)[-2000:]
        raise CommandFailed(f"{' '.join(map(str, argv))} exited {measured.returncode}:\n{tail}")
    return measured


def measure_call(fn: Callable[..., Any], *args: Any, repeat: int = 1, **kwargs: Any) -> Measured:
    """Time an in-process call (median of ``repeat`` runs); peak RSS is this process's so far."""
    times = []
    value: Any = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Measured(wall_s=statistics.median(times), peak_rss_mb=peak, value=value)


def tool(name: str) -> str:
    """Path of a console script, preferring the venv that runs the benchmarks."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (expected next to {sys.executable})")
    return found


def has_tool(name: str) -> bool:
    """Whether a console script exists (baselines are skipped with a note when it is missing)."""
    try:
        tool(name)
    except FileNotFoundError:
        return False
    return True


def kb_argv(*args: str | os.PathLike[str]) -> list[str]:
    """argv that runs our ``kb`` CLI with the benchmarking interpreter."""
    return [sys.executable, "-m", "generator", *map(str, args)]


def within(value: float | None, limit: float) -> bool | None:
    """Whether a figure is at or under its limit (None when it was not measured)."""
    return None if value is None else value <= limit


def index_cache(work: Path) -> Path:
    """An empty KB_CACHE_DIR for one run, outside every Git work tree: kb never opens a search index
    inside one (a checkout could carry a crafted index), and benchmarks/out/ lies in the project's."""
    digest = hashlib.sha1(str(work.resolve()).encode("utf-8")).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"reef-kb-bench-cache-{digest}"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def smoke() -> bool:
    """True in the smoke test (tiny KB): benchmarks may skip slow baselines and repeat less."""
    return os.environ.get(SMOKE_ENV, "") == "1"
