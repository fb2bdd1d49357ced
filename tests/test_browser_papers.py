"""The papers listing in Chromium: filters by venue, year and ACM badge, kept in the URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _shown(page: Any) -> list[str]:
    return page.eval_on_selector_all(".kb-papers-table tbody tr:not([hidden]) td:first-child a",
                                     "links => links.map(a => a.textContent)")  # fmt: skip


def test_papers_filter_by_badge_venue_and_year_and_the_url_keeps_them(project_site: Path, browser_page: Any,
                                                                       serve_dir: Any) -> None:  # fmt: skip
    page = browser_page.page
    base = serve_dir(project_site)
    page.goto(base + "papers/")
    everything = _shown(page)
    assert len(everything) >= 10
    page.select_option("select[data-filter=badge]", "functional")
    assert _shown(page) == ["Optimizing Deep Learning Workloads on ARM GPU with TVM"]
    assert page.inner_text(".kb-papers-count") == "1 paper" and "badge=functional" in page.url
    page.select_option("select[data-filter=badge]", "")
    page.select_option("select[data-filter=year]", "2016")
    assert sorted(_shown(page)) == ["Deep Residual Learning for Image Recognition",
                                    "SSD: Single Shot MultiBox Detector"]
    page.goto(base + "papers/?venue=ReQuEST-ASPLOS%2718&badge=replicated")
    assert len(_shown(page)) == 5 and page.input_value("select[data-filter=venue]") == "ReQuEST-ASPLOS'18"
    assert browser_page.console_errors == [] and browser_page.external_requests == []
