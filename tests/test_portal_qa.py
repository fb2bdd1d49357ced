"""Small visitor-facing fixes found by portal QA (each guarded so it does not come back)."""

from __future__ import annotations

from pathlib import Path

from generator.portal.metaview import key_facts

ASSETS = Path(__file__).resolve().parent.parent / "generator" / "portal" / "assets"


def test_package_install_path_shows_slashes_not_ck_separator_placeholder() -> None:
    rows = key_facts("package", {"end_full_path_universal": "build$#sep#$onnx$#sep#$__init__.py"}, {})
    assert [(r.label, str(r.html)) for r in rows] == [("Installed file", "build/onnx/__init__.py")]


def test_search_more_button_is_really_hidden_when_hidden() -> None:
    css = (ASSETS / "search" / "search.css").read_text(encoding="utf-8")
    assert ".kb-search__more[hidden] { display: none; }" in css


def test_listing_dates_do_not_wrap_and_headers_are_left_aligned() -> None:
    css = (ASSETS / "kb-portal.css").read_text(encoding="utf-8")
    assert ".kb-listing-table td:last-child, .kb-listing-table th:last-child { white-space: nowrap; }" in css
    assert "text-align: left" in css
