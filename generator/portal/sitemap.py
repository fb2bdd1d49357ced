"""``sitemap.xml`` listing only real pages (MkDocs' own one would list the theme shells)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from xml.sax.saxutils import escape


def render_sitemap(urls: Iterable[tuple[str, str]], site_url: str) -> str:
    """(site-relative URL, ISO date) pairs as a sitemap; locations are absolute with site_url."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']  # fmt: skip
    for url, date in urls:
        url = "" if url in ("./", ".") else url
        lastmod = f"<lastmod>{escape(date[:10])}</lastmod>" if date else ""
        lines.append(f"<url><loc>{escape(base + url)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def gzipped(text: str) -> bytes:
    """The sitemap compressed with a fixed timestamp (reproducible builds)."""
    return gzip.compress(text.encode("utf-8"), mtime=0)
