"""The portal built from the real mkdocs.yml has a page per entry of kb/, a listing per module, a home
page, and keeps components out of the nav. Built once per test session (shared by xdist workers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.ops.workspace import open_workspace
from generator.portal.urls import SiteUrls, assign_urls

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"


@pytest.fixture(scope="session")
def kb_entries() -> list[Entry]:
    """Every entry of the repositories mkdocs.yml lists (the embedded KB)."""
    return list(Corpus.load(open_workspace((), CONFIG, ROOT)).entries)


@pytest.fixture(scope="session")
def urls(kb_entries: list[Entry]) -> SiteUrls:
    """The page folder the build gives each entry of kb/."""
    return assign_urls(kb_entries)


@pytest.fixture(scope="session")
def site(project_site: Path) -> Path:
    """The portal built from the real mkdocs.yml (conftest's project_site, built once per session)."""
    return project_site


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _article(path: Path) -> BeautifulSoup:
    """Only the <article> of a page: parsing the whole theme chrome of every page is slow."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find("<article"), text.rfind("</article>")
    assert start >= 0 and end > start, f"{path} has no <article>"
    return BeautifulSoup(text[start : end + len("</article>")], "html.parser")


def _sample(entries: list[Entry]) -> list[Entry]:
    """Every reef-core entry and about 40 of the others (keeps the test fast as kb/ grows)."""
    others = [e for e in entries if e.ref.repo != "reef-core"]
    return [e for e in entries if e.ref.repo == "reef-core"] + others[:: max(1, len(others) // 40)]


def test_every_entry_of_kb_has_its_own_page(site: Path, kb_entries: list[Entry], urls: SiteUrls) -> None:
    pages = [urls.page_of(e) for e in kb_entries]
    assert all(pages) and len(set(pages)) == len(pages), "an entry of kb/ has no page, or two share one"
    missing = [u for u in pages if not (site / u / "index.html").is_file()]
    assert not missing, missing[:10]


def test_entry_pages_show_title_type_tags_meta_table_and_json_link(site: Path, kb_entries: list[Entry],
                                                                  urls: SiteUrls) -> None:  # fmt: skip
    for entry in _sample(kb_entries):
        article = _article(site / urls.page_of(entry) / "index.html")
        assert article.find("h1").get_text(" ", strip=True) == entry.name, entry.ref.cid
        text = article.get_text(" ", strip=True)
        assert entry.ref.module in text, entry.ref.cid
        for tag in entry.tags[:3]:
            assert tag in text, (entry.ref.cid, tag)
        hrefs = {a.get("href") for a in article.find_all("a")}
        assert "entry.json" in hrefs, entry.ref.cid
        if entry.meta:
            assert article.find("table") is not None, entry.ref.cid


def test_entry_json_next_to_each_page_holds_the_meta(site: Path, kb_entries: list[Entry], urls: SiteUrls) -> None:
    for entry in _sample(kb_entries):
        data = json.loads((site / urls.page_of(entry) / "entry.json").read_text(encoding="utf-8"))
        assert data["dict"] == entry.meta, entry.ref.cid
        assert data["data_uid"] == entry.ref.uid


def test_every_module_has_a_listing_page_linking_its_entries(site: Path, kb_entries: list[Entry]) -> None:
    modules = {e.ref.module for e in kb_entries}
    assert {"model", "dataset", "program", "platform", "soft"} <= modules
    for module in modules:
        listing = site / module / "index.html"
        assert listing.is_file(), module
    gnmt = next(e for e in kb_entries if e.ref.cid == "reef-core:model:gnmt")
    listing_text = (site / "model" / "index.html").read_text(encoding="utf-8")
    assert gnmt.ref.uoa in listing_text or gnmt.name in listing_text


def test_home_page_exists_and_components_stay_out_of_the_nav(site: Path, kb_entries: list[Entry],
                                                             urls: SiteUrls) -> None:  # fmt: skip
    home = _soup(site / "index.html")
    assert home.title is not None and "Reef KB" in home.title.get_text()
    nav = home.find("nav", class_="md-nav--primary")
    assert nav is not None
    nav_links = {a.get("href", "") for a in nav.find_all("a")}
    for entry in kb_entries:
        assert not any(href.rstrip("/").endswith(urls.page_of(entry).rstrip("/")) for href in nav_links), entry.ref.cid


def test_reef_core_model_page_links_to_its_dataset(site: Path) -> None:
    hrefs = {a.get("href") for a in _article(site / "model" / "resnet50-v1.5" / "index.html").find_all("a")}
    assert "../../dataset/imagenet-2012-val/" in hrefs


@pytest.mark.browser
def test_built_portal_opens_in_chromium(site: Path, browser_page, serve_dir) -> None:  # type: ignore[no-untyped-def]
    base = serve_dir(site)
    browser_page.page.goto(base)
    assert "Reef KB" in browser_page.page.title()
    browser_page.page.goto(base + "model/mobilenet-v1-1.0-224/")
    assert browser_page.page.locator("h1").first.inner_text() == "MobileNet v1 1.0 224 (MLPerf reference)"
    assert browser_page.console_errors == []
    assert browser_page.external_requests == []
