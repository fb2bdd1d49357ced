"""CK's ``search`` filters (tags AND, sub-dict match, search_string) over loaded entries; pure."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from typing import Any

from generator.ck.model import Entry
from generator.errors import UsageError


def compare_dicts(meta: Any, query: dict[str, Any], ignore_case: bool = False) -> bool:
    """CK's compare_dicts: every query key must be in meta; dicts recurse; every element of a
    query list must be in the meta list; scalars equal (case-folded strings if asked)."""
    if not isinstance(meta, dict):
        return False
    for key, wanted in query.items():
        if key not in meta:
            return False
        have = meta[key]
        if isinstance(wanted, dict):
            if not compare_dicts(have, wanted, ignore_case):
                return False
        elif isinstance(wanted, list):
            if not isinstance(have, list) or any(item not in have for item in wanted):
                return False
        elif not _equal(have, wanted, ignore_case):
            return False
    return True


def _equal(have: Any, wanted: Any, ignore_case: bool) -> bool:
    if ignore_case and isinstance(have, str) and isinstance(wanted, str):
        return have.lower() == wanted.lower()
    return bool(have == wanted)  # Python equality, as CK compares


def find_string(data: Any, pattern: str, ignore_case: bool = False) -> bool:
    """CK's find_string_in_dict_or_list: any scalar value (at any depth) equals the pattern, or
    matches it with fnmatch when it holds * or ?."""
    wild = "*" in pattern or "?" in pattern
    if ignore_case:
        pattern = pattern.lower()
    stack = [data]
    while stack:
        item = stack.pop()
        values = item.values() if isinstance(item, dict) else item
        for value in values:
            if isinstance(value, dict | list):
                stack.append(value)
                continue
            text = str(value).lower() if ignore_case else str(value)
            if text == pattern or (wild and fnmatch.fnmatch(text, pattern)):
                return True
    return False


@dataclass(frozen=True)
class SearchQuery:
    """What ``kb list`` filters on, with CK ``search`` semantics."""

    tags: tuple[str, ...] = ()
    where: dict[str, Any] = field(default_factory=dict)
    search_string: str = ""
    ignore_case: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing needs the entry's meta."""
        return not (self.tags or self.where or self.search_string)

    def search_dict(self) -> dict[str, Any]:
        """The combined sub-dict CK matches (tags become a ``tags`` list)."""
        query = dict(self.where)
        if self.tags:
            query["tags"] = list(self.tags)
        return query

    def matches(self, entry: Entry) -> bool:
        """True when the entry's meta passes every filter."""
        query = self.search_dict()
        if query and not compare_dicts(entry.meta, query, self.ignore_case):
            return False
        return not self.search_string or find_string(entry.meta, self.search_string, self.ignore_case)


def parse_where(assignments: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``key=value`` (dotted keys reach into sub-dicts; JSON values parsed) → a search sub-dict."""
    query: dict[str, Any] = {}
    for text in assignments:
        if "=" not in text:
            raise UsageError(f"expected key=value, got {text!r}", hint="e.g. --where framework=onnx")
        key, raw = text.split("=", 1)
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise UsageError(f"empty key in {text!r}")
        node = query
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise UsageError(f"key {key!r} conflicts with another --where")
        node[parts[-1]] = value
    return query
