"""``sitemap.xml`` listing only real pages (MkDocs' own one would list the theme shells).

Built with ElementTree; locations are site paths from ``generator.sitepaths`` and dates are parsed.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from generator.portal.dates import normalized_date
from generator.portal.xmlout import element, xml_document

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(urls: Iterable[tuple[str, str]], site_url: str) -> str:
    """(site-relative URL, ISO date) pairs as a sitemap; locations are absolute with site_url."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for url, date in urls:
        entry = element(root, "url")
        element(entry, "loc", base + ("" if url in ("./", ".") else url))
        day = normalized_date(date)[:10]
        if day:
            element(entry, "lastmod", day)
    return xml_document(root)


def gzipped(text: str) -> bytes:
    """The sitemap compressed with a fixed timestamp (reproducible builds)."""
    return gzip.compress(text.encode("utf-8"), mtime=0)
