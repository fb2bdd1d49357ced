"""Reverse dependencies ("used by") counted and ranked without listing every (source, target) pair.

Direct references (``*_uoa``, ``_base_entry``) point at one or a few entries: they are kept per
target. A tag dependency points at every entry carrying its tags, so it is kept once per distinct
query; an entry's tag referrers are the sources of the queries whose tags it carries. Entries that
match the same set of queries share one ``_Group`` (computed once: sorted sources, counts per
module), so a corpus where thousands of entries depend on ``compiler,lang-cpp`` costs one group, not
thousands of lists. ``Referrers`` then answers with a count, counts per module and the first ones
by a stable rank (module, alias or UID, repository, UID), lazily.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Generic, Protocol, TypeVar

from generator.ck.model import Entry
from generator.ck.tagindex import TagIndex


class _HasSource(Protocol):
    @property
    def source(self) -> Entry: ...


T = TypeVar("T", bound=_HasSource)
Query = frozenset[str]


def rank(entry: Entry) -> tuple[str, str, str, str]:
    """The stable order of referrer lists: module, alias or UID, repository, UID."""
    ref = entry.ref
    return (ref.module, ref.uoa, ref.repo, ref.uid)


def _source_rank(item: _HasSource) -> tuple[str, str, str, str]:
    return rank(item.source)


class _Group(Generic[T]):
    """The unique sources of a set of queries: first item per source in rank order, counts per module."""

    def __init__(self, items: list[T]) -> None:
        self.items = items
        self.ids = {id(i.source) for i in items}
        self.by_module: dict[str, list[T]] = defaultdict(list)
        for item in items:
            self.by_module[item.source.ref.module].append(item)
        self.per_module = Counter({m: len(v) for m, v in self.by_module.items()})


_EMPTY_GROUP: _Group[_HasSource] = _Group([])


class Referrers(Generic[T]):
    """The entries referring to one entry: ``count``, ``per_module`` and ``first(n)`` / ``iter()`` by rank."""

    def __init__(self, entry: Entry, group: _Group[T], extra: list[T]) -> None:
        self.entry = entry
        self._group = group
        self._extra = extra  # direct referrers not in the group, sorted by rank
        inside = id(entry) in group.ids
        self.count = len(group.items) - inside + len(extra)
        counts = Counter(group.per_module)
        counts.update(i.source.ref.module for i in extra)
        if inside:
            counts[entry.ref.module] -= 1
        self.per_module: list[tuple[str, int]] = sorted((m, n) for m, n in counts.items() if n > 0)

    def iter(self, module: str | None = None) -> Iterator[T]:
        """One item per referring entry, best rank first (of one module if given); lazy."""
        group = self._group.items if module is None else self._group.by_module.get(module, [])
        extra = self._extra if module is None else [i for i in self._extra if i.source.ref.module == module]
        merged = heapq.merge(group, extra, key=_source_rank) if extra else iter(group)
        me = self.entry
        return (i for i in merged if i.source is not me)

    def first(self, count: int, module: str | None = None) -> list[T]:
        """The first ``count`` referring items by rank (of one module if given)."""
        return list(islice(self.iter(module), max(0, count)))

    def count_of(self, module: str) -> int:
        """How many referring entries belong to a module."""
        return dict(self.per_module).get(module, 0)


class ReferrerIndex(Generic[T]):
    """Collects references while a graph is built; answers ``of(entry)`` afterwards (cached per entry)."""

    def __init__(self, tags: TagIndex) -> None:
        self._tags = tags
        self._direct: dict[int, list[T]] = defaultdict(list)
        self._queries: dict[Query, list[T]] = {}
        self._by_key: dict[str, list[Query]] | None = None
        self._groups: dict[tuple[Query, ...], _Group[T]] = {}
        self._cache: dict[int, Referrers[T]] = {}

    def add_direct(self, item: T, source: Entry, targets: list[Entry]) -> None:
        """A reference naming its targets (``*_uoa``, ``_base_entry``)."""
        for target in targets:
            if target is not source:
                self._direct[id(target)].append(item)

    def add_query(self, item: T, source: Entry, tags: Query) -> None:
        """A tag dependency: every entry carrying ``tags`` is referred to by ``source``."""
        if tags:
            self._queries.setdefault(tags, []).append(item)

    def query_count(self) -> int:
        """How many distinct tag queries the corpus asks."""
        return len(self._queries)

    def _key_index(self) -> dict[str, list[Query]]:
        """Each query filed under its rarest tag: an entry only looks at queries filed under its own tags."""
        if self._by_key is None:
            freq = self._tags.frequency
            self._by_key = defaultdict(list)
            for query in self._queries:
                self._by_key[min(query, key=lambda t: (freq(t), t))].append(query)
        return self._by_key

    def _queries_of(self, entry: Entry) -> tuple[Query, ...]:
        if not self._queries or not self._tags.indexes(entry):
            return ()
        tags, by_key = entry.tag_set, self._key_index()
        return tuple(q for t in sorted(tags) for q in by_key.get(t, ()) if q <= tags)

    def _group(self, queries: tuple[Query, ...]) -> _Group[T]:
        group = self._groups.get(queries)
        if group is None:
            first: dict[int, T] = {}
            for query in queries:
                for item in self._queries[query]:
                    first.setdefault(id(item.source), item)
            group = _Group(sorted(first.values(), key=_source_rank))
            self._groups[queries] = group
        return group

    def of(self, entry: Entry) -> Referrers[T]:
        """The referrers of one entry (computed once per entry, groups shared between entries)."""
        found = self._cache.get(id(entry))
        if found is not None and found.entry is entry:
            return found
        queries = self._queries_of(entry)
        group: _Group[T] = self._group(queries) if queries else _EMPTY_GROUP  # type: ignore[assignment]
        extra: dict[int, T] = {}
        for item in self._direct.get(id(entry), ()):
            if id(item.source) not in group.ids:
                extra.setdefault(id(item.source), item)
        found = Referrers(entry, group, sorted(extra.values(), key=_source_rank))
        self._cache[id(entry)] = found
        return found
