"""References between entries: extract them from meta, resolve them over a corpus, reverse them.

Three kinds, following CK conventions:
- ``uoa``: a key ``<module>_uoa`` holding an alias or UID (``platform_uoa``, ``soft_uoa``), or a
  dict with ``module_uoa`` + ``data_uoa`` (``use_scripts_from_another_entry``), or ``_base_entry``;
- ``tags``: a CK dependency (``deps``/``compile_deps``/``run_deps`` item) naming tags, which CK
  resolves to any soft/package/env entry carrying all of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.ids import is_uid
from generator.ck.inherit import BASE_KEY, raw_meta, split_base
from generator.ck.model import Entry, EntryRef
from generator.ck.referrers import ReferrerIndex, Referrers
from generator.ck.tagindex import TAG_DEP_MODULES, TagIndex, TagMatch, split_tags

DEP_KEYS = ("deps", "compile_deps", "run_deps")
NOT_ENTRY_KEYS = {"repo_uoa", "module_uoa", "data_uoa", "scenario_module_uoa", "subview_uoa"}
# CK names modules and repositories by keys ending so (scenario_module_uoa, default_exchange_repo_uoa …).
NOT_ENTRY_SUFFIXES = ("_module_uoa", "_repo_uoa")
SAME_MODULE_KEYS = {"base_uoa"}  # os (and other) entries extending another entry of their own module
MAX_DEPTH = 12
# Values such as "<<<record_uoa_parts->>>" or "$<<ENV>>$" are CK templates, not references.
_PLAIN_UOA = re.compile(r"^[A-Za-z0-9_@.+' -]+$")
_BASE_PATH = f"$.{BASE_KEY}"


@dataclass(frozen=True)
class Reference:
    """One reference found in an entry's meta, with the JSON path where it was found."""

    json_path: str
    kind: str  # "uoa" or "tags"
    module: str  # target module ("" when unknown)
    target: str  # alias/UID for "uoa", comma-separated tags for "tags"


def _is_plain(value: Any) -> bool:
    return isinstance(value, str) and _PLAIN_UOA.match(value) is not None


def _module_of_key(key: str) -> str:
    return key[: -len("_uoa")].replace("_", ".") if key.endswith("_uoa") else ""


_CONTAINERS = (dict, list)


def _walk(value: Any, path: str, depth: int) -> Iterator[Reference]:
    """References inside a value; scalars are never visited one by one (a meta may hold a table of
    thousands of numbers: only dicts and lists can hold a reference)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        yield from _refs_in_dict(value, path, depth)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, _CONTAINERS):
                yield from _walk(item, f"{path}[{index}]", depth + 1)


def _refs_in_dict(data: dict[str, Any], path: str, depth: int) -> Iterator[Reference]:
    module, data_uoa = data.get("module_uoa"), data.get("data_uoa")
    if _is_plain(module) and _is_plain(data_uoa):
        yield Reference(f"{path}.data_uoa", "uoa", module, data_uoa)
    for key, value in data.items():
        if key.endswith("_uoa") and key not in NOT_ENTRY_KEYS and _is_plain(value):
            if not key.endswith(NOT_ENTRY_SUFFIXES):
                module_of = "" if key in SAME_MODULE_KEYS else _module_of_key(key)
                yield Reference(f"{path}.{key}", "uoa", module_of, value)
        elif key == BASE_KEY and isinstance(value, str) and value.strip():
            target_module, target = split_base(value.strip(), "")
            yield Reference(f"{path}.{key}", "uoa", target_module, target)
        elif key in DEP_KEYS and isinstance(value, dict):
            yield from _tag_deps(value, f"{path}.{key}")
        elif isinstance(value, _CONTAINERS):
            yield from _walk(value, f"{path}.{key}", depth + 1)


def _tag_deps(deps: dict[str, Any], path: str) -> Iterator[Reference]:
    for name, dep in deps.items():
        if isinstance(dep, dict) and isinstance(dep.get("tags"), str) and dep["tags"].strip():
            yield Reference(f"{path}.{name}.tags", "tags", "", dep["tags"])


def extract_references(entry: Entry) -> list[Reference]:
    """Every reference an entry's own meta file makes (not those it inherits), in document order;
    a ``_base_entry`` without a module names one in the entry's own module, as CK reads it."""
    found = list(_walk(raw_meta(entry), "$", 0))
    return [replace(r, module=entry.ref.module) if not r.module and _names_own_module(r.json_path) else r
            for r in found]  # fmt: skip


def _names_own_module(json_path: str) -> bool:
    """``_base_entry`` without a module, and ``base_uoa``, name an entry of the entry's own module."""
    return json_path == _BASE_PATH or json_path.rsplit(".", 1)[-1] in SAME_MODULE_KEYS


@dataclass
class ResolvedReference:
    """A reference and the entries it resolves to (empty: dangling).

    For a tag dependency ``targets`` is the shared, lazy ``TagMatch`` of its query: ``targets[:5]``
    and ``bool(targets)`` stop early, ``len(targets)`` is computed once per distinct query.
    """

    source: Entry
    reference: Reference
    targets: Sequence[Entry] = field(default_factory=list)


@dataclass
class ReferenceGraph:
    """All references of a corpus, resolved lazily, with bounded reverse lookups.

    No list of all (source, target) pairs is ever built: a tag dependency matching hundreds of
    entries is one shared ``TagMatch``, and ``referrers`` answers "who refers to this entry" with a
    count, counts per module and the first ones in a stable order, from an index of queries.
    """

    resolved: list[ResolvedReference]
    tag_index: TagIndex
    referrer_index: ReferrerIndex[ResolvedReference]
    _outgoing: dict[int, list[ResolvedReference]] = field(default_factory=dict)

    def outgoing(self, entry: Entry) -> list[ResolvedReference]:
        """References made by one entry, in document order."""
        return self._outgoing.get(id(entry), [])

    def referrers(self, entry: Entry) -> Referrers[ResolvedReference]:
        """The unique entries referring to one entry (its reverse dependencies), counted and ranked."""
        return self.referrer_index.of(entry)

    def incoming(self, entry: Entry) -> Iterator[ResolvedReference]:
        """One reference per unique referring entry, in the stable rank order (lazy)."""
        return self.referrers(entry).iter()

    def edge_count(self) -> int:
        """How many (source, target) pairs the references stand for (computed per distinct query)."""
        return sum(len(r.targets) for r in self.resolved)


def resolve_uoa(corpus: Corpus, module: str, target: str) -> list[Entry]:
    """Entries a ``uoa`` reference names: by module and alias/UID, or by UID in any module."""
    if module:
        found = corpus.lookup(module, target)
        if found:
            return found
    return corpus.by_uid(target) if is_uid(target) else []


def build_reference_graph(corpus: Corpus,
                          references: Mapping[EntryRef, list[Reference]] | None = None) -> ReferenceGraph:  # fmt: skip
    """Resolve every reference of every entry once (one pass, used by validation and the portal);
    ``references`` gives them by entry when they were extracted already (a slimmed corpus)."""
    tag_index = TagIndex(corpus.entries)
    resolved: list[ResolvedReference] = []
    outgoing: dict[int, list[ResolvedReference]] = defaultdict(list)
    referrers: ReferrerIndex[ResolvedReference] = ReferrerIndex(tag_index)
    for entry in corpus.entries:
        for ref in extract_references(entry) if references is None else references.get(entry.ref, []):
            item: ResolvedReference
            if ref.kind == "uoa":
                item = ResolvedReference(entry, ref, resolve_uoa(corpus, ref.module, ref.target))
                referrers.add_direct(item, entry, item.targets)
            else:
                match: TagMatch = tag_index.matching(split_tags(ref.target))
                item = ResolvedReference(entry, ref, match)
                referrers.add_query(item, entry, match.tags)
            resolved.append(item)
            outgoing[id(entry)].append(item)
    return ReferenceGraph(resolved=resolved, tag_index=tag_index, referrer_index=referrers,
                          _outgoing=dict(outgoing))  # fmt: skip


__all__ = ["DEP_KEYS", "NOT_ENTRY_KEYS", "TAG_DEP_MODULES", "Reference", "ReferenceGraph", "Referrers",
           "ResolvedReference", "build_reference_graph", "extract_references", "resolve_uoa", "split_tags"]
