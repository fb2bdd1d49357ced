"""A link checker over whole built sites: every internal href/src of every page resolves to a file."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.portal.builder import build_site
from tests.portal_fixture import build_fixture_site

PROJECT = Path(__file__).resolve().parent.parent
_LINK = re.compile(r"""\s(?:href|src)\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
_SCRIPT_BODY = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def broken_links(site: Path) -> list[str]:
    """'page -> link' for every internal link whose target is missing."""
    broken = []
    for page in site.rglob("*.html"):
        text = _SCRIPT_BODY.sub("", page.read_text(encoding="utf-8", errors="replace"))
        for quoted in _LINK.findall(text):
            link = html.unescape(quoted[1:-1]).strip()
            parts = urlsplit(link)
            if not link or parts.scheme or link.startswith(("//", "#")):
                assert parts.scheme.lower() not in {"javascript", "vbscript"}, f"{page}: {link}"
                continue
            path = unquote(parts.path)
            target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.resolve().is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def test_fixture_site_has_no_broken_internal_link(tmp_path: Path) -> None:
    site = build_fixture_site(tmp_path)
    assert broken_links(site) == []


@pytest.mark.skipif(not (PROJECT / "mkdocs.yml").is_file(), reason="project mkdocs.yml missing")
def test_project_site_has_no_broken_internal_link(tmp_path: Path) -> None:
    site = build_site(PROJECT / "mkdocs.yml", site_dir=tmp_path / "site")
    assert len(list(site.rglob("index.html"))) > 50
    assert broken_links(site) == []
