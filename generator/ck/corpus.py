"""Every entry of a workspace loaded once, with lookup tables; problems are collected."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from generator.ck.bulk import Keep, default_processes, load_all
from generator.ck.ids import Cid
from generator.ck.inherit import BASE_KEY, InheritanceError, MissingBase, inherit
from generator.ck.model import Entry
from generator.ck.profile import REEF
from generator.ck.resolve import Workspace
from generator.diagnostics import Diagnostic, Severity


@dataclass
class Corpus:
    """All loaded entries plus the diagnostics of files that could not be read."""

    workspace: Workspace
    entries: list[Entry] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._bases_from_disk = False  # the held entries may be slimmed (``load(keep=...)``)
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
    def load(cls, workspace: Workspace, *, cid: Cid | None = None, progress: Callable[[int], None] | None = None,
             processes: int | None = None, keep: Keep | None = None) -> Corpus:  # fmt: skip
        """Load every entry (or those matching a CID), collecting unreadable files as problems.

        ``keep`` sees each entry as it is parsed and returns what the corpus holds instead (a
        validation keeps only identities and tags once its per-entry checks ran: the peak memory of
        30,000 real-shaped entries stays a fraction of their metas). Entries naming a ``_base_entry``
        must be kept whole; their bases are then read from disk, not from the slimmed corpus.

        Bulk loads skip updates.json (only ``kb load --json`` shows it; ``Repo.load`` reads it).
        Big workspaces are read by a forked child while this process parses, when a core is free
        (see ck/bulk.py; ``processes=1`` forces one process); the result is the same either way.
        """
        with _collector_paused():
            loaded = load_all(workspace, cid or Cid(), progress=progress, keep=keep,
                              processes=default_processes() if processes is None else processes)  # fmt: skip
            return cls._collect(workspace, loaded, bases_from_disk=keep is not None)

    @classmethod
    def _collect(cls, workspace: Workspace, loaded: list[Entry | Diagnostic], *,
                 bases_from_disk: bool = False) -> Corpus:  # fmt: skip
        corpus = cls(workspace)
        corpus._bases_from_disk = bases_from_disk
        inheriting: list[int] = []
        for item in loaded:
            if isinstance(item, Diagnostic):
                corpus.problems.append(item)
                continue
            if BASE_KEY in item.meta:
                inheriting.append(len(corpus.entries))
            corpus.entries.append(item)
            corpus._index(item)
            if item.warnings:
                corpus.problems.extend(warnings_of(item))
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
                severity = self._missing_base_severity(entry) if isinstance(exc, MissingBase) else Severity.ERROR
                self.problems.append(Diagnostic(code="base-entry", severity=severity,
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

    def _missing_base_severity(self, entry: Entry) -> Severity:
        """A base in no loaded repository: an error under the Reef profile; in plain CK a warning
        (ck load fails until the repository holding it is installed), a note when the entry's
        repository declares repo_deps that are not loaded (it may well be there)."""
        repo = next((r for r in self.workspace.repos if r.info.alias == entry.ref.repo), None)
        if repo is None or self.workspace.profile(repo) == REEF:
            return Severity.ERROR
        loaded = {r.info.alias for r in self.workspace.repos} | {r.info.uid for r in self.workspace.repos}
        deps = {str(d.get("repo_uoa") or d.get("repo_uid") or "") for d in repo.repo_deps}
        return Severity.NOTE if deps - loaded - {""} else Severity.WARNING

    def _find_base(self, module: str, uoa: str) -> Entry | None:
        """The first entry (in repository order, as CK searches) with that module and alias/UID;
        read from disk when a CID-limited load left it out."""
        found = [] if self._bases_from_disk else self.lookup(module, uoa)
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
    """Loading makes ~30 small containers per entry and no reference cycles; without the pause
    the cyclic collector re-scans the growing corpus many times (a third of the load time).

    Nothing is frozen afterwards (``gc.freeze`` would save the collector's first pass over the new
    objects, ~0.13 s at 10,000 entries, but it is process-wide: in a library caller or a serve loop
    every cycle alive at that moment, a GitPython repository with its running ``git cat-file``
    for one, would never be collected).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def warnings_of(entry: Entry) -> list[Diagnostic]:
    """Lenient-read findings (duplicate keys, kept last-wins like CK) as warnings, not failures."""
    return [Diagnostic(code="duplicate-key", severity=Severity.WARNING, path=w.split(": ", 1)[0],
                       message=w.split(": ", 1)[-1], hint="remove the repeated key from the file")
            for w in entry.warnings]  # fmt: skip


