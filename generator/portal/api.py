"""The static JSON API under ``/api/``: one file per entry, one index per module, a catalogue.

Every file carries ``api_version``; the layout is documented in ``docs/api.md``. Entry files
repeat the meta as stored and list every reference found in it with the human-readable name,
type and URL of each entry it resolves to, so clients need not resolve UIDs themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generator.ck.model import Entry
from generator.ck.references import Referrers, ResolvedReference
from generator.portal.jsonout import dumps
from generator.portal.listings import EntryRow
from generator.sitepaths import feed_path, module_api_path

API_VERSION = 1
# Lists per entry file are capped so that a file's size does not grow with the KB (a generic tag
# dependency matches every version of a tool; a common library is used by most programs): the
# first N by the graph's stable rank, with the count, and per type for referrers (issue 19).
MAX_RESOLVED = 5  # as many as the page shows per reference (component.MAX_TARGETS)
MAX_REFERENCED_BY = 20  # as many as the page shows (component.MAX_REVERSE)


CATALOGUE_PATH = "api/catalogue.json"


def _dumps(data: Any) -> str:
    """Compact strict JSON (the C encoder; ``indent`` would switch to the 10x slower Python one)."""
    return dumps(data) + "\n"


def _target(entry: Entry, row: EntryRow | None) -> dict[str, Any]:
    ref = entry.ref
    return {"module": ref.module, "uid": ref.uid, "alias": ref.alias, "repo": ref.repo,
            "name": entry.name, "url": row.url if row else ""}  # fmt: skip


def _reference(item: ResolvedReference, rows: dict[int, EntryRow]) -> dict[str, Any]:
    ref = item.reference
    return {"json_path": ref.json_path, "kind": ref.kind, "module": ref.module, "target": ref.target,
            "resolved_count": len(item.targets),
            "resolved": [_target(t, rows.get(id(t))) for t in item.targets[:MAX_RESOLVED]]}  # fmt: skip


def entry_document(entry: Entry, row: EntryRow, outgoing: Iterable[ResolvedReference],
                   referrers: Referrers[ResolvedReference], rows: dict[int, EntryRow]) -> str:
    """The API file of one entry: identities, meta, info dates, references with names."""
    ref = entry.ref
    data = {
        "api_version": API_VERSION, "module": ref.module, "uid": ref.uid, "alias": ref.alias,
        "repo": ref.repo, "cid": ref.cid, "name": entry.name, "url": row.url, "tags": list(row.tags),
        "status": row.status, "added": row.added, "changed": row.changed, "meta": entry.meta,
        "references": [_reference(r, rows) for r in outgoing],
        "referenced_by_count": referrers.count,
        "referenced_by_per_module": dict(referrers.per_module),
        "referenced_by": [_target(r.source, rows.get(id(r.source))) for r in referrers.first(MAX_REFERENCED_BY)],
    }  # fmt: skip
    return _dumps(data)


def module_document(module: str, rows: list[EntryRow]) -> str:
    """The API index of one module: every entry's identities, name, tags and dates."""
    entries = [{"uid": r.uid, "alias": r.alias, "repo": r.repo, "name": r.name, "url": r.url,
                "api": r.api, "tags": list(r.tags),
                "status": r.status, "added": r.added, "changed": r.changed} for r in rows]  # fmt: skip
    return _dumps({"api_version": API_VERSION, "module": module, "count": len(rows), "entries": entries})


def catalogue_document(rows: list[EntryRow], repos: list[dict[str, Any]],
                       module_url: Callable[[str], str]) -> str:  # fmt: skip
    """The catalogue: modules with counts and index paths, repositories, feeds."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.module] = counts.get(row.module, 0) + 1
    modules = [{"module": m, "count": n, "index": module_api_path(m), "page": module_url(m),
                "feed": feed_path("changed", m)} for m, n in sorted(counts.items())]  # fmt: skip
    data = {"api_version": API_VERSION, "count": len(rows), "modules": modules, "repos": repos,
            "feeds": {"new": feed_path("new"), "changed": feed_path("changed")}}  # fmt: skip
    return _dumps(data)
