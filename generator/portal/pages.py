"""Page models: what each generated page shows, computed from the corpus; pure data, no I/O."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.model import Entry


def entry_url(entry: Entry) -> str:
    """Site-relative folder of an entry's page: ``<module>/<alias or uid>/``."""
    return f"{entry.ref.module}/{entry.ref.uoa}/"


def module_url(module: str) -> str:
    """Site-relative folder of a module's listing page."""
    return f"{module}/"


@dataclass(frozen=True)
class MetaRow:
    """One meta key shown on a component page; nested values are shown as JSON."""

    key: str
    text: str
    is_json: bool


@dataclass(frozen=True)
class EntryPage:
    """Everything the component page template needs."""

    url: str
    title: str
    module: str
    alias: str
    uid: str
    repo: str
    tags: list[str]
    rows: list[MetaRow]
    cid: str
    json_name: str = "entry.json"


@dataclass(frozen=True)
class ListingPage:
    """A module listing: its entries' titles, URLs and tags."""

    url: str
    module: str
    items: list[dict[str, Any]] = field(default_factory=list)


def meta_rows(meta: dict[str, Any]) -> list[MetaRow]:
    """Top-level meta keys in order, scalars as text and the rest as pretty JSON."""
    rows = []
    for key in sorted(meta):
        value = meta[key]
        if isinstance(value, (dict, list)):
            rows.append(MetaRow(key, json.dumps(value, indent=2, ensure_ascii=False), True))
        else:
            rows.append(MetaRow(key, "" if value is None else str(value), False))
    return rows


def entry_page(entry: Entry) -> EntryPage:
    """The page model of one entry."""
    ref = entry.ref
    return EntryPage(url=entry_url(entry), title=entry.name, module=ref.module, alias=ref.alias,
                     uid=ref.uid, repo=ref.repo, tags=entry.tags, rows=meta_rows(entry.meta),
                     cid=ref.cid)  # fmt: skip


def listing_pages(corpus: Corpus) -> list[ListingPage]:
    """One listing per module, entries sorted by title."""
    pages = []
    for module in corpus.modules():
        entries = sorted(corpus.of_module(module), key=lambda e: e.name.casefold())
        items = [{"title": e.name, "url": entry_url(e), "uid": e.ref.uid, "tags": e.tags}
                 for e in entries]  # fmt: skip
        pages.append(ListingPage(url=module_url(module), module=module, items=items))
    return pages


def module_counts(corpus: Corpus) -> list[tuple[str, int]]:
    """Entries per module, most first, for the home page and the browse page."""
    counts = Counter(e.ref.module for e in corpus.entries)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
