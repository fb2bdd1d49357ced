"""Idempotent writes of imported entries through generator.ck, with links to existing entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from generator.ck import edits
from generator.ck.ids import name_problem
from generator.ck.resolve import Workspace
from generator.ck.store import Repo, build_info


@dataclass
class ImportStats:
    """What an import did, per module: created, updated, unchanged entries and links made."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    linked: Counter[str] = field(default_factory=Counter)
    skipped_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``kb import --json``."""
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "linked": dict(self.linked),
            "skipped_rows": self.skipped_rows,
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

    @contextmanager
    def session(self) -> Iterator[EntrySink]:
        """Hold the target's write lock for a whole import (one lock and recovery, not one per entry)."""
        with edits.writing(self.target):
            self._locked = True
            try:
                yield self
            finally:
                self._locked = False

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
        if self.target.load(ref).meta != meta:
            if self._locked:
                edits.update(self.target, ref, meta, substitute=True)
            else:
                self.target.update(ref, meta, substitute=True)
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
