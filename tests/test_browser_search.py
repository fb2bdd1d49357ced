"""Portal search in real headless Chromium: type a query, see the component, apply a facet, use the keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.portal.builder import build_site
from tests.test_index import _fixture_kb

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("searchsite")
    _fixture_kb(root)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text(
        "site_name: T\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb:\n      repos: [kb1]\n"
    )
    return build_site(root / "mkdocs.yml", site_dir=root / "site")


def expect(locator):  # imported late: without Playwright the browser fixtures skip (fail under CI)
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _titles(page) -> list[str]:
    page.wait_for_selector("#kb-search-app .md-search-result__item")
    return page.locator("#kb-search-app .md-search-result__item h2").all_inner_texts()


def test_typing_a_query_shows_the_component_then_a_facet_narrows_it(site: Path, browser_page, serve_dir) -> None:
    page = browser_page.page
    base = serve_dir(site)
    page.goto(base + "search/")
    page.locator("#kb-search-q").type("resnet")
    expect(page.locator("#kb-search-app .md-search-result__meta")).to_have_text("5 matching entries")
    assert page.locator("#kb-search-app [aria-live='polite'][role='status']").inner_text() == "5 matching entries"
    assert page.locator("#kb-search-app .md-search-result__list > li h1").count() == 0  # one heading level: h2
    titles = _titles(page)
    assert set(titles[:2]) == {"ResNet-50", "ResNet-50 tuned"}
    chip = page.locator("button.kb-search__chip[data-facet='type'][data-value='program']")
    assert chip.inner_text() == "program (1)"
    chip.click()
    expect(page.locator("#kb-search-app .md-search-result__meta")).to_have_text("1 matching entry")
    assert _titles(page) == ["Classification loop"]
    assert "q=resnet" in page.url and "type=program" in page.url
    assert page.locator("button.kb-search__chip[aria-pressed='true']").count() == 1
    assert browser_page.console_errors == []
    assert browser_page.external_requests == []


def test_url_state_exact_alias_field_syntax_and_bytes_of_a_first_query(site: Path, browser_page, serve_dir) -> None:
    page = browser_page.page
    base = serve_dir(site)
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
    page.goto(base + "search/?q=raspberry&tag=edge")
    assert page.locator("#kb-search-q").input_value() == "raspberry"
    assert _titles(page) == ["Raspberry Pi 4"]
    assert page.locator(".md-search-result__link").first.get_attribute("href").endswith("/platform/rpi4/")
    assert page.locator("button.kb-search__chip[data-value='edge']").get_attribute("aria-pressed") == "true"
    fetched = [u for u in sizes if "/search-index/" in u]
    assert any(u.endswith("/meta.json") for u in fetched)
    assert not any(u.endswith("/t/mo.json") for u in fetched), "only the shards of the query words are fetched"
    page.goto(base + "search/?q=resnet50-tuned")
    assert _titles(page)[0] == "ResNet-50 tuned"
    page.goto(base + "search/?q=platform:rpi4")
    expect(page.locator("#kb-search-app .md-search-result__meta")).to_have_text("2 matching entries")
    assert json.loads((site / "search-index" / "meta.json").read_text())["docs"] == 8


def test_keyboard_slash_focuses_box_arrows_and_enter_open_a_result(site: Path, browser_page, serve_dir) -> None:
    page = browser_page.page
    base = serve_dir(site)
    page.goto(base + "model/resnet50/")
    box = page.locator("input.kb-header-search__input")
    assert box.count() == 1, "the header search box is missing"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('kb-header-search__input')")
    page.keyboard.type("raspberry")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=raspberry")
    _titles(page)
    page.locator("#kb-search-q").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Raspberry Pi" in focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/platform/rpi*/")
    assert browser_page.console_errors == []


def test_typed_prefixes_without_a_shard_fetch_nothing_missing(site: Path, browser_page, serve_dir) -> None:
    """Typing slowly searches every prefix; a prefix whose shard was never written must not cost a 404."""
    page = browser_page.page
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page.goto(serve_dir(site) + "search/")
    shards = set(json.loads((site / "search-index" / "meta.json").read_text())["shards"])
    absent = next(a + b for a in "zqxjvw" for b in "zqxjvw" if a + b not in shards)
    for typed in (absent[0], absent, absent + "9"):
        page.locator("#kb-search-q").fill(typed)
        expect(page.locator("#kb-search-app .md-search-result__meta")).to_have_text("No matching entries")
    assert missing == [] and browser_page.console_errors == []
