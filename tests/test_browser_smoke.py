"""The built portal opens in real headless Chromium with no console errors and no external requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ck.store import Repo
from generator.portal.builder import build_site

pytestmark = pytest.mark.browser


def test_component_page_opens_without_errors_or_external_requests(tmp_path: Path, browser_page, serve_dir) -> None:
    repo = Repo.init(tmp_path / "r", "r")
    repo.add("model", "resnet50", meta={"tags": ["model"], "framework": "onnx"})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb:\n      repos: [r]\n"
    )
    site = build_site(tmp_path / "mkdocs.yml")
    base = serve_dir(site)
    browser_page.page.goto(base + "model/resnet50/")
    assert "resnet50" in browser_page.page.title()
    assert browser_page.page.locator("table.kb-meta").count() == 1
    assert browser_page.console_errors == []
    assert browser_page.external_requests == []
