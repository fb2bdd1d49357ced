"""Fuzz of the build (issue 14): the serializers at high example counts, then a few whole builds of random
Unicode names, tags, metric names and values. A build ends with exit 0 or 1 and diagnostics, never a
traceback or a partial site, and every page, feed and JSON file passes the site checks."""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Severity
from generator.portal.builder import build_site
from generator.portal.dates import normalized_date
from generator.portal.feeds import render_feed
from generator.portal.jsonout import UnwritableOutput, dumps
from generator.portal.listings import EntryRow
from generator.portal.sitemap import render_sitemap
from generator.sitepaths import is_servable
from tests.hostile_corpus import write_entry
from tests.site_checks import site_problems

MANY = settings(max_examples=500, deadline=None)
ANY_TEXT = st.text(max_size=60)  # every code point, lone surrogates and U+FFFE included
ROWS = st.builds(EntryRow, name=ANY_TEXT, url=st.just("model/x/"), module=ANY_TEXT, alias=ANY_TEXT,
                 uid=ANY_TEXT, repo=ANY_TEXT, tags=st.lists(ANY_TEXT, max_size=4).map(tuple), status=ANY_TEXT,
                 added=ANY_TEXT, changed=ANY_TEXT, author=ANY_TEXT)  # fmt: skip


@given(st.lists(ROWS, max_size=5), ANY_TEXT)
@MANY
def test_feeds_of_any_text_are_well_formed_atom(rows: list[EntryRow], title: str) -> None:
    text = render_feed(rows, feed_path="feeds/new.xml", title=title, site_url="https://kb.example.org/", kind="new")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed" and len(root.findall("{*}entry")) == len(rows)


@given(st.lists(st.tuples(st.just("model/x/"), ANY_TEXT), max_size=5))
@MANY
def test_sitemaps_of_any_dates_are_well_formed(urls: list[tuple[str, str]]) -> None:
    ET.fromstring(render_sitemap(urls, "https://kb.example.org/").encode("utf-8"))


@given(ANY_TEXT)
@MANY
def test_any_date_text_is_written_again_or_dropped(value: str) -> None:
    date = normalized_date(value)
    assert date == "" or (len(date) == 20 and date.endswith("Z") and date[:4].isdigit())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(JSON_VALUES)
@MANY
def test_json_outputs_are_strict_or_refused_with_a_diagnostic(value: object) -> None:
    try:
        text = dumps(value)
    except UnwritableOutput as exc:
        assert "NaN or infinity" in exc.message
        return
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} written"))


CONFIG = """site_name: Fuzz
site_url: https://kb.example.org/
theme:
  name: material
  font: false
plugins:
  - kb:
      repos: [fz]
      history: false
"""
NAME = st.text(st.characters(exclude_characters="/\x00", exclude_categories=["Cs"]), min_size=1, max_size=40) \
    .filter(lambda n: n not in (".", "..") and not n.startswith(".") and len(n.encode()) < 200)  # fmt: skip
METRIC = st.fixed_dictionaries({"value": st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
                                "unit": st.text(max_size=8)})  # fmt: skip
ENTRY = st.tuples(st.sampled_from(["model", "result", "platform", "search", "404.html"]) | NAME, NAME,
                  st.lists(st.text(max_size=12), max_size=3),
                  st.dictionaries(st.text(max_size=20), METRIC, max_size=3), st.text(max_size=20))  # fmt: skip


def _write_kb(root: Path, entries: list[tuple[str, str, list[str], dict[str, object], str]]) -> None:
    repo = root / "fz"
    repo.mkdir()
    (repo / ".ckr.json").write_text('{"data_uoa": "fz", "data_alias": "fz", "data_uid": "aaaaaaaaaaaaaaaa"}')
    for index, (module, name, tags, metrics, title) in enumerate(entries):
        if (repo / module / name).exists():
            continue
        meta = {"tags": tags, "name": title, "benchmark": title or "b", "metrics": metrics, "platform_uoa": name}
        write_entry(repo, module, name, f"{index + 1:016x}", meta=meta, info={"data_name": title})
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Fuzz\n")
    (root / "mkdocs.yml").write_text(CONFIG)


@given(st.lists(ENTRY, min_size=1, max_size=5))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_builds_of_random_names_and_metrics_end_cleanly(entries: list[tuple]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write_kb(root, entries)
        problems: list = []
        site = build_site(root / "mkdocs.yml", site_dir=root / "site", problems=problems)  # raises on a crash
        for needed in ("index.html", "404.html", "sitemap.xml", "api/catalogue.json", "search/index.html", "_headers"):
            assert (site / needed).is_file(), needed  # never a partial site
        assert site_problems(site) == []
        left_out = [d for d in problems if d.severity is Severity.ERROR]
        published = [p for p in site.rglob("entry.json") if p.is_file()]
        written = {(m, n) for m, n, *_ in entries}
        unservable = {(m, n) for m, n in written if not (is_servable(m) and is_servable(n))}
        assert len(published) + len(left_out) == len(written)  # every entry: a page, or a diagnostic saying why not
        assert len(left_out) >= len(unservable)


@given(st.lists(ENTRY, min_size=90, max_size=110))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                HealthCheck.large_base_example])  # fmt: skip
def test_builds_of_hundreds_of_random_entries_end_cleanly(entries: list[tuple]) -> None:  # type: ignore[type-arg]
    """Five builds of about a hundred random entries each: 500 random names, metrics and titles built whole."""
    test_builds_of_random_names_and_metrics_end_cleanly.hypothesis.inner_test(entries)
