"""Concurrent kb writers on one repository are serialized by its lock: nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.ck import doctor
from generator.ck.corpus import Corpus
from generator.ck.lock import RepoLock
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.errors import LockTimeout

WRITERS = 4
ADDS_EACH = 200

_WRITER = """
import sys
from generator.ck.store import Repo
repo = Repo.open(sys.argv[1])
writer = sys.argv[2]
for i in range(int(sys.argv[3])):
    repo.add("model", f"w{writer}-{i}", meta={"tags": ["concurrent", f"writer-{writer}"], "i": i})
"""


def test_four_processes_adding_200_entries_each_leave_800_entries(repo: Repo) -> None:
    # KB_FSYNC=0: durability across power loss is not what this test is about; the lock is.
    env = {**os.environ, "KB_FSYNC": "0", "KB_LOCK_TIMEOUT": "120"}
    argv = [sys.executable, "-c", _WRITER, str(repo.path)]
    procs = [subprocess.Popen([*argv, str(w), str(ADDS_EACH)], env=env, stderr=subprocess.PIPE, text=True)
             for w in range(WRITERS)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    corpus = Corpus.load(Workspace([Repo.open(repo.path)]))
    assert corpus.problems == []
    assert len(corpus.entries) == WRITERS * ADDS_EACH
    assert {e.ref.alias for e in corpus.entries} == {
        f"w{w}-{i}" for w in range(WRITERS) for i in range(ADDS_EACH)}  # fmt: skip
    assert len({e.ref.uid for e in corpus.entries}) == WRITERS * ADDS_EACH
    assert doctor.examine(repo) == []


def test_a_busy_repository_times_out_with_a_message_naming_the_holder(repo: Repo) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom generator.ck.lock import RepoLock\n"
        "with RepoLock(__import__('pathlib').Path(sys.argv[1])):\n    print('held', flush=True)\n"
        "    time.sleep(30)\n"), str(repo.path)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught:
            RepoLock(repo.path, timeout=0.3).acquire()
        assert time.monotonic() - started < 5
        assert f"repository is locked by pid {holder.pid}" in caught.value.message
        assert "gave up after 0.3 s" in caught.value.message
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with RepoLock(repo.path, timeout=5):  # released by the kernel when the holder died
        pass


def test_lock_is_reentrant_within_one_process(repo: Repo, tmp_path: Path) -> None:
    with RepoLock(repo.path, timeout=0.2), RepoLock(repo.path, timeout=0.2):
        entry = repo.add("model", "inside-a-held-lock")
    assert entry.ref.path.is_dir()
