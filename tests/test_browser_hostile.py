"""The hostile corpus (tests/hostile_corpus.py) built with site_url set, served over HTTP and loaded in
Chromium: no payload runs (no dialog), loads anything (no request leaves the machine), breaks a policy
(no console error) or ends up in the DOM as a handler, frame or script URL, on any page, listing
filter, search query, chart, compare page or feed (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import PageSession
from tests.hostile_corpus import HostileBuild, build_hostile

INJECTED = """() => {
  const found = [];
  const urls = ["href", "src", "action", "formaction", "xlink:href", "data"];
  for (const el of document.querySelectorAll("*")) {
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "FRAME"].includes(el.tagName)) found.push(el.tagName);
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(el.tagName + " " + a.name);
      const script = /^\\s*(javascript|vbscript):|^\\s*data:text/i.test(a.value);
      if (urls.includes(a.name) && script) found.push(el.tagName + " " + a.value);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    return build_hostile(tmp_path_factory.mktemp("hostile-browser") / "kb")


def _pages(site: Path) -> list[str]:
    """The pages a reader opens: every listing, repository, dashboard and odd-named module page, a few
    pages of each kind that repeats (tags, models), never redirects (they leave at once) or schema pages."""
    found: dict[str, list[str]] = {}
    for page in sorted(p for p in site.rglob("index.html") if p.is_file()):
        rel = page.parent.relative_to(site).as_posix()
        if rel.startswith(("uid", "schemas", "_kbshell")) or 'http-equiv="refresh"' in page.read_text("utf-8"):
            continue
        found.setdefault(rel.split("/")[0], []).append("" if rel == "." else rel + "/")
    return [url for kind, urls in found.items() for url in (urls[:6] if kind in ("tags", "model") else urls)]


def _visit(session: PageSession, url: str, dialogs: list[str]) -> list[str]:
    page = session.page
    page.goto(url, wait_until="load")  # page hooks and listing scripts have run
    return page.evaluate(INJECTED)


def test_no_payload_runs_loads_or_is_injected_in_any_page(hostile: HostileBuild, browser_page: PageSession,
                                                         serve_dir: Callable[[Path], str]) -> None:  # fmt: skip
    base = serve_dir(hostile.site)
    dialogs: list[str] = []
    browser_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = _pages(hostile.site)
    assert len(pages) >= 50
    injected: dict[str, list[str]] = {}
    for rel in pages:
        found = _visit(browser_page, base + rel, dialogs)
        if found:
            injected[rel] = found
    assert injected == {} and dialogs == []
    assert browser_page.external_requests == [] and browser_page.console_errors == []


def test_search_filters_charts_compare_and_feeds_stay_inert(hostile: HostileBuild, browser_page: PageSession,
                                                            serve_dir: Callable[[Path], str]) -> None:  # fmt: skip
    base = serve_dir(hostile.site)
    dialogs: list[str] = []
    page: Any = browser_page.page
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for query in ("<script>alert(1)</script>", "onerror", "javascript", "img src", "alert"):
        page.goto(base + "search/?q=" + query, wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate(INJECTED) == []
    page.goto(base + "program/", wait_until="load")
    page.locator(".kb-listing-filter").fill('"><img src=x onerror=alert(1)>')
    page.locator(".kb-listing-filter").fill("alert")
    assert page.evaluate(INJECTED) == []
    boards = sorted(p.parent.name for p in (hostile.site / "dashboards").glob("*/data.json"))
    for board in boards:
        page.goto(base + f"dashboards/{board}/", wait_until="load")
        page.wait_for_selector(".kb-vega svg", timeout=20_000)  # the chart draws under the strict policy
        for point in page.locator(".kb-vega path[role='graphics-symbol']").all()[:3]:
            point.hover()  # tooltips show contributor text
        assert page.evaluate(INJECTED) == []
    page.goto(base + "compare/", wait_until="load")
    page.wait_for_timeout(500)
    for select in page.locator("#kb-compare select").all():
        options = select.locator("option").all()
        if len(options) > 1:
            select.select_option(index=len(options) - 1)
    page.wait_for_timeout(300)
    assert page.evaluate(INJECTED) == []
    for feed in ("feeds/new.xml", "feeds/changed.xml", "feeds/program/new.xml"):
        page.goto(base + feed, wait_until="load")
        assert page.evaluate("() => document.querySelectorAll('script').length") == 0
    assert dialogs == [] and browser_page.external_requests == [] and browser_page.console_errors == []
