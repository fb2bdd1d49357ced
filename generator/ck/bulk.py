"""Reading every entry of a workspace at once: the work behind ``Corpus.load``.

Each entry costs ~13 system calls (alias file, ``.cm`` check, meta/info/desc) and three small
JSON parses, all under the GIL, so threads do not help. Big loads are split by kind of work: a
forked child makes the system calls (about half of the time, most of it in the kernel) and streams
the raw bytes through a pipe, in batches, while this process parses them; both cores work at once
and nothing is parsed twice. Whatever the child did not deliver (it died, or a file could not be
read) is loaded here the ordinary way, so the result never depends on the split.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from generator.ck.ids import Cid, has_wildcards, matches
from generator.ck.model import Entry, EntryRef
from generator.ck.resolve import Workspace
from generator.ck.store import Candidate, RawCm, Repo, entry_from_bytes, read_cm_bytes
from generator.diagnostics import Diagnostic, Severity
from generator.errors import BadJSON, GeneratorError

SPLIT_MIN = 2000  # below this, forking costs more than the second core gives back
Loaded = Entry | Diagnostic
Job = tuple[Repo, Candidate]
Keep = Callable[[Entry], Entry]  # what to hold on to of an entry just parsed


def default_processes() -> int:
    """Two where a forked child is cheap and safe and a core is free, else one.

    Safe: Linux, and no other thread that could hold a lock at the fork (e.g. a live-reload
    server). Free: the 1-minute load average (which counts this process) is below the number of
    cores minus a half: on a machine already busy the child only competes with its parent and
    the hand-over makes the load slower (10,000 entries at load 1.9 on 2 cores: 1.24 s split,
    1.0 s in one process).
    """
    cores = os.cpu_count() or 1
    if not sys.platform.startswith("linux") or cores < 2 or threading.active_count() > 1:
        return 1
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    return 2 if busy < cores - 0.5 else 1


def load_all(workspace: Workspace, cid: Cid, *, processes: int, progress: Callable[[int], None] | None = None,
             keep: Keep | None = None) -> list[Loaded]:  # fmt: skip
    """Every entry the CID selects (with wildcards or empty parts), in listing order; a file that
    cannot be read becomes an error diagnostic in the entry's place. ``keep`` sees each entry as
    soon as it is parsed and returns what to hold on to (a slimmer entry keeps the peak memory low)."""
    modules = workspace.modules_matching(cid)
    if cid.entry and not has_wildcards(cid.entry):  # one name per module: resolve it like CK
        refs = [ref for repo, module in modules for ref in workspace.refs_in(repo, module, cid)]
        return [_kept(_load(workspace.repo_of(ref), ref), keep) for ref in refs]
    jobs = [(repo, c) for repo, module in modules for c in repo.candidates(module)]
    split = processes > 1 and len(jobs) >= SPLIT_MIN
    loaded = _split(jobs, cid, keep) if split else _run(jobs, cid, progress, keep)
    if progress is not None:
        progress(len(loaded))
    return loaded


def _kept(loaded: Loaded, keep: Keep | None) -> Loaded:
    return keep(loaded) if keep is not None and isinstance(loaded, Entry) else loaded


def _run(jobs: list[Job], cid: Cid, progress: Callable[[int], None] | None = None,
         keep: Keep | None = None) -> list[Loaded]:  # fmt: skip
    out: list[Loaded] = []
    for done, (repo, candidate) in enumerate(jobs, 1):
        loaded = _job(repo, candidate, cid)
        if loaded is not None:
            out.append(_kept(loaded, keep))
        if progress is not None and done % 1000 == 0:
            progress(len(out))
    return out


def _load(repo: Repo, ref: EntryRef) -> Loaded:
    try:
        return repo.load(ref, updates=False)
    except GeneratorError as exc:
        return problem_from(exc, ref)


def problem_from(exc: GeneratorError, ref: EntryRef) -> Diagnostic:
    """An unreadable entry file as an error diagnostic naming the file, line and column."""
    line = exc.line if isinstance(exc, BadJSON) else 0
    column = exc.column if isinstance(exc, BadJSON) else 0
    return Diagnostic(code="parse", severity=Severity.ERROR, path=exc.path or str(ref.path),
                      message=exc.message, line=line, column=column,
                      hint=exc.hint or "fix the file so that it is strict JSON")  # fmt: skip


def _split(jobs: list[Job], cid: Cid, keep: Keep | None = None) -> list[Loaded]:
    """A forked child does the system calls (stat, alias files, reading ``.cm``) and streams the
    bytes through a pipe while this process parses them; jobs the child did not report (it failed,
    or a file could not be read) are loaded here the ordinary way."""
    read_end, write_end = os.pipe()
    _widen(write_end)
    pid = os.fork()
    if pid == 0:  # the child: read, send, and leave without running any of the parent's clean-up
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                _send_reads(jobs, cid, pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    results: list[Loaded | None] = [None] * len(jobs)
    seen = [False] * len(jobs)
    pipe = os.fdopen(read_end, "rb")
    try:
        while batch := _receive(pipe):
            for index, alias, uid, raw in batch:
                seen[index] = True
                repo, candidate = jobs[index]
                if alias is not None:
                    results[index] = _kept(_parse(repo, candidate, alias, uid, raw), keep)
    finally:
        pipe.close()  # first: a child still writing gets EPIPE and exits instead of blocking the wait
        os.waitpid(pid, 0)
    for index, (repo, candidate) in enumerate(jobs):
        if not seen[index]:  # the child stopped early: do the rest here
            loaded = _job(repo, candidate, cid)
            results[index] = None if loaded is None else _kept(loaded, keep)
    return [r for r in results if r is not None]


_BATCH = 200
_PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged pipe


def _widen(fd: int) -> None:
    """A 1 MB pipe instead of 64 KB: with the default, the child blocked while the parent parsed
    a batch, and the two took turns instead of working at once."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (ImportError, OSError):
        pass  # a smaller pipe only costs overlap
_NOT_READ = None  # raw value for "reading failed": the parent reloads the entry to report why


def _send_reads(jobs: list[Job], cid: Cid, pipe: BinaryIO) -> None:
    """Child side: per job (index, alias, uid, raw bytes), alias None for a folder that is no
    entry (or not selected), raw None when a file could not be read."""
    batch: list[tuple[int, str | None, str, RawCm | None]] = []
    for index, (repo, candidate) in enumerate(jobs):
        ref = repo.ref_for(candidate)
        if ref is None or (cid.entry and not matches(cid.entry, ref.alias, ref.uid)):
            batch.append((index, None, "", None))
        else:
            try:
                raw: RawCm | None = read_cm_bytes(ref.path)
            except GeneratorError:
                raw = _NOT_READ
            batch.append((index, ref.alias, ref.uid, raw))
        if len(batch) == _BATCH:
            pickle.dump(batch, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            batch = []
    pickle.dump(batch, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump([], pipe, protocol=pickle.HIGHEST_PROTOCOL)  # the end


def _receive(pipe: BinaryIO) -> list[tuple[int, str | None, str, RawCm | None]]:
    """The next batch from the child ([] at the end or when the stream breaks off)."""
    try:
        batch = pickle.load(pipe)
    except Exception:  # EOF, or a truncated batch from a child that died
        return []
    return batch if isinstance(batch, list) else []


def _parse(repo: Repo, candidate: Candidate, alias: str, uid: str, raw: RawCm | None) -> Loaded:
    ref = EntryRef(repo.info.alias, candidate.module, candidate.module_uid, alias, uid,
                   candidate.folder / candidate.name)  # fmt: skip
    if raw is _NOT_READ:
        return _load(repo, ref)  # raises the same error here, which becomes the diagnostic
    try:
        return entry_from_bytes(ref, raw)
    except GeneratorError as exc:
        return problem_from(exc, ref)


def _job(repo: Repo, candidate: Candidate, cid: Cid) -> Loaded | None:
    ref = repo.ref_for(candidate)
    if ref is None or (cid.entry and not matches(cid.entry, ref.alias, ref.uid)):
        return None
    return _load(repo, ref)
