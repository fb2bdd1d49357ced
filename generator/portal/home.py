"""The home page: counts per type, the dashboards, the latest results, newest and changed entries.

It goes under the title of the site's hand-written ``index.md`` page, before its prose. The dashboards come from
``generator.portal.dashboards.home_dashboards(site) -> str`` (sanitized HTML owned by the results
pages) when that module exists; otherwise the slot stays empty.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from generator.portal.listings import EntryRow
from generator.portal.render import render
from generator.sitepaths import module_url as plain_module_url

LATEST = 10
LATEST_RESULTS = 5


def place_home(prose: str, generated: str) -> str:
    """The reader's first minute first: the generated part right under the page's title, the prose after it."""
    title, found, rest = prose.partition("</h1>")
    return title + found + generated + rest if found else generated + prose


def dashboards_html(site: Any) -> str:
    """HTML of the home dashboards from the results pages, or '' when they are not built."""
    try:
        module = importlib.import_module("generator.portal.dashboards")
    except ImportError:
        return ""
    provider = getattr(module, "home_dashboards", None)
    return str(provider(site)) if callable(provider) else ""


def render_home(rows: list[EntryRow], *, repo_count: int, dashboards: str = "", root: str = "",
                module_url: Callable[[str], str] = plain_module_url) -> str:  # fmt: skip
    """The generated part of the home page (``module_url``: a module's listing folder in this site)."""
    counts = sorted(Counter(r.module for r in rows).items(), key=lambda kv: (-kv[1], kv[0]))
    newest = sorted(rows, key=lambda r: (r.added, r.url), reverse=True)[:LATEST]
    changed = sorted(rows, key=lambda r: (r.changed, r.url), reverse=True)[:LATEST]
    results = sorted((r for r in rows if r.result), key=lambda r: (r.added, r.url), reverse=True)[:LATEST_RESULTS]
    return render("home.html", total=len(rows), repo_count=repo_count, counts=counts, newest=newest,
                  changed=changed, results=results, dashboards=Markup(dashboards), root=root,
                  module_url=module_url)  # fmt: skip
