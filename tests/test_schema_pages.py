"""Schema reference on the portal: a page per schema with its fields, and the raw files under /schemas/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.portal.schema_pages import schema_pages
from generator.schema.loader import schemas_dir
from tests.portal_fixture import build_fixture_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("schema-site"))


def test_every_schema_is_published_as_a_file_identical_to_the_source(site: Path) -> None:
    for source in schemas_dir().glob("*.schema.json"):
        published = site / "schemas" / source.name
        assert json.loads(published.read_text(encoding="utf-8")) == json.loads(source.read_text(encoding="utf-8"))


def test_result_page_lists_nested_fields_types_and_required_keys(site: Path) -> None:
    soup = BeautifulSoup((site / "schemas" / "result" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text(strip=True).startswith("Schema: result")
    rows = {tr.find_all("td")[0].get_text(): [td.get_text() for td in tr.find_all("td")[1:]]
            for tr in soup.select("table.kb-schema-fields tbody tr")}  # fmt: skip
    direction = rows["metrics.*.direction"]
    assert direction == ['one of "lower", "higher"', "yes", "Whether lower or higher values are better."]
    assert rows["platform_uoa"][1] == "yes" and rows["scenario"][1] == ""
    assert "Published at https://kb.example.org/schemas/result.schema.json" in soup.get_text()  # site_url
    example = json.loads(soup.select_one("pre code.language-json").get_text())
    assert example["metrics"]["latency"]["unit"] == "ms"


def test_schema_index_links_every_page_and_file(site: Path) -> None:
    soup = BeautifulSoup((site / "schemas" / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in soup.select("article a[href]")}
    for page in schema_pages():
        assert f"{page.name}/" in hrefs and f"{page.name}.schema.json" in hrefs
        assert (site / "schemas" / page.name / "index.html").is_file()


def test_every_type_page_has_a_row_per_property_of_its_schema() -> None:
    for page in schema_pages():
        source = json.loads((schemas_dir() / f"{page.name}.schema.json").read_text(encoding="utf-8"))
        top = {f.path for f in page.fields if "." not in f.path and "[" not in f.path}
        assert top == set(source.get("properties", {}))
