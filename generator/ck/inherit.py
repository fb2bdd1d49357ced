"""CK's meta inheritance (CK >= 2.5): an entry whose meta names ``_base_entry`` is read as the
base entry's meta with its own merged on top, exactly as ``ck load`` returns it.

Only readers see the merged meta (``Entry.meta``); the file's own meta stays in
``Entry.meta_orig`` (CK's ``dict_orig``). ``Repo.load`` never merges, so writes (update, cp, mv)
work on what the file holds and never copy inherited keys into it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from generator.ck.model import Entry
from generator.errors import GeneratorError

BASE_KEY = "_base_entry"
MAX_DEPTH = 10  # CK: "inheritance recursions > 10"

FindBase = Callable[[str, str], "Entry | None"]


class InheritanceError(GeneratorError):
    """A ``_base_entry`` that names no entry, or a chain of bases that loops or is too deep."""


class MissingBase(InheritanceError):
    """A ``_base_entry`` naming no entry of the loaded repositories (it may live in another one)."""


def base_of(meta: dict[str, Any]) -> str:
    """The ``_base_entry`` value CK acts on ('' when absent, empty or not a string)."""
    value = meta.get(BASE_KEY, "")
    return value.strip() if isinstance(value, str) else ""


def split_base(value: str, module: str) -> tuple[str, str]:
    """CK's reading of ``[repo:][module:]entry``: the last part is the entry, the one before it the
    module (the inheriting entry's own module when absent); a repository part is ignored."""
    parts = value.split(":")
    return (parts[-2] if len(parts) > 1 else module), parts[-1]


def merge_dicts(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """CK's merge_dicts (used by update and by inheritance): sub-dicts merged recursively, lists
    and scalars from ``extra`` replace; ``base`` is changed in place and returned."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge_dicts(base[key], value)
        else:
            base[key] = value
    return base


def raw_meta(entry: Entry) -> dict[str, Any]:
    """The meta as the entry's file holds it (before inheritance)."""
    return entry.meta if entry.meta_orig is None else entry.meta_orig


def inherit(entry: Entry, find: FindBase) -> Entry:
    """The entry with its meta merged over its bases' (itself when it names no base).

    ``find(module, uoa)`` returns the base entry or None. Raises InheritanceError naming the
    entry's meta file when a base is missing, the chain loops, or it is deeper than CK allows.
    """
    if not base_of(raw_meta(entry)):
        return entry
    merged = _merged(entry, find, [])
    return dataclasses.replace(entry, meta=merged, meta_orig=raw_meta(entry))


def _merged(entry: Entry, find: FindBase, chain: list[Entry]) -> dict[str, Any]:
    own = raw_meta(entry)
    value = base_of(own)
    if not value:
        return copy.deepcopy(own)
    chain = [*chain, entry]
    where = chain[0].ref.path / ".cm" / "meta.json"
    names = " -> ".join(e.ref.cid for e in chain)
    if len(chain) > MAX_DEPTH + 1:  # CK counts the bases: the entry itself is level 0
        raise InheritanceError(f"_base_entry chain deeper than {MAX_DEPTH} levels: {names}", path=where,
                               hint="shorten the chain of base entries")  # fmt: skip
    module, uoa = split_base(value, entry.ref.module)
    base = find(module, uoa)
    if base is None:
        raise MissingBase(f"_base_entry {value!r} of {entry.ref.cid} names no entry", path=where,
                               hint=f"add {module}:{uoa} or fix the _base_entry value")  # fmt: skip
    if any(base.ref.path == seen.ref.path for seen in chain):
        raise InheritanceError(f"_base_entry loop: {names} -> {base.ref.cid}", path=where,
                               hint="one entry of the loop must not name a base")  # fmt: skip
    result = _merged(base, find, chain)
    mine = {k: v for k, v in copy.deepcopy(own).items() if k not in (BASE_KEY, BASE_KEY + "#")}
    return merge_dicts(result, mine)
