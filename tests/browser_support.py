"""Real headless Chromium for browser tests (Debian's /usr/bin/chromium through Playwright).

Tests that use the ``browser_page`` fixture skip with a stated reason when Chromium or
Playwright is missing, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    "--disable-quic",
]  # fmt: skip


def chromium_path() -> str | None:
    """The Chromium binary to drive, or None when it is not installed."""
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def require_chromium() -> str:
    """Return the Chromium path, or skip (fail under CI) saying why it is unavailable."""
    path = chromium_path()
    reason = ""
    if path is None:
        reason = "Chromium is not installed (apt-get install chromium chromium-driver)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright Python package is not installed"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    assert path is not None
    return path


def page_types(site: Path) -> dict[str, Path]:
    """One page per page type: the home, each top folder at each depth (listings, entries, tags,
    dashboards, docs), the largest page of each kind (the widest content is in the biggest)."""
    kinds: dict[str, Path] = {}
    for page in site.rglob("index.html"):
        parts = page.relative_to(site).parts[:-1]
        if parts and parts[0] == "assets":
            continue
        kind = "/".join([parts[0], *["*"] * (len(parts) - 1)]) if parts else "home"
        if kind not in kinds or page.stat().st_size > kinds[kind].stat().st_size:
            kinds[kind] = page
    for page in (site / "dashboards").glob("*/index.html"):  # every dashboard: each draws its own chart
        kinds[f"dashboards/{page.parent.name}"] = page
    return dict(sorted(kinds.items()))


@dataclass
class PageSession:
    """A browser page plus what it did: console errors and requests that left the machine."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return url.startswith(("file://", "data:", "blob:", "about:", "http://127.0.0.1", "http://localhost"))


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser: Any) -> Iterator[PageSession]:
    """A fresh page that records console errors and blocks any request leaving the machine."""
    context = chromium_browser.new_context()
    page = context.new_page()
    session = PageSession(page=page)
    page.on("console", lambda msg: msg.type == "error" and session.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: session.console_errors.append(str(exc)))

    def guard(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            session.external_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    yield session
    context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


@pytest.fixture
def serve_dir() -> Iterator[Any]:
    """Serve a folder on 127.0.0.1 (random port); call it with the folder, get the base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
