"""A crawl of the built embedded portal, as a reader sees it: outside the Raw JSON section no page
labels a field with a raw meta key or shows a JSON path, and no page's <title> is only a type name.

Every component page is read (the reader might open any), plus one page of every other page type.
A raw key is a top-level key of the entry's meta, or a snake_case key at any depth (``soft_uoa``,
``run_deps``); names that are data (environment variables, a run command's name) are not keys."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape, unescape
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from generator.portal.labels import type_name, type_plural
from tests.browser_support import page_types

JSON_PATH = re.compile(r"(?:^|[\s(\[{,:;\"'])\$\.[A-Za-z_]")
LABELS = "th, dt, caption, summary, label, legend, h1, h2, h3, h4, code"
HAND_WRITTEN = {p.stem for p in (Path(__file__).resolve().parents[1] / "docs").glob("*.md")} - {"index"}
SHOWN_RAW = re.compile(r'<section class="kb-raw".*?</section>|<pre.*?</pre>|<script.*?</script>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
NOT_READ = ".kb-raw, .kb-desc, script, style, pre"  # the Raw JSON section; the entry's own prose (README)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def raw_keys(meta: dict[str, Any]) -> set[str]:
    """The keys a reader must never see as labels on the entry's page."""
    return set(meta) | {k for k in _keys(meta) if k == k.lower() and "_" in k}


def _reader_part(html: str) -> tuple[str, Any]:
    """The page's <title> and its article without what is shown raw on purpose."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup.body
    for node in article.select(NOT_READ):
        node.decompose()
    return (soup.title.get_text(strip=True) if soup.title else ""), article


def _suspect(html: str, keys: set[str]) -> bool:
    """A quick look (parsing 1,000 pages costs minutes on a busy machine): could the page show a key or path?"""
    shown = SHOWN_RAW.sub("", html)
    return bool(JSON_PATH.search(shown)) or any(f">{escape(key, quote=False)}<" in shown for key in keys)


def page_problems(html: str, keys: set[str], modules: set[str]) -> list[str]:
    """What a reader would see that speaks the project's internals (``modules``: types whose names
    must not be the whole <title>; empty for pages that list a type, titled by it on purpose)."""
    if not _suspect(html, keys):
        found = TITLE.search(html)
        return _title_problems(unescape(found.group(1)).strip() if found else "", modules)
    title, article = _reader_part(html)
    problems = [f"{el.name} shows the raw key {el.get_text(strip=True)!r}"
                for el in article.select(LABELS) if el.get_text(" ", strip=True) in keys]  # fmt: skip
    problems += [f"JSON path in text: {m.group(0).strip()!r}" for m in JSON_PATH.finditer(article.get_text(" "))]
    return problems + _title_problems(title, modules)


def _title_problems(title: str, modules: set[str]) -> list[str]:
    page_title = title.rsplit(" - ", 1)[0].strip()
    names = {n.lower() for m in modules for n in (m, type_name(m), type_plural(m))}
    return [f"<title> is only a type name: {title!r}"] if not page_title or page_title.lower() in names else []


def _other_kind(kind: str, modules: set[str]) -> bool:
    """A page type not read entry by entry: listings and the site's own pages, not hand-written docs."""
    top = kind.split("/")[0]
    return top not in HAND_WRITTEN and (kind == top or top not in modules)


def test_no_page_speaks_raw_keys_or_json_paths_and_no_title_is_a_type(project_site: Path) -> None:
    entries = [json.loads(p.read_text()) for p in (project_site / "api" / "entries").rglob("*.json")]
    modules = {e["module"] for e in entries}
    found: dict[str, list[str]] = {}
    for entry in entries:
        page = project_site / entry["url"] / "index.html"
        html = page.read_text(encoding="utf-8")
        problems = page_problems(html, raw_keys(entry.get("meta") or {}), {entry["module"]})
        if problems:
            found[entry["url"]] = problems[:5]
    others = [f for kind, f in page_types(project_site).items() if _other_kind(kind, modules)]
    for page in others:
        problems = page_problems(page.read_text(encoding="utf-8"), set(), set())
        if problems:
            found[page.relative_to(project_site).as_posix()] = problems[:5]
    assert len(entries) > 500 and len(others) > 20
    assert not found, found


def test_the_crawl_catches_a_raw_key_a_json_path_and_a_bare_type_title() -> None:
    html = ("<html><head><title>model - Reef KB</title></head><body><article><table><tr><th>soft_uoa</th>"
            "<td>gcc</td></tr></table><p>Used by (via $.model_uoa)</p><section class='kb-raw'><code>run_deps"
            "</code> $.raw</section><p>file mobilenet_v1>$.tgz</p></article></body></html>")  # fmt: skip
    problems = page_problems(html, {"soft_uoa", "run_deps"}, {"model"})
    assert problems == ["th shows the raw key 'soft_uoa'", "JSON path in text: '$.m'",
                        "<title> is only a type name: 'model - Reef KB'"]  # fmt: skip
