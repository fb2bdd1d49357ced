"""What one entry adds to the site is bounded, whatever the size of the KB (issue 19).

A generic CK tag dependency (``lib,blas``) matches every version of a library and a common library
is used by most programs: lists of targets and referrers grow with the KB unless they are cut to the
first N by rank, with the count. A tag carried by one entry gets no page of its own (it would only
link back), and ``/tags/`` lists the most used tags, not all of them.
"""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.portal import api
from generator.portal.component import build_site_model, render_component
from generator.portal.listings import TAG_INDEX_MAX, entry_row, render_tag_index, tag_pages
from generator.portal.shell import compact_theme_html

LIBRARIES = api.MAX_RESOLVED + 7
PROGRAMS = api.MAX_REFERENCED_BY + 9


def _generic_kb(root: Path) -> Corpus:
    repo = Repo.init(root / "generic", "generic")
    for n in range(LIBRARIES):
        repo.add("soft", f"blas-{n}", meta={"tags": ["lib", "blas", f"v{n}"]})
    for n in range(PROGRAMS):
        repo.add("program", f"bench-{n}", meta={"tags": ["program", "bench"],
                                                "deps": {"blas": {"tags": "lib,blas"}}})  # fmt: skip
    return Corpus.load(Workspace.open([repo.path]))


def _api_document(site, module: str, alias: str) -> dict:
    (entry,) = site.corpus.lookup(module, alias)
    rows = {id(e): entry_row(e, site.url_of(e), site, site.paths.api_of(e)) for e in site.corpus.entries}
    text = api.entry_document(entry, rows[id(entry)], site.graph.outgoing(entry), site.graph.referrers(entry), rows)
    return json.loads(text)


def test_api_entry_file_lists_the_first_targets_and_referrers_with_their_counts(tmp_path: Path) -> None:
    site = build_site_model(_generic_kb(tmp_path), history=False)
    program = _api_document(site, "program", "bench-0")
    (dep,) = program["references"]
    assert dep["resolved_count"] == LIBRARIES and len(dep["resolved"]) == api.MAX_RESOLVED
    library = _api_document(site, "soft", "blas-0")
    assert library["referenced_by_count"] == PROGRAMS and len(library["referenced_by"]) == api.MAX_REFERENCED_BY
    assert library["referenced_by_per_module"] == {"program": PROGRAMS}
    assert [r["alias"] for r in library["referenced_by"]] == sorted(f"bench-{n}" for n in range(PROGRAMS))[
        : api.MAX_REFERENCED_BY]  # fmt: skip


def test_tags_on_one_entry_have_no_page_and_are_shown_without_a_link(tmp_path: Path) -> None:
    site = build_site_model(_generic_kb(tmp_path), history=False)
    assert site.tag_page("blas") == "tags/blas/" and site.tag_page("v3") == ""
    (entry,) = site.corpus.lookup("soft", "blas-3")
    head = BeautifulSoup(render_component(entry, site).body_html, "html.parser").select_one("p.kb-head")
    assert [a.get_text() for a in head.select("a.kb-tag")] == ["lib", "blas"]
    assert [s.get_text() for s in head.select("span.kb-tag")] == ["v3"]


def test_tags_differing_in_case_share_a_page_counted_over_both() -> None:
    one, two, three = object(), object(), object()
    pages = tag_pages({"CUDA": [one], "cuda": [two], "solo": [three], "lib": [one, two]})
    assert pages == {"CUDA": "tags/cuda/", "cuda": "tags/cuda/", "lib": "tags/lib/"}


def test_tag_index_lists_the_most_used_tags_and_says_how_many_there_are() -> None:
    counts = [(f"tag{n}", 5000 - n) for n in range(TAG_INDEX_MAX + 300)]
    page = BeautifulSoup(render_tag_index(counts, lambda t: f"tags/{t}/"), "html.parser")
    assert len(page.select("li")) == TAG_INDEX_MAX
    assert page.select_one("li a")["href"] == "../tags/tag0/"
    assert f"{TAG_INDEX_MAX + 300} tags" in page.get_text()


def test_theme_html_loses_its_indentation_but_not_a_byte_of_scripts_or_preformatted_text() -> None:
    script = '<script>\n    var a = "  kept  ";\n</script>'
    text = f"<div>\n    <p>x</p>\n\n   {script}\n  <pre>\n  code\n</pre>\n  <textarea>\n t</textarea>"
    compact = compact_theme_html(text)
    assert compact == f"<div>\n<p>x</p>\n{script}\n<pre>\n  code\n</pre>\n<textarea>\n t</textarea>"
