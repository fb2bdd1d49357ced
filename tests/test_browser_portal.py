"""The portal in real headless Chromium: component page, a 10,000-row listing, home, redirects, file://."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.portal.listings import COLUMNS, rows_script
from generator.sitepaths import decode_segment
from tests.portal_fixture import XSS_NAME, build_fixture_site

pytestmark = pytest.mark.browser
ROWS = 10_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = build_fixture_site(tmp_path_factory.mktemp("browser-portal"))
    rows = [[f"Entry {i:05d}", f"model/e{i:05d}/", "model", f"e{i:05d}", f"{i:016x}", "fx",
             ["model", f"group{i % 7}"] + (["<img src=x onerror=alert(9)>"] if i == 5 else []),
             "stable" if i % 3 else "", "2025-01-01", f"2025-{1 + i % 12:02d}-01"] for i in range(ROWS)]  # fmt: skip
    text = json.dumps({"version": 1, "title": "big", "columns": list(COLUMNS), "rows": rows})
    big = site / "big"
    big.mkdir()
    page = (site / "model" / "index.html").read_text().replace('data-kb-key="model/"', 'data-kb-key="big/"')
    (big / "index.html").write_text(page)
    (big / "rows.json").write_text(text)
    (big / "rows.js").write_text(rows_script(text, "big/"))
    return site


def _watch_dialogs(session) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    session.page.on("dialog", on_dialog)
    return dialogs


def _ready(page) -> None:
    page.wait_for_selector(".kb-listing[data-kb-ready=yes]", timeout=20_000)


def test_component_page_loads_clean(site: Path, browser_page, serve_dir) -> None:
    base = serve_dir(site)
    dialogs = _watch_dialogs(browser_page)
    page = browser_page.page
    page.goto(base + "program/hostile/")
    assert page.locator("h1").first.inner_text() == XSS_NAME
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert browser_page.console_errors == [] and browser_page.external_requests == [] and dialogs == []


def test_ten_thousand_row_listing_sorts_filters_and_pages(site: Path, browser_page, serve_dir) -> None:
    base = serve_dir(site)
    dialogs = _watch_dialogs(browser_page)
    page = browser_page.page
    page.goto(base + "big/")
    _ready(page)
    status = page.locator(".kb-listing-status")
    assert status.inner_text() == f"{ROWS} of {ROWS} entries · page 1 of 100"
    assert page.locator("table.kb-listing-table tbody tr").count() == 100
    page.locator("th[data-kb-sort=name]").click()
    assert page.locator("tbody tr td a").first.inner_text() == "Entry 09999"
    page.locator(".kb-pager button", has_text="Next").click()
    assert "page 2 of 100" in status.inner_text()
    page.locator(".kb-listing-filter").fill("group3 stable")
    page.wait_for_selector("text=/^\\d+ of 10000 entries/")
    page.wait_for_function("() => !document.querySelector('.kb-listing-status').textContent.startsWith('10000 of')")
    matching = sum(1 for i in range(ROWS) if i % 7 == 3 and i % 3)
    assert status.inner_text().startswith(f"{matching} of {ROWS} entries")
    page.locator(".kb-listing-filter").fill("e00005")
    page.wait_for_function("() => document.querySelector('.kb-listing-status').textContent.startsWith('1 of')")
    assert page.locator("tbody tr a.kb-tag").last.inner_text() == "<img src=x onerror=alert(9)>"
    assert browser_page.console_errors == [] and browser_page.external_requests == [] and dialogs == []


def test_home_page_loads_clean(site: Path, browser_page, serve_dir) -> None:
    base = serve_dir(site)
    page = browser_page.page
    page.goto(base)
    assert page.locator(".kb-type-counts li").count() == 5
    assert browser_page.console_errors == [] and browser_page.external_requests == []


def test_uid_permalink_lands_on_the_entry(site: Path, browser_page, serve_dir) -> None:
    base = serve_dir(site)
    page = browser_page.page
    page.goto(base + "uid/1111111111111111/")
    page.wait_for_url("**/model/resnet/")
    assert browser_page.console_errors == [] and browser_page.external_requests == []


def test_listing_works_from_file_urls(site: Path, browser_page) -> None:
    page = browser_page.page
    page.goto((site / "big" / "index.html").as_uri())
    _ready(page)
    assert page.locator(".kb-listing-status").inner_text().startswith(f"{ROWS} of {ROWS}")
    page.goto((site / "program" / "hostile" / "index.html").as_uri())
    assert page.locator("h1").first.inner_text() == XSS_NAME
    assert browser_page.console_errors == [] and browser_page.external_requests == []


def test_hostile_names_and_tags_execute_nothing_on_listing_tag_and_home_pages(site: Path, browser_page,
                                                                               serve_dir) -> None:  # fmt: skip
    base = serve_dir(site)
    dialogs = _watch_dialogs(browser_page)
    page = browser_page.page
    hostile_tag = next(p.name for p in (site / "tags").iterdir() if "img" in decode_segment(p.name))
    for path in ["program/", f"tags/{hostile_tag}/", "tags/", "repos/fx/", ""]:
        page.goto(base + path)
        if path != "tags/" and path:
            _ready(page)
        injected = "document.querySelectorAll('img[src=x], svg[onload]').length + [...document.scripts]" \
                   ".filter(s => !s.type && s.textContent.includes('alert')).length"
        assert page.evaluate(injected) == 0
    assert dialogs == [] and browser_page.console_errors == [] and browser_page.external_requests == []
