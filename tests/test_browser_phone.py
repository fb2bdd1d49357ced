"""Phones: every page type of the built embedded portal fits a 390 px wide screen without sideways
scrolling of the page (wide tables scroll inside their own box), and no dashboard is endless
(a phone lists the first results and the top of each leaderboard), measured in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import PageSession, page_types

pytestmark = pytest.mark.browser

WIDTH = 390
DASHBOARD_HEIGHT = 15_000  # px at 390 px: the MobileNets study's 304 results once made 55,152


def _overflow(page: Any) -> dict[str, Any]:
    """The page's scroll width, and the first elements sticking out of the screen that no box of
    their own scrolls (a table inside an overflow box is fine: it scrolls in place)."""
    return page.evaluate("""() => {
        const root = document.documentElement, wide = [];
        const contained = el => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                const style = getComputedStyle(a);
                if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
                    && a.getBoundingClientRect().right <= innerWidth + 1) { return true; }
                if (style.position === 'fixed' || style.display === 'none') { return true; }
            }
            return false;
        };
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > innerWidth + 1 && !contained(el)) {
                wide.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.right));
            }
        }
        return {scroll: root.scrollWidth, inner: innerWidth, wide: wide.slice(0, 5), height: root.scrollHeight};
    }""")


def test_every_page_type_fits_a_390_px_phone(
    project_site: Path, chromium_browser: Any, serve_dir: Callable[[Path], str]
) -> None:
    base = serve_dir(project_site)
    context = chromium_browser.new_context(viewport={"width": WIDTH, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    session = PageSession(page=page)
    page.on("pageerror", lambda exc: session.console_errors.append(str(exc)))
    too_wide = {}
    heights: dict[str, int] = {}
    kinds = page_types(project_site)
    assert {"home", "dashboards", "compare", "result/*", "platform/*", "model/*", "tags/*"} <= set(kinds)
    try:
        for kind, file in kinds.items():
            folder = file.relative_to(project_site).parent.as_posix()
            page.goto(base if folder == "." else f"{base}{folder}/")
            if page.locator("script.vega-spec").count():
                page.wait_for_function("[...document.querySelectorAll('.kb-vega')].length > 0 && "
                                       "[...document.querySelectorAll('.kb-vega')].every(c => c.dataset.ready)",
                                       timeout=30000)  # fmt: skip
            found = _overflow(page)
            if found["scroll"] > found["inner"] or found["wide"]:
                too_wide[kind] = found
            if kind.startswith("dashboards/"):
                heights[kind] = found["height"]
    finally:
        context.close()
    assert not too_wide, too_wide
    assert heights and max(heights.values()) < DASHBOARD_HEIGHT, heights  # long tables shortened on phones
    assert session.console_errors == []
