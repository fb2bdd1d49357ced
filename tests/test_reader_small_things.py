"""Small things a reader notices: counts in the right number, search lines that start and end on a
word and never list raw values, the home page's generated part first under its title, API paths as links."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from generator.diagnostics import Report, counted
from generator.portal.home import place_home
from generator.portal.search_index import reader_summary


def test_counts_use_the_singular_for_one() -> None:
    assert [counted(n, "entry", "entries") for n in (0, 1, 2)] == ["0 entries", "1 entry", "2 entries"]
    assert counted(1, "error") == "1 error" and counted(3, "warning") == "3 warnings"
    report = Report(checked_entries=1)
    assert report.summary() == "1 entry checked: 0 errors, 0 warnings, 0 notes"


def test_search_lines_are_the_description_cut_at_a_word() -> None:
    text = "Arm Compute Library: a collection of low-level machine learning functions optimized for Arm CPUs and GPUs"
    line = reader_summary(text, limit=60)
    assert line.endswith("…") and len(line) <= 60
    assert text.startswith(line[:-1]) and text[len(line) - 1] == " "  # the cut falls between two words
    assert reader_summary("  short   text ") == "short text"
    assert reader_summary("") == ""


def test_the_generated_home_goes_under_the_title_before_the_prose() -> None:
    html = place_home("<h1 id='reef'>Reef KB</h1><p>Prose.</p>", "<section>counts</section>")
    assert html == "<h1 id='reef'>Reef KB</h1><section>counts</section><p>Prose.</p>"
    assert place_home("<p>No title.</p>", "<section/>") == "<section/><p>No title.</p>"


def test_home_leads_with_counts_dashboards_and_latest_results(project_site: Path) -> None:
    soup = BeautifulSoup((project_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get("id") for h in soup.select("article h1, article h2")]
    assert headings[1:6] == ["types", "dashboards", "latest-results", "newest", "changed"], headings
    assert headings.index("where-to-start") > 5  # the hand-written prose follows
    latest = soup.select("table.kb-latest-results tbody tr")
    assert latest and all(row.select_one("td a") and row.select("td")[3].get_text(strip=True) for row in latest)


def test_the_api_page_links_the_files_it_names(project_site: Path) -> None:
    page = project_site / "api" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    targets = [a["href"] for a in soup.select("article a[href$='.json'], article a[href$='.xml']")]
    assert {"catalogue.json", "modules/model.json", "../feeds/new.xml"} <= set(targets)
    assert all((page.parent / t).is_file() for t in targets), targets
