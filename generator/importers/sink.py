"""Idempotent writes of imported entries through generator.ck, with links to existing entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from generator.ck import edits
from generator.ck.ids import name_problem, slugify
from generator.ck.resolve import Workspace
from generator.ck.store import Repo, build_info
from generator.results.identity import titles_by_benchmark


def _model_tokens(alias: str) -> set[str]:
    """The words of an alias that name a model: letters and digits together ('hikey960', 'tx2')."""
    return {w for w in alias.split("-") if any(c.isdigit() for c in w) and any(c.isalpha() for c in w)}


@dataclass
class ImportStats:
    """What an import did, per module: created, updated, unchanged entries and links made."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    linked: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows read but not imported
    warnings: list[str] = field(default_factory=list)

    @property
    def skipped_rows(self) -> int:
        """How many rows were read but not imported, whatever the reason."""
        return sum(self.skipped.values())

    def skip(self, reason: str, count: int = 1) -> None:
        """Count rows read and not imported, with the reason the summary gives."""
        self.skipped[reason] += count

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``kb import --json``."""
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "linked": dict(self.linked),
            "skipped_rows": self.skipped_rows,
            "skipped": dict(sorted(self.skipped.items())),
            "warnings": list(self.warnings),
        }

    @property
    def changed(self) -> int:
        """How many entries were created or rewritten."""
        return sum(self.created.values()) + sum(self.updated.values())


class EntrySink:
    """Writes entries into one target repository; links to entries found by alias in any repository."""

    def __init__(self, workspace: Workspace, target: Repo) -> None:
        self.target = target
        others = [r for r in workspace.repos if r.path != target.path]
        self.search_order = [target, *others]
        self.stats = ImportStats()
        self._links: dict[tuple[str, str], str | None] = {}
        self._written: set[tuple[str, str]] = set()
        self._locked = False
        self._results: dict[str, tuple[str, dict[str, Any]]] = {}
        self._module_aliases: dict[str, set[str]] = {}  # uid -> (alias, meta), titled on flush

    @contextmanager
    def session(self) -> Iterator[EntrySink]:
        """Hold the target's write lock for a whole import (one lock and recovery, not one per entry);
        the results are written at the end, once their titles tell them apart."""
        with edits.writing(self.target):
            self._locked = True
            try:
                yield self
                self.flush_results()
            finally:
                self._locked = False

    def put_result(self, alias: str, *, uid: str, meta: dict[str, Any]) -> None:
        """Queue a result; ``flush_results`` titles it among the others of its benchmark and writes it."""
        self._results[uid] = (alias, meta)

    def flush_results(self) -> None:
        """Write the queued results with titles no two results of one benchmark share."""
        queued = sorted(self._results.items())
        self._results = {}
        metas = [meta for _, (_, meta) in queued]
        titles = titles_by_benchmark(metas, [str(m.get("name", "")) for m in metas])
        for (uid, (alias, meta)), title in zip(queued, titles, strict=True):
            meta["name"] = title
            self.put("result", alias, uid=uid, meta=meta, name=title)

    def find_alias(self, module: str, alias: str) -> str | None:
        """The alias if an entry of that module carries it in any repository (cached)."""
        key = (module, alias)
        if key not in self._links:
            self._links[key] = None
            if alias and not name_problem(alias):
                for repo in self.search_order:
                    if repo.find(module, alias) is not None:
                        self._links[key] = alias
                        break
        return self._links[key]

    def find_similar(self, module: str, name: str) -> str | None:
        """The alias of the one existing entry whose model tokens (words with letters and digits, such
        as 'hikey960' or 'rk3399') all occur in the name: 'HiKey960' finds 'linaro-hikey960'. None
        when no entry or several entries qualify."""
        words = set(slugify(name).split("-"))
        found = {alias for alias in self._aliases(module)
                 if (tokens := _model_tokens(alias)) and tokens <= words}  # fmt: skip
        return found.pop() if len(found) == 1 else None

    def _aliases(self, module: str) -> set[str]:
        if module not in self._module_aliases:
            self._module_aliases[module] = {ref.alias for repo in self.search_order
                                            for ref in repo.iter_refs(module) if ref.alias}  # fmt: skip
        return self._module_aliases[module]

    def link(self, module: str, alias: str) -> str:
        """Use an existing entry found by other means than its alias (counted once); returns the alias."""
        if (module, alias) not in self._written:
            self._written.add((module, alias))
            self.stats.linked[module] += 1
        return alias

    def ensure(self, module: str, alias: str, *, uid: str, meta: dict[str, Any], name: str = "") -> str:
        """Link to an existing entry with this alias, or create it in the target; returns the alias."""
        if (module, alias) in self._written:
            return alias
        existing = self.find_alias(module, alias)
        in_target = self.target.find(module, uid) is not None
        if existing is not None and not in_target:
            self.stats.linked[module] += 1
            self._written.add((module, alias))
            return existing
        self.put(module, alias, uid=uid, meta=meta, name=name)
        return alias

    def put(self, module: str, alias: str, *, uid: str, meta: dict[str, Any], name: str = "") -> str:
        """Create the entry, rewrite its meta when it changed, or leave it alone; returns its UOA."""
        if alias and name_problem(alias):
            alias = ""
        ref = self.target.find(module, uid)
        self._written.add((module, alias or uid))
        if ref is None:
            self._create(module, alias, uid, meta, name or alias)
            self._links[(module, alias)] = alias or None
            self.stats.created[module] += 1
            return alias or uid
        stored = self.target.load(ref)
        renamed = bool(name) and stored.info.get("data_name") != name
        if stored.meta != meta or renamed:
            if self._locked:
                edits.update(self.target, ref, meta, substitute=True, name=name if renamed else "")
            else:
                self.target.update(ref, meta, substitute=True, name=name if renamed else "")
            self.stats.updated[module] += 1
        else:
            self.stats.unchanged[module] += 1
        return ref.uoa

    def _create(self, module: str, alias: str, uid: str, meta: dict[str, Any], name: str) -> None:
        """Add an entry: inside a session through the journaled edit (lock held), else ``Repo.add``."""
        if not self._locked:
            self.target.add(module, alias, uid=uid, meta=meta, name=name)
            return
        info = build_info(uid, module, edits.module_uid_for(self.target, module), name)
        edits.add(self.target, edits.NewEntry(module, alias, uid, meta, info))
