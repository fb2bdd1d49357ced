"""CK tag dependencies resolved through an index of tags, never as a list of all matching pairs.

A dependency such as ``compiler,lang-cpp`` matches every soft/package/env entry carrying both tags:
on real and generic-tag corpora one query matches hundreds of entries, and hundreds of entries ask
the same query. ``TagIndex`` keeps one posting list per tag (entries in corpus order) and one
``TagMatch`` per distinct query, shared by every reference asking it. A match is computed lazily,
smallest posting list first: "resolves to something" and "the first five" stop early; the count
and the full list are computed once per distinct query, not once per reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import overload

from generator.ck.model import Entry

TAG_DEP_MODULES = ("soft", "package", "env", "dataset", "model", "script")


class TagMatch(Sequence[Entry]):
    """The entries (corpus order) carrying every tag of one query; computed when first needed."""

    __slots__ = ("_all", "_postings", "tags")

    def __init__(self, tags: frozenset[str], postings: list[list[Entry]]) -> None:
        self.tags = tags
        self._postings = sorted(postings, key=len)  # smallest first: the fewest candidates
        self._all: tuple[Entry, ...] | None = () if not tags else None

    def _scan(self) -> Iterator[Entry]:
        smallest, tags = self._postings[0], self.tags
        if len(tags) == 1:
            return iter(smallest)
        return (e for e in smallest if tags <= e.tag_set)

    def first(self, count: int) -> list[Entry]:
        """The first ``count`` matches, without computing the others."""
        if self._all is not None:
            return list(self._all[:count])
        found = list(islice(self._scan(), max(0, count)))
        if len(found) < count:  # the scan ran out: that is every match
            self._all = tuple(found)
        return found

    def _full(self) -> tuple[Entry, ...]:
        if self._all is None:
            self._all = tuple(self._scan())
        return self._all

    def __bool__(self) -> bool:
        return bool(self.first(1))

    def __len__(self) -> int:
        return len(self._full())

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._full())

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice) and index.start in (None, 0) and index.step in (None, 1) \
                and index.stop is not None and index.stop >= 0:  # fmt: skip
            return self.first(index.stop)
        return self._full()[index]

    def __repr__(self) -> str:
        return f"TagMatch({','.join(sorted(self.tags))!r})"


class TagIndex:
    """Posting lists tag → entries of the modules CK resolves tag dependencies against."""

    def __init__(self, entries: Iterable[Entry], modules: Sequence[str] = TAG_DEP_MODULES) -> None:
        self.modules = frozenset(modules)
        self.postings: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.ref.module in self.modules:
                for tag in entry.tag_set:
                    self.postings[tag].append(entry)
        self.postings = dict(self.postings)
        self._matches: dict[frozenset[str], TagMatch] = {}

    def matching(self, tags: frozenset[str]) -> TagMatch:
        """The (shared, lazy) match of a query: one object per distinct set of tags."""
        found = self._matches.get(tags)
        if found is None:
            found = TagMatch(tags, [self.postings.get(t, []) for t in tags])
            self._matches[tags] = found
        return found

    def indexes(self, entry: Entry) -> bool:
        """Whether tag dependencies can resolve to this entry (its module is one CK searches)."""
        return entry.ref.module in self.modules

    def frequency(self, tag: str) -> int:
        """How many indexed entries carry a tag."""
        return len(self.postings.get(tag, ()))


def split_tags(text: str) -> frozenset[str]:
    """CK dependency tags: a comma-separated string; ``or_tags`` alternatives are not expanded."""
    return frozenset(t.strip() for t in text.split(",") if t.strip())
