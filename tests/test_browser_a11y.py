"""Accessibility: axe-core (vendored under tests/vendor/axe-core, MPL-2.0, for tests only) finds no
serious or critical WCAG 2.2 A/AA violation on one page of every page type of the built embedded
portal — home, listings, each component template, dashboards, compare, search with results, tags,
schemas, the JSON API page — in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.sitepaths import ROOT_NAMES
from tests.browser_support import page_types

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
SEARCH_QUERY = "search/?q=resnet"
PROJECT = Path(__file__).resolve().parents[1]
DOCS = PROJECT / "docs"
TEMPLATES = PROJECT / "generator" / "portal" / "templates"
DOCS_SEEN = {p.stem for p in DOCS.glob("*.md")} - ROOT_NAMES - {"index"}

RUN_AXE = """async (tags) => {
    const found = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3)
            .map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(1, 2).join(''))
            .concat(v.nodes.length > 3 ? ['… ' + v.nodes.length + ' elements'] : [])}));
}"""


def pages_to_check(site: Path) -> dict[str, str]:
    """Page kind -> site-relative URL: each page type once — the site's own pages, one docs page, one
    listing, a component page per entry template (plus one on the generic template), a search with hits."""
    kinds: dict[str, str] = {}
    generic = ""
    for kind, file in page_types(site).items():
        top = kind.split("/")[0]
        module = top not in ROOT_NAMES and kind != "home" and not (DOCS / f"{top}.md").is_file()
        if top == "uid" or (kind.startswith("dashboards/") and kind != "dashboards/*"):
            continue  # uid/ pages redirect to an entry page; one dashboard stands for all
        if (top in DOCS_SEEN and top != "cli") or (module and kind == top and top != "model"):
            continue  # one docs page and one listing: the rest share their template
        if module and kind != top and not (TEMPLATES / f"entry-{top}.html").is_file():
            if generic:
                continue
            generic = kind
        folder = file.relative_to(site).parent.as_posix()
        kinds[kind] = "" if folder == "." else f"{folder}/"
    kinds["search with results"] = SEARCH_QUERY
    return kinds


def _settle(page: Any) -> None:
    """Wait for what scripts draw: charts, and search hits."""
    if page.locator("script.vega-spec").count():
        page.wait_for_function("[...document.querySelectorAll('.kb-vega')].length > 0 && "
                               "[...document.querySelectorAll('.kb-vega')].every(c => c.dataset.ready)",
                               timeout=30000)  # fmt: skip
    if page.locator("#kb-search-app").count() and "?q=" in page.url:
        page.wait_for_selector("#kb-search-app .md-search-result__item", timeout=30000)


def test_every_page_type_has_no_serious_or_critical_axe_violation(
    project_site: Path, chromium_browser: Any, serve_dir: Callable[[Path], str]
) -> None:
    assert AXE.is_file() and (AXE.parent / "LICENSE").is_file()
    base = serve_dir(project_site)
    context = chromium_browser.new_context(bypass_csp=True)  # axe is injected as a script the site's CSP doesn't name
    page = context.new_page()
    kinds = pages_to_check(project_site)
    assert {"home", "dashboards", "compare", "search", "schemas/*", "api", "tags/*", "result/*", "platform/*",
            "model/*", "dataset/*", "program/*"} <= set(kinds), sorted(kinds)  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for kind, url in kinds.items():
            page.goto(base + url)
            _settle(page)
            page.add_script_tag(path=str(AXE))
            blocking = [v for v in page.evaluate(RUN_AXE, WCAG_TAGS) if v["impact"] in BLOCKING]
            if blocking:
                found[f"{kind} ({url or '/'})"] = blocking
    finally:
        context.close()
    assert not found, "\n".join(f"{where}: {v['id']} [{v['impact']}] {v['help']}: {v['nodes']}"
                                for where, vs in found.items() for v in vs)  # fmt: skip
