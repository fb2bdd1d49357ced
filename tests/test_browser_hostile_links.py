"""A hostile KB aimed at every link the portal renders (tests/hostile_links.py), end to end: kb validate
and kb build print nothing a terminal or a CI log would act on and end without a traceback; every URL
attribute of every page is http(s), mailto or relative; and Chromium, opening every page of the site,
sees no dialog, no console error and no request leaving the site (issue 14, defence 3; security.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_support import PageSession
from tests.hostile_links import LinkKB, make_link_kb, run_kb
from tests.site_checks import site_problems
from tests.test_ci_output_is_inert import workflow_commands

RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\u2029")
URL_CHECK = """() => {
  const found = [];
  const urls = ["href", "src", "action", "formaction", "xlink:href", "data", "poster"];
  for (const el of document.querySelectorAll("*")) {
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "FRAME"].includes(el.tagName)) found.push(el.tagName);
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(el.tagName + " " + a.name);
      const plain = a.value.replace(/[\\x00-\\x20]/g, "").toLowerCase();
      const scheme = (plain.match(/^[a-z][a-z0-9+.-]*:/) || [""])[0];
      const image = el.tagName === "IMG" && plain.startsWith("data:image/");
      if (urls.includes(a.name) && scheme && !["http:", "https:", "mailto:"].includes(scheme) && !image)
        found.push(el.tagName + " " + a.name + "=" + a.value.slice(0, 60));
    }
  }
  return found;
}"""


@dataclass
class Built:
    kb: LinkKB
    validate: str
    validate_code: int
    build: str
    build_code: int


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    kb = make_link_kb(tmp_path_factory.mktemp("links") / "kb")
    checked = run_kb(kb.root, "-R", "links", "validate")
    done = run_kb(kb.root, "build")
    return Built(kb, (checked.stdout + checked.stderr).decode("utf-8"), checked.returncode,
                 (done.stdout + done.stderr).decode("utf-8"), done.returncode)  # fmt: skip


def test_validate_and_build_report_the_payloads_inert_and_without_a_traceback(built: Built) -> None:
    assert built.kb.payloads >= 300
    assert built.validate_code == 1 and "does not match '^https?://'" in built.validate
    assert built.build_code == 1 and f"leaving out {built.kb.left_out} entries" in built.build
    for output in (built.validate, built.build):
        assert "Traceback" not in output
        assert [c for c in RAW if c in output] == [] and workflow_commands(output) == []


def test_no_page_carries_a_url_of_another_scheme_or_markup_from_the_data(built: Built) -> None:
    site = built.kb.root / "site"
    assert len(list(site.rglob("index.html"))) >= 60  # entries, listings, dashboards, schemas, contribute
    assert site_problems(site) == []


def test_chromium_opens_every_page_with_no_dialog_error_or_foreign_request(
        built: Built, browser_page: PageSession, serve_dir: Callable[[Path], str]) -> None:  # fmt: skip
    site = built.kb.root / "site"
    base = serve_dir(site)
    page = browser_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if 'http-equiv="refresh"' not in p.read_text("utf-8"))  # redirects leave for site_url at once
    found: dict[str, list[str]] = {}
    for rel in pages:
        page.goto(base + rel, wait_until="load")
        if problems := page.evaluate(URL_CHECK):
            found[rel] = problems
    assert len(pages) >= 60
    assert found == {} and dialogs == []
    assert browser_page.external_requests == [] and browser_page.console_errors == []
