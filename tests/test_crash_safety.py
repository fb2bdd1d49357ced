"""kb writers killed with SIGKILL at random moments leave no corrupt entry and no dangling alias.

Most kills hit a forked copy of this (already imported) process running the kb CLI, so the
random moment falls inside the write itself rather than inside Python's start-up; a smaller
batch kills real ``python -m generator`` subprocesses. After the kills, opening the repositories
(what every kb command does) finishes any interrupted change; then ``kb doctor``'s checks must
find nothing but hidden temp leftovers, and every entry must load and resolve by alias and UID.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.ck import doctor, journal
from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.cli.main import cli
from generator.diagnostics import Severity

FORK_KILLS = 200
SUBPROCESS_KILLS = 12


def _pick_command(rng: random.Random, repos: list[Repo], counter: int) -> list[str]:
    """A random add/update/ren/mv/rm over the current state of the two repositories."""
    refs = [r for repo in repos for r in repo.iter_refs("model")]
    op = rng.choice(["add", "add", "update", "ren", "mv", "rm"]) if refs else "add"
    base = [a for repo in repos for a in ("-R", str(repo.path))]
    if op == "add":
        repo = rng.choice(repos).info.alias
        name = f"e{counter}" if rng.random() < 0.85 else ""
        return [*base, "add", f"{repo}:model:{name}", "--set", f"n={counter}", "--tags", "crash,x"]
    ref = rng.choice(refs)
    cid = f"{ref.repo}:model:{ref.uoa}"
    if op == "update":
        return [*base, "update", cid, "--set", f"u.v{counter}={counter}", "--tags", f"t{counter}"]
    if op == "ren":
        return [*base, "ren", cid, f"r{counter}"]
    if op == "mv":
        other = next(r for r in repos if r.info.alias != ref.repo).info.alias
        return [*base, "mv", cid, f"{other}::"]
    return [*base, "rm", cid, "--force"]


def _fork_kb(args: list[str]) -> int:
    """Start kb in a forked child (already imported: no start-up time); returns its pid."""
    pid = os.fork()
    if pid == 0:  # child: run the CLI in-process, never return into pytest
        code = 0
        os.environ["KB_FSYNC"] = "0"  # page cache survives SIGKILL; keeps kills inside the write
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            cli.main(args=args, prog_name="kb", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 3
        os._exit(code)
    return pid


def _run_forked(commands: list[list[str]], delays: list[float] | None) -> float:
    """Run kb commands at once (they contend for the lock); kill each after its delay
    (None: let them finish). Returns wall seconds."""
    start = time.perf_counter()
    pids = [_fork_kb(args) for args in commands]
    if delays is not None:
        for pid, at in sorted(zip(pids, delays, strict=True), key=lambda p: p[1]):
            time.sleep(max(0.0, start + at - time.perf_counter()))
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        os.waitpid(pid, 0)
    return time.perf_counter() - start


def _run_subprocess(args: list[str], delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _assert_consistent(paths: list[Path]) -> int:
    """Open like any kb command (recovery runs), then check layout and that everything loads."""
    workspace = Workspace.open(paths)
    for repo in workspace.repos:
        assert not journal.pending(repo.path), "recovery did not run on open"
        errors = [f for f in doctor.examine(repo) if f.severity is Severity.ERROR]
        assert errors == [], [f"{f.code} {f.path}: {f.message}" for f in errors]
    corpus = Corpus.load(workspace)
    assert corpus.problems == []
    for entry in corpus.entries:
        repo = workspace.repo(entry.ref.repo)
        assert entry.info["backup_data_uid"] == entry.ref.uid
        assert repo.find("model", entry.ref.uid) == entry.ref
        if entry.ref.alias:
            assert repo.find("model", entry.ref.alias) == entry.ref
    uids = [e.ref.uid for e in corpus.entries]
    assert len(uids) == len(set(uids)), "an entry exists twice (mv half done)"
    return len(corpus.entries)


@pytest.fixture
def two_repos(tmp_path: Path) -> list[Repo]:
    """Two repositories seeded with a few entries so every operation has something to act on."""
    repos = [Repo.init(tmp_path / "crash-a", "crash-a"), Repo.init(tmp_path / "crash-b", "crash-b")]
    for i in range(6):
        repos[i % 2].add("model", f"seed{i}", meta={"tags": ["seed"], "i": i})
    return repos


def test_sigkill_at_random_moments_leaves_no_corrupt_entry_or_dangling_alias(two_repos: list[Repo]) -> None:
    rng = random.Random(4)
    paths = [r.path for r in two_repos]
    # How long a command takes here before it writes (a read-only load) and in all (a write):
    # kills are spread over the part in between, where the writing happens.
    base = [a for p in paths for a in ("-R", str(p))]
    start = min(_run_forked([[*base, "load", "crash-a:model:seed0"]], None) for _ in range(3))
    window = max(_run_forked([_pick_command(rng, [Repo.open(p) for p in paths], 10_000 + i)], None)
                 for i in range(3))  # fmt: skip
    start = min(start, 0.8 * window)
    interrupted = 0
    for counter in range(0, 2 * FORK_KILLS, 2):  # two writers at a time: one may die holding the lock
        if counter >= FORK_KILLS and interrupted >= 5:
            break  # on a busy machine the kill window is less precise: go on until 5 rounds landed
        repos = [Repo.open(p, recover=False) for p in paths]  # the next kb command recovers
        commands = [_pick_command(rng, repos, counter), _pick_command(rng, repos, counter + 1)]
        _run_forked(commands, [rng.uniform(0.7 * start, window), rng.uniform(0.7 * start, 1.5 * window)])
        # Killed mid-write: a pending journal, or staging not yet committed (hidden, ignored).
        interrupted += any(journal.pending(p) or journal.find_temp_leftovers(p, deep=True) for p in paths)
        if counter % 40 == 38:
            _assert_consistent(paths)
    for counter in range(FORK_KILLS, FORK_KILLS + SUBPROCESS_KILLS):
        repos = [Repo.open(p, recover=False) for p in paths]
        _run_subprocess(_pick_command(rng, repos, counter), delay=rng.uniform(0.1, 0.5))
    assert _assert_consistent(paths) > 0
    assert interrupted >= 5, f"only {interrupted} of {FORK_KILLS} kill rounds landed inside a write"


def test_interrupted_add_is_finished_by_the_next_reader(repo: Repo) -> None:
    """A journal written but not applied (the writer died right after it) is rolled forward."""
    from generator.ck import edits
    from generator.ck.store import build_info

    new = edits.NewEntry("model", "half", "0123456789abcdef", {"tags": ["x"]},
                         build_info("0123456789abcdef", "model", "", "half"))  # fmt: skip
    steps, staged, target, _ = edits._add_plan(repo, new)
    from generator.ck.jsonio import dumps_ck, write_text_atomic

    write_text_atomic(journal.journal_path(repo.path), dumps_ck({"op": "add", "steps": steps}))
    assert not target.exists() and staged.exists()
    reopened = Repo.open(repo.path)
    assert target.is_dir() and not staged.exists()
    assert reopened.find("model", "0123456789abcdef").path == target
    assert not journal.pending(repo.path)


class _Died(BaseException):
    """Stands for SIGKILL at a chosen step of a journal (tests the roll-forward, deterministically)."""


def _die_after(monkeypatch: pytest.MonkeyPatch, done: int) -> None:
    real = journal._apply

    def dying(steps: list[journal.Step]) -> None:
        real(steps[:done])
        raise _Died

    monkeypatch.setattr(journal, "_apply", dying)


def _interrupted_move(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, done: int) -> tuple[Repo, Repo, str]:
    from generator.ck import edits

    src, dst = Repo.init(tmp_path / "src", "src"), Repo.init(tmp_path / "dst", "dst")
    ref = src.add("model", "net", meta={"tags": ["x"]}).ref
    _die_after(monkeypatch, done)
    with pytest.raises(_Died), edits.writing(src, dst):
        edits.copy_or_move(src, src.refresh(ref), dst, "model", "net", move=True)
    monkeypatch.undo()
    assert journal.pending(src.path) and journal.pending(dst.path)
    return src, dst, ref.uid


def _assert_moved(src: Repo, dst: Repo, uid: str) -> None:
    assert not journal.pending(src.path) and not journal.pending(dst.path)
    assert src.find("model", "net") is None and src.find("model", uid) is None
    assert dst.find("model", uid).alias == "net"
    for repo in (src, dst):
        assert [f.code for f in doctor.examine(repo) if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("done", [0, 2, 4, 6])
@pytest.mark.parametrize("side", ["source", "target"])
def test_an_interrupted_move_between_repositories_is_finished_from_either_side(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, done: int, side: str) -> None:  # fmt: skip
    src, dst, uid = _interrupted_move(tmp_path, monkeypatch, done)
    Repo.open(src.path if side == "source" else dst.path)  # what any kb command on that side does
    _assert_moved(src, dst, uid)


def test_a_writer_on_the_source_alone_finishes_the_move_first(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    src, dst, uid = _interrupted_move(tmp_path, monkeypatch, 3)
    Repo.open(src.path, recover=False).add("model", "net", meta={"tags": ["new"]})  # the alias is free again
    assert not journal.pending(dst.path)
    assert dst.find("model", uid).alias == "net" and src.find("model", "net").uid != uid


def test_a_marker_whose_journal_is_gone_is_just_removed(tmp_path: Path) -> None:
    src, dst = Repo.init(tmp_path / "src", "src"), Repo.init(tmp_path / "dst", "dst")
    from generator.ck.jsonio import dumps_ck, write_text_atomic

    write_text_atomic(journal.peer_marker_path(src.path), dumps_ck({"op": "mv", "journal": str(dst.path)}))
    assert journal.pending(src.path)
    Repo.open(src.path)
    assert not journal.pending(src.path)


def test_doctor_names_the_marker_on_the_source_side_and_fix_finishes_the_move(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    src, dst, uid = _interrupted_move(tmp_path, monkeypatch, 1)
    findings = doctor.examine(Repo.open(src.path, recover=False))
    (pending,) = [f for f in findings if f.code == "interrupted-change"]
    assert pending.path == journal.peer_marker_path(src.path)
    doctor.repair(Repo.open(src.path, recover=False), findings)
    _assert_moved(src, dst, uid)
