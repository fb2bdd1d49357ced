"""The built site of a fixture KB: listings, tags, repositories, home, stable URLs, API, feeds, sitemap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.sitepaths import decode_segment
from tests.portal_fixture import COMMIT_DATE, XSS_NAME, XSS_STATUS, XSS_TAG, build_fixture_site

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("structure"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_module_listing_shows_first_rows_and_links_its_full_table(site: Path) -> None:
    page = soup(site / "model" / "index.html")
    names = [a.get_text() for a in page.select("table.kb-listing-table tbody tr td:first-child a")]
    assert names == ["MobileNet", "ResNet-50"]
    box = page.select_one(".kb-listing")
    assert box["data-kb-rows"] == "rows.json" and box["data-kb-total"] == "2"
    data = json.loads((site / "model" / "rows.json").read_text())
    assert data["columns"][:2] == ["name", "url"]
    assert [r[1] for r in data["rows"]] == ["model/mobilenet/", "model/resnet/"]
    assert (site / "model" / "rows.js").read_text().startswith("(window.kbListingRows")


def test_tag_repo_and_index_pages_list_their_entries(site: Path) -> None:
    tag = soup(site / "tags" / "image-classification" / "index.html")
    assert {a.get_text() for a in tag.select("tbody td:first-child a")} == {"ResNet-50", "ImageNet"}
    repo = soup(site / "repos" / "fx" / "index.html")
    assert len(repo.select("tbody tr")) == 6
    assert repo.select_one(".kb-intro a")["href"] == "https://github.com/example/fx"
    tags = soup(site / "tags" / "index.html")
    assert "image-classification" in [a.get_text() for a in tags.select("a.kb-tag")]
    assert soup(site / "repos" / "index.html").select_one("tbody a")["href"] == "../repos/fx/"


def test_hostile_tag_gets_a_safe_folder_and_is_escaped_everywhere(site: Path) -> None:
    folders = [p.name for p in (site / "tags").iterdir() if p.is_dir()]
    hostile = [f for f in folders if f not in {"model", "image-classification", "mobilenet", "dataset",
                                               "platform", "result", "program"}]  # fmt: skip
    assert len(hostile) == 1 and all(c.isalnum() or c in "-._~" for c in hostile[0])
    assert decode_segment(hostile[0]) == XSS_TAG.lower()  # the folder names the tag, reversibly
    for page in ["program/index.html", "tags/index.html", f"tags/{hostile[0]}/index.html", "index.html"]:
        text = (site / page).read_text()
        assert XSS_NAME not in text and XSS_TAG not in text and XSS_STATUS not in text
        assert "onerror=alert" not in text.replace("onerror=alert(1)&gt;", "")


def test_home_page_counts_types_and_lists_newest_and_changed(site: Path) -> None:
    home = soup(site / "index.html")
    counts = {li.a.get_text(): li.select_one(".kb-count").get_text() for li in home.select(".kb-type-counts li")}
    assert counts == {"Models": "2", "Data sets": "1", "Platforms": "1", "Programs": "1", "Results": "1"}
    assert len(home.select(".kb-newest li")) == 6
    assert home.select_one(".kb-changed time")["datetime"].startswith("2025-01-02")
    assert home.select_one("#kb-dashboards") is not None


def test_uid_permalink_and_old_alias_redirect_to_the_current_page(site: Path) -> None:
    uid = soup(site / "uid" / "2222222222222222" / "index.html")
    assert uid.select_one("link[rel=canonical]")["href"] == "../../model/mobilenet/"
    assert "url=../../model/mobilenet/" in uid.select_one("meta[http-equiv=refresh]")["content"]
    old = soup(site / "model" / "mobilenet-old" / "index.html")
    assert old.select_one("link[rel=canonical]")["href"] == "../../model/mobilenet/"


def test_entry_api_names_every_reference(site: Path) -> None:
    doc = json.loads((site / "api" / "entries" / "result" / "5555555555555555.json").read_text())
    assert doc["api_version"] == 1 and doc["meta"]["dataset_uoa"] == "3333333333333333"
    named = {r["json_path"]: [t["name"] for t in r["resolved"]] for r in doc["references"]}
    assert named == {"$.model_uoa": ["ResNet-50"], "$.dataset_uoa": ["ImageNet"], "$.platform_uoa": ["Raspberry Pi 4"]}
    model = json.loads((site / "api" / "entries" / "model" / "1111111111111111.json").read_text())
    assert [r["name"] for r in model["referenced_by"]] == ["ResNet on Pi"]


def test_module_index_and_catalogue(site: Path) -> None:
    index = json.loads((site / "api" / "modules" / "model.json").read_text())
    assert index["count"] == 2 and index["entries"][0]["api"] == "api/entries/model/2222222222222222.json"
    catalogue = json.loads((site / "api" / "catalogue.json").read_text())
    assert {m["module"]: m["count"] for m in catalogue["modules"]}["model"] == 2
    assert catalogue["repos"][0]["name"] == "fx"


def test_feeds_are_atom_dated_from_git(site: Path) -> None:
    for path in ["feeds/new.xml", "feeds/changed.xml", "feeds/model/new.xml", "feeds/result/changed.xml"]:
        root = ET.parse(site / path).getroot()
        assert root.tag == f"{ATOM}feed"
    root = ET.parse(site / "feeds" / "changed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 6
    assert entries[0].find(f"{ATOM}updated").text == COMMIT_DATE.replace("+00:00", "Z")  # RFC 3339, UTC
    assert entries[0].find(f"{ATOM}link").get("href").startswith("https://kb.example.org/")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert XSS_NAME in titles  # as text, escaped in the XML


def test_sitemap_lists_real_pages_only(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://kb.example.org/model/resnet/" in locs
    assert "https://kb.example.org/model/" in locs and "https://kb.example.org/tags/model/" in locs
    assert not [u for u in locs if "_kbshell" in u or "/uid/" in u or "mobilenet-old" in u]
    assert not (site / "_kbshell").exists()


def test_component_page_has_json_ld_with_no_closing_tags(site: Path) -> None:
    page = soup(site / "program" / "hostile" / "index.html")
    block = page.select_one('script[type="application/ld+json"]')
    data = json.loads(block.string)
    assert data["name"] == XSS_NAME and data["url"] == "https://kb.example.org/program/hostile/"
    assert "</" not in block.string


def test_every_theme_page_has_a_csp_and_nothing_comes_from_a_cdn(site: Path) -> None:
    for page in ["index.html", "model/index.html", "model/resnet/index.html", "tags/model/index.html", "404.html"]:
        doc = soup(site / page)
        csp = doc.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        for tag in doc.select("script[src], link[href], img[src]"):
            url = tag.get("src") or tag.get("href")
            assert not url.startswith(("http://", "https://", "//")) or (tag.name == "link" and tag.get("rel") in (
                ["canonical"], ["alternate"])), url
    assert (site / "assets" / "kb" / "kb-listing.js").is_file()
