"""Diagnostic positions found by a scan that skips what it does not need equal those of a full scan."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.schema.positions import PathKey, scan_text

keys = st.text(alphabet="abc_ é\"\\", min_size=1, max_size=4)
scalars = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                    st.none(), st.text(alphabet="x,]}{[\" \n", max_size=5))  # fmt: skip
documents = st.dictionaries(keys, st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                                               | st.dictionaries(keys, inner, max_size=3), max_leaves=12),
                            max_size=5)  # fmt: skip


def _paths(value: Any, key: PathKey = ()) -> list[PathKey]:
    found = [key]
    if isinstance(value, dict):
        found += [p for k, v in value.items() for p in _paths(v, (*key, k))]
    elif isinstance(value, list):
        found += [p for i, v in enumerate(value) for p in _paths(v, (*key, i))]
    return found


@settings(max_examples=150, deadline=None)
@given(documents, st.integers(0, 2), st.data())
def test_a_scan_toward_some_paths_places_them_like_a_full_scan(doc: dict, indent: int, data: st.DataObject) -> None:
    text = json.dumps(doc, indent=indent or None, ensure_ascii=False)
    full = scan_text(text)
    paths = _paths(doc)
    wanted = set(data.draw(st.lists(st.sampled_from(paths), max_size=3)))
    targeted = scan_text(text, wanted)
    for key in wanted:
        assert targeted.where[key] == full.where[key]


def test_a_large_table_beside_the_wanted_path_is_skipped_not_walked() -> None:
    doc = {"features": {str(i): float(i) for i in range(5000)}, "deps": {"lib": {"tags": "lib,blas"}}}
    text = json.dumps(doc, indent=2)
    targeted = scan_text(text, {("deps", "lib", "tags")})
    assert targeted.where[("deps", "lib", "tags")] == scan_text(text).where[("deps", "lib", "tags")]
    assert ("features", "17") not in targeted.where
