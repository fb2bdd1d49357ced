"""Atom feeds of new and changed entries, overall and per type, dated from Git provenance.

Built with ElementTree (``xmlout``): every text is escaped and cleaned of characters XML cannot
carry; dates are parsed and written again (``dates.normalized_date``), never copied from info.json.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator

from generator.portal.dates import normalized_date
from generator.portal.listings import EntryRow
from generator.portal.xmlout import element, xml_document
from generator.sitepaths import feed_path

FEED_SIZE = 50
EPOCH = "1970-01-01T00:00:00Z"
ATOM = "http://www.w3.org/2005/Atom"


def atom_date(value: str) -> str:
    """An RFC 3339 date for Atom (naive dates from info.json are taken as UTC; none: the epoch)."""
    return normalized_date(value) or EPOCH


def render_feed(rows: list[EntryRow], *, feed_path: str, title: str, site_url: str, kind: str) -> str:
    """One Atom document; links are absolute with ``site_url`` and relative to the feed otherwise."""
    base = site_url.rstrip("/") + "/" if site_url else "../" * feed_path.count("/")
    field = "added" if kind == "new" else "changed"
    chosen = sorted(rows, key=lambda r: (atom_date(getattr(r, field)), r.url), reverse=True)[:FEED_SIZE]
    feed = ET.Element("feed", {"xmlns": ATOM})
    element(feed, "title", title)
    element(feed, "id", (base if site_url else "urn:reef-kb:") + feed_path)
    element(feed, "updated", atom_date(getattr(chosen[0], field)) if chosen else EPOCH)
    element(feed, "link", rel="self", href=base + feed_path)
    element(element(feed, "author"), "name", "Reef KB")
    for row in chosen:
        _entry(feed, row, base, field)
    return xml_document(feed)


def _entry(feed: ET.Element, row: EntryRow, base: str, field: str) -> None:
    entry = element(feed, "entry")
    element(entry, "title", row.name or row.alias or row.uid)
    element(entry, "id", f"urn:reef-kb:{row.module}:{row.uid or row.alias}:{atom_date(getattr(row, field))}")
    element(entry, "link", href=base + row.url)
    element(entry, "published", atom_date(row.added))
    element(entry, "updated", atom_date(row.changed))
    if row.author:
        element(element(entry, "author"), "name", row.author)
    element(entry, "summary", f"{row.module} entry {row.alias or row.uid}; tags: {', '.join(row.tags) or 'none'}")


def feeds(rows: list[EntryRow], *, site_name: str, site_url: str) -> Iterator[tuple[str, str]]:
    """(path, Atom text) for the overall and per-type feeds of new and of changed entries."""
    by_module: dict[str, list[EntryRow]] = defaultdict(list)
    for row in rows:
        by_module[row.module].append(row)
    for kind in ("new", "changed"):
        path = feed_path(kind)
        yield path, render_feed(rows, feed_path=path, title=f"{site_name}: {kind} entries",
                                site_url=site_url, kind=kind)  # fmt: skip
        for module, module_rows in sorted(by_module.items()):
            path = feed_path(kind, module)
            yield path, render_feed(module_rows, feed_path=path, site_url=site_url, kind=kind,
                                    title=f"{site_name}: {kind} {module} entries")  # fmt: skip
