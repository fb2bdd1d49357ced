"""Opened from disk: site/index.html via file:// in Chromium leads, click by click, to a listing, a
component page and a dashboard, and every link into the site on those pages names a file that exists
(a folder link would show a directory listing instead of the page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.browser_support import PageSession

pytestmark = pytest.mark.browser

LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href.baseVal ?? a.href)"  # SVG links: baseVal


def _missing_targets(page: Any, site: Path) -> list[str]:
    """Links of the page that point into the site folder but not at a file (after the page's scripts ran)."""
    missing = []
    for href in page.evaluate(LINKS):
        if not href.startswith("file:"):
            continue
        path = Path(unquote(urlsplit(href).path))
        if path.is_relative_to(site) and not path.is_file():
            missing.append(href)
    return missing


def _open(session: PageSession, site: Path, selector: str) -> str:
    """Click the first link matching selector; return the file:// URL reached, checked to be a real page."""
    page = session.page
    page.locator(selector).first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and page.url.split("#")[0].endswith("/index.html"), page.url
    assert page.locator("h1").first.inner_text().strip()
    page.wait_for_function("document.readyState === 'complete'")
    assert (missing := _missing_targets(page, site)) == [], (page.url, missing[:5])
    return page.url


def test_the_site_opened_from_a_file_is_navigable_to_a_listing_an_entry_and_a_dashboard(
    project_site: Path, browser_page: PageSession
) -> None:
    site = project_site.resolve()
    page = browser_page.page
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("document.readyState === 'complete'")
    assert _missing_targets(page, site) == []
    listing = _open(browser_page, site, ".kb-type-counts a[href*='model']")
    assert "/model/index.html" in listing
    entry = _open(browser_page, site, ".kb-listing-table tbody a[href*='/model/']")
    assert entry != listing and "/model/" in entry
    page.goto((site / "index.html").as_uri())
    board = _open(browser_page, site, "#kb-dashboards a[href*='dashboards/']")
    assert "/dashboards/" in board
    _open(browser_page, site, "header a.md-header__button.md-logo, .md-nav__link[href$='browse/index.html']")
    assert browser_page.external_requests == []
