"""Pages speak to readers: fields labelled by their schema titles, dependency blocks as "needs" lists,
authors taken from the data (never the Git committer), raw keys only in the Raw JSON section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.portal.component import SiteModel, build_site_model, render_component
from generator.portal.labels import counted, path_label, readable, type_plural
from generator.portal.needs import version_text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    root = tmp_path_factory.mktemp("words")
    repo = Repo.init(root / "lab", "lab", url="https://github.com/example/lab")
    data = json.loads((repo.path / ".ckr.json").read_text())
    data["dict"]["maintainers"] = ["Lab Maintainers", {"name": "Dana", "url": "https://dana.example.org"}]
    (repo.path / ".ckr.json").write_text(json.dumps(data))
    repo.add("soft", "gcc", name="GNU C compiler", meta={"tags": ["compiler", "lang-c"]})
    repo.add("program", "bench", name="Bench", meta={
        "tags": ["program"], "main_language": "c", "processor_count_hint": 4, "run_vars": {"CK_THREADS": 4},
        "compile_deps": {"cc": {"name": "C compiler", "tags": "compiler,lang-c", "version_from": [9, 1],
                                "version_to": [12], "sort": 1},
                         "blas": {"tags": "lib,blas", "sort": 2}},
    }, control={"author": "Ada Lovelace", "author_webpage": "https://ada.example.org"})  # fmt: skip
    repo.add("result", "r1", name="Bench on a Pi",
             meta={"tags": ["result"], "submitter": "Example Labs", "program_uoa": "bench"})  # fmt: skip
    repo.add("dataset", "digits", name="Digits", meta={"tags": ["dataset"], "size": 1797})
    return build_site_model(Corpus.load(Workspace.open([repo.path])), history=False)


def soup_of(site: SiteModel, module: str, alias: str) -> BeautifulSoup:
    (entry,) = site.corpus.lookup(module, alias)
    return BeautifulSoup(render_component(entry, site).body_html, "html.parser")


def outside_raw(soup: BeautifulSoup) -> str:
    raw = soup.select_one("section.kb-raw")
    if raw is not None:
        raw.decompose()
    return soup.get_text(" ")


def test_readable_words_for_keys_no_schema_titles() -> None:
    assert readable("processor_count_hint") == "Processor count hint"
    assert readable("dataset_uoa") == "Data set"
    assert readable("compiler_add_include_as_env_from_deps") == "Compiler add include as environment from dependencies"
    assert type_plural("dataset") == "Data sets" and type_plural("gizmo") == "Gizmo entries"
    assert counted("result", 1) == "1 result" and counted("module", 3) == "3 CK modules"


def test_json_paths_become_words_naming_dependencies_by_their_names() -> None:
    meta = {"compile_deps": {"cc": {"name": "C compiler", "tags": "x"}}}
    assert path_label("program", "$.compile_deps.cc.tags", meta) == "Needs to compile › C compiler"
    assert path_label("result", "$.platform_uoa", {}) == "Platform"
    assert path_label("paper", "$.links[1].url", {}) == "Links › item 2 › Address"


def test_version_constraints_read_as_words() -> None:
    assert version_text({"version_from": [9, 1], "version_to": [12]}) == "version 9.1 to 12"
    assert version_text({"version_from": [1, 10]}) == "version 1.10 or later"
    assert version_text({}) == ""


def test_fields_use_schema_titles_and_units_and_words_for_unknown_keys(site: SiteModel) -> None:
    dataset = soup_of(site, "dataset", "digits")
    facts = {tr.th.get_text(): tr.td.get_text() for tr in dataset.select("table.kb-facts tr")}
    assert facts == {"Size": "1,797 samples"}
    program = soup_of(site, "program", "bench")
    details = {tr.th.get_text(): tr.td for tr in program.select("table.kb-details tr")}
    assert set(details) == {"Processor count hint", "Run settings"}
    assert details["Run settings"].find("code").get_text() == "CK_THREADS"  # a variable name stays as typed
    text = outside_raw(program)
    for raw in ("processor_count_hint", "compile_deps", "run_vars", "main_language", "$."):
        assert raw not in text


def test_dependency_block_is_a_needs_list_with_versions_and_resolved_entries(site: SiteModel) -> None:
    soup = soup_of(site, "program", "bench")
    (row,) = soup.select("table.kb-needs-table tr")
    assert row.th.get_text() == "Needs to compile"
    first, second = row.select("ul.kb-needs > li")
    assert " ".join(first.get_text(" ").split()) == "C compiler (version 9.1 to 12) : GNU C compiler"
    assert first.find("a")["href"] == "../../soft/gcc/"
    assert " ".join(second.get_text(" ").split()) == "Blas : nothing here is tagged lib, blas"
    assert "{" not in row.get_text()


def test_author_comes_from_the_data_in_this_order(site: SiteModel) -> None:
    program = soup_of(site, "program", "bench").select_one("p.kb-byline")
    assert program.get_text() == "Contributed by Ada Lovelace"
    assert program.find("a")["href"] == "https://ada.example.org"
    assert soup_of(site, "result", "r1").select_one("p.kb-byline").get_text() == "Submitted by Example Labs"
    maintained = soup_of(site, "dataset", "digits").select_one("p.kb-byline")
    assert maintained.get_text() == "Maintained by Lab Maintainers and Dana"
    assert maintained.find("a")["href"] == "https://dana.example.org"


def test_raw_json_section_holds_the_identities_and_the_meta(site: SiteModel) -> None:
    raw = soup_of(site, "program", "bench").select_one("section.kb-raw")
    assert raw.find("h2").get_text() == "Raw JSON"
    assert raw.find("a", class_="kb-json")["href"] == "entry.json"
    assert json.loads(raw.select_one("details pre code").get_text())["run_vars"] == {"CK_THREADS": 4}
    assert raw.select_one("table.kb-ids code").get_text() == "lab:program:bench"


def test_listing_rows_and_feeds_credit_the_data_author(site: SiteModel, tmp_path: Path) -> None:
    from generator.portal.site_writer import compute_rows

    rows = {r.alias: r for r in compute_rows(site).values()}
    assert rows["bench"].author == "Ada Lovelace"
    assert rows["r1"].author == "Example Labs"
    assert rows["digits"].author == "Lab Maintainers, Dana"
