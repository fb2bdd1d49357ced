"""Atom feeds of new and changed entries, overall and per type, dated from Git provenance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from generator.portal.listings import EntryRow

FEED_SIZE = 50
EPOCH = "1970-01-01T00:00:00Z"


def atom_date(value: str) -> str:
    """An RFC 3339 date for Atom (naive dates from info.json are taken as UTC)."""
    if not value:
        return EPOCH
    text = value.replace(" ", "T")
    if len(text) == 10:
        text += "T00:00:00"
    if not (text.endswith("Z") or "+" in text[10:] or "-" in text[10:]):
        text = text.split(".")[0] + "Z"
    return text


def _clean(text: str) -> str:
    """XML 1.0 forbids most control characters; drop them rather than write a broken feed."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def render_feed(rows: list[EntryRow], *, feed_path: str, title: str, site_url: str, kind: str) -> str:
    """One Atom document; links are absolute with ``site_url`` and relative to the feed otherwise."""
    base = site_url.rstrip("/") + "/" if site_url else "../" * feed_path.count("/")
    field = "added" if kind == "new" else "changed"
    chosen = sorted(rows, key=lambda r: (getattr(r, field), r.url), reverse=True)[:FEED_SIZE]
    updated = atom_date(getattr(chosen[0], field)) if chosen else EPOCH
    feed_id = (base if site_url else "urn:reef-kb:") + feed_path
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<title>{escape(_clean(title))}</title>", f"<id>{escape(feed_id)}</id>",
             f"<updated>{updated}</updated>", f"<link rel=\"self\" href={quoteattr(base + feed_path)}/>",
             "<author><name>Reef KB</name></author>"]  # fmt: skip
    for row in chosen:
        parts.append(_entry_xml(row, base, field))
    parts.append("</feed>\n")
    return "\n".join(parts)


def _entry_xml(row: EntryRow, base: str, field: str) -> str:
    link = base + row.url
    entry_id = f"urn:reef-kb:{row.module}:{row.uid or row.alias}:{getattr(row, field)}"
    summary = f"{row.module} entry {row.alias or row.uid}; tags: {', '.join(row.tags) or 'none'}"
    author = f"<author><name>{escape(_clean(row.author))}</name></author>" if row.author else ""
    return (f"<entry><title>{escape(_clean(row.name))}</title><id>{escape(_clean(entry_id))}</id>"
            f"<link href={quoteattr(_clean(link))}/><published>{atom_date(row.added)}</published>"
            f"<updated>{atom_date(row.changed)}</updated>{author}"
            f"<summary>{escape(_clean(summary))}</summary></entry>")  # fmt: skip


def feeds(rows: list[EntryRow], *, site_name: str, site_url: str) -> Iterator[tuple[str, str]]:
    """(path, Atom text) for the overall and per-type feeds of new and of changed entries."""
    by_module: dict[str, list[EntryRow]] = defaultdict(list)
    for row in rows:
        by_module[row.module].append(row)
    for kind in ("new", "changed"):
        path = f"feeds/{kind}.xml"
        yield path, render_feed(rows, feed_path=path, title=f"{site_name}: {kind} entries",
                                site_url=site_url, kind=kind)  # fmt: skip
        for module, module_rows in sorted(by_module.items()):
            path = f"feeds/{module}/{kind}.xml"
            yield path, render_feed(module_rows, feed_path=path, site_url=site_url, kind=kind,
                                    title=f"{site_name}: {kind} {module} entries")  # fmt: skip
