"""The build's heavy parts on every core: forked workers that share the build's state.

Component pages and dashboard SVGs are *tasks*: a module-level function and small arguments.
``TaskPool.start`` forks its workers once, after the site model, rows, keys and shells exist, so
the workers inherit all of it copy-on-write (nothing large is pickled); tasks write their files
themselves and send back only small results (the paths they wrote). While the workers run, the
calling process goes on with other outputs (listings, API, search index). With one worker (one
core, no ``fork``, a small site, or ``KB_BUILD_WORKERS=1``) tasks run in the calling process, in
the same order, with the same results.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

WORKERS_ENV = "KB_BUILD_WORKERS"
MAX_WORKERS = 4  # each worker's private memory grows with what it renders; more cores gain little
MIN_TASKS = 8  # fewer tasks than this finish sooner in one process than forking costs

Task = tuple[Callable[..., Any], tuple[Any, ...]]


def default_workers() -> int:
    """Worker processes for a build: ``KB_BUILD_WORKERS`` if set, else the usable cores (1 without fork)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit():
        return max(1, int(value))
    if "fork" not in mp.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def fork_safe_svg() -> bool:
    """True while this process never started vl-convert (its converter threads do not survive fork)."""
    return "vl_convert" not in sys.modules


def _call(task: Task) -> Any:
    function, args = task
    return function(*args)


class TaskPool:
    """Runs a batch of tasks in forked workers (or inline) while the caller does other work."""

    def __init__(self, workers: int, *, background: bool = False) -> None:
        self.workers = workers
        self.background = background  # fork even one worker: the caller goes on with other work
        self._pool: Any = None
        self._pending: Any = None
        self._inline: list[Any] | None = None

    def start(self, tasks: Sequence[Task]) -> None:
        """Fork the workers now (the state they need must exist) and hand them the tasks."""
        if self.workers < (1 if self.background else 2) or len(tasks) < MIN_TASKS:
            self._inline = [_call(t) for t in tasks]
            return
        # No gc.collect() first: it walked the whole heap in this process (~1 s at 10,000 entries)
        # while no worker ran; garbage frozen here is collected after ``close`` unfreezes it.
        gc.freeze()  # the workers' collectors (on even if the build paused this one) never walk inherited objects
        self._pool = mp.get_context("fork").Pool(min(self.workers, len(tasks)), initializer=gc.enable)
        self._pending = self._pool.map_async(_call, tasks, chunksize=1)

    def results(self) -> list[Any]:
        """Wait for the tasks; their results in task order (a task's exception is raised here)."""
        if self._inline is not None:
            return self._inline
        if self._pending is None:
            return []
        try:
            return list(self._pending.get())
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (after results, or when the build failed meanwhile)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            gc.unfreeze()

    def __enter__(self) -> TaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
