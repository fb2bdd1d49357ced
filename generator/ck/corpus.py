"""Every entry of a workspace loaded once, with lookup tables; problems are collected."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from generator.ck.ids import Cid
from generator.ck.inherit import BASE_KEY, InheritanceError, inherit
from generator.ck.model import Entry, EntryRef
from generator.ck.resolve import Workspace
from generator.diagnostics import Diagnostic, Severity
from generator.errors import BadJSON, GeneratorError

LOAD_THREADS = 1
_CHUNK = 256


@dataclass
class Corpus:
    """All loaded entries plus the diagnostics of files that could not be read."""

    workspace: Workspace
    entries: list[Entry] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_uid: dict[str, list[Entry]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            self._index(entry)

    def _index(self, entry: Entry) -> None:
        ref = entry.ref
        if ref.uid:
            self._by_uid[ref.uid].append(entry)
        for key in {ref.alias, ref.uid} - {""}:
            self._by_name[(ref.module, key)].append(entry)

    @classmethod
    def load(cls, workspace: Workspace, *, cid: Cid | None = None,
             progress: Callable[[int], None] | None = None, threads: int = LOAD_THREADS) -> Corpus:  # fmt: skip
        """Load every entry (or those matching a CID), collecting unreadable files as problems.

        Bulk loads skip updates.json (only ``kb load --json`` shows it; ``Repo.load`` reads it).
        One thread by default: with warm files the work holds the GIL and extra threads only add
        switching; ``threads`` > 1 can still overlap reads from a cold disk. The result is in the
        same order as a sequential load.
        """
        with _collector_paused():
            return cls._load(workspace, cid or Cid(), progress, threads)

    @classmethod
    def _load(cls, workspace: Workspace, cid: Cid, progress: Callable[[int], None] | None,
              threads: int) -> Corpus:  # fmt: skip
        corpus = cls(workspace)
        modules = workspace.modules_matching(cid)
        if threads > 1:
            with ThreadPoolExecutor(threads) as pool:
                listed = list(pool.map(lambda rm: workspace.refs_in(rm[0], rm[1], cid), modules))
                refs = [ref for part in listed for ref in part]
                chunks = [refs[i : i + _CHUNK] for i in range(0, len(refs), _CHUNK)]
                loaded: Iterable[list[Entry | Diagnostic]] = list(pool.map(
                    lambda chunk: _load_chunk(workspace, chunk), chunks))  # fmt: skip
        else:
            refs = [ref for repo, module in modules for ref in workspace.refs_in(repo, module, cid)]
            chunks = [refs[i : i + _CHUNK] for i in range(0, len(refs), _CHUNK)]
            loaded = (_load_chunk(workspace, chunk) for chunk in chunks)
        count = 0
        inheriting: list[int] = []
        for results in loaded:
            for item in results:
                if isinstance(item, Diagnostic):
                    corpus.problems.append(item)
                    continue
                if BASE_KEY in item.meta:
                    inheriting.append(len(corpus.entries))
                corpus.entries.append(item)
                corpus._index(item)
                if item.warnings:
                    corpus.problems.extend(_warnings_of(item))
            count += len(results)
            if progress is not None:
                progress(count)
        if inheriting:
            corpus._inherit(inheriting)
        return corpus

    def _inherit(self, positions: list[int]) -> None:
        """Merge the metas that name a ``_base_entry`` over their bases (CK's load); a missing
        base or a loop is an error diagnostic and leaves that entry's own meta."""
        merged: dict[int, Entry] = {}
        for position in positions:
            entry = self.entries[position]
            try:
                merged[position] = inherit(entry, self._find_base)
            except InheritanceError as exc:
                self.problems.append(Diagnostic(code="base-entry", severity=Severity.ERROR,
                                                path=str(exc.path or entry.ref.path), message=exc.message,
                                                hint=exc.hint))  # fmt: skip
        if not merged:
            return
        for position, entry in merged.items():  # bases were resolved from the unmerged entries
            self.entries[position] = entry
        self._by_uid.clear()
        self._by_name.clear()
        for entry in self.entries:
            self._index(entry)

    def _find_base(self, module: str, uoa: str) -> Entry | None:
        """The first entry (in repository order, as CK searches) with that module and alias/UID;
        read from disk when a CID-limited load left it out."""
        found = self.lookup(module, uoa)
        return found[0] if found else self.workspace.first(module, uoa)

    def lookup(self, module: str, uoa: str) -> list[Entry]:
        """Entries of a module with that alias or UID (several means ambiguous)."""
        return list(self._by_name.get((module, uoa), ()))

    def by_uid(self, uid: str) -> list[Entry]:
        """Entries carrying a UID (more than one is a duplicate-UID problem)."""
        return list(self._by_uid.get(uid, ()))

    def modules(self) -> list[str]:
        """Modules that have at least one entry, sorted."""
        return sorted({e.ref.module for e in self.entries})

    def of_module(self, module: str) -> list[Entry]:
        """Entries of one module in load order."""
        return [e for e in self.entries if e.ref.module == module]

    def extend(self, entries: Iterable[Entry]) -> None:
        """Add entries (used by tests and importers working in memory)."""
        for entry in entries:
            self.entries.append(entry)
            self._index(entry)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes ~10 small dicts per entry and no reference cycles; without the pause the
    cyclic collector re-scans the growing corpus many times (a third of the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_chunk(workspace: Workspace, refs: list[EntryRef]) -> list[Entry | Diagnostic]:
    """Load a run of entries; a file that cannot be read becomes an error diagnostic."""
    out: list[Entry | Diagnostic] = []
    for ref in refs:
        try:
            out.append(workspace.repo_of(ref).load(ref, updates=False))
        except GeneratorError as exc:
            out.append(_problem_from(exc, ref))
    return out


def _warnings_of(entry: Entry) -> list[Diagnostic]:
    """Lenient-read findings (duplicate keys, kept last-wins like CK) as warnings, not failures."""
    return [Diagnostic(code="duplicate-key", severity=Severity.WARNING, path=w.split(": ", 1)[0],
                       message=w.split(": ", 1)[-1], hint="remove the repeated key from the file")
            for w in entry.warnings]  # fmt: skip


def _problem_from(exc: GeneratorError, ref: EntryRef) -> Diagnostic:
    line = exc.line if isinstance(exc, BadJSON) else 0
    column = exc.column if isinstance(exc, BadJSON) else 0
    return Diagnostic(code="parse", severity=Severity.ERROR, path=exc.path or str(ref.path),
                      message=exc.message, line=line, column=column,
                      hint=exc.hint or "fix the file so that it is strict JSON")  # fmt: skip
