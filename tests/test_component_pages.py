"""Component pages: what a reader sees for one entry, checked by parsing the rendered HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.ck.corpus import Corpus
from generator.ck.resolve import Workspace
from generator.portal.builder import build_site
from generator.portal.component import RenderedPage, SiteModel, build_site_model, render_component
from tests.entry_fixtures import WEB_URL, make_fixture_kb, write_site_config


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    folder = make_fixture_kb(tmp_path_factory.mktemp("kb"))
    return build_site_model(Corpus.load(Workspace.open([folder])))


def page_of(site: SiteModel, module: str, alias: str) -> tuple[RenderedPage, BeautifulSoup]:
    (entry,) = site.corpus.lookup(module, alias)
    page = render_component(entry, site)
    return page, BeautifulSoup(page.body_html, "html.parser")


def texts(nodes) -> list[str]:
    return [" ".join(n.get_text(" ").split()) for n in nodes]


def test_page_url_title_and_no_second_h1(site: SiteModel) -> None:
    page, soup = page_of(site, "model", "resnet50-v1.5")
    assert page.url == "model/resnet50-v1.5/"
    assert page.title == "ResNet-50 v1.5"
    assert soup.find("h1") is None  # the theme shell adds the one <h1>


def test_head_shows_type_status_badge_and_tags_linked_to_tag_pages_when_they_have_one(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    head = soup.select_one("p.kb-head")
    assert head.select_one("a.kb-type").get_text() == "Model"
    assert head.select_one("a.kb-type")["href"] == "../../model/"
    assert head.select_one(".kb-badge").get_text() == "active"
    tags = {a.get_text(): a["href"] for a in head.select("a.kb-tag")}
    assert tags == {"image-classification": "../../tags/image-classification/", "resnet": "../../tags/resnet/"}
    # "model" is on this entry only: a tag page would link back here, so there is none and no link
    assert [s.get_text() for s in head.select("span.kb-tag")] == ["model"]
    assert site.tag_page("model") == "" and site.tag_page("resnet") == "tags/resnet/"


def test_superseded_entry_shows_badge_reason_and_replacement_link(site: SiteModel) -> None:
    _, soup = page_of(site, "result", "r1")
    assert soup.select_one(".kb-badge.kb-s-superseded").get_text() == "superseded"
    note = soup.select_one(".kb-status-note")
    assert "rerun with fixed firmware" in note.get_text()
    assert note.find("a")["href"] == "../../result/r2/"


def test_description_comes_from_readme_rendered_with_headings_shifted(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    desc = soup.select_one("div.kb-desc")
    assert desc.find("h2").get_text() == "ResNet-50 v1.5"
    assert desc.find("strong").get_text() == "classic"
    assert desc.find("a", string="the paper")["href"] == "https://arxiv.org/abs/1512.03385"
    assert desc.find("img")["src"] == "files/fig.png"
    assert texts(desc.select("table td")) == ["76.1", "92.9"]


def test_model_key_facts_come_first_in_schema_order(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    facts = soup.select_one("table.kb-facts")
    labels = texts(facts.select("th"))
    assert labels == ["Task", "Framework", "Architecture", "Input resolution", "Precision", "Data set", "Licence"]
    values = dict(zip(labels, texts(facts.select("td")), strict=True))
    assert values["Precision"] == "fp16"
    assert values["Input resolution"] == "224 px"  # the schema's unit
    dataset_link = facts.find("a", string="ImageNet 2012 validation")
    assert dataset_link["href"] == "../../dataset/imagenet-2012-val/"


def test_other_meta_is_a_readable_table_not_a_json_dump(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    rows = {th.get_text(): td for th, td in
            ((tr.th, tr.td) for tr in soup.select("table.kb-details tr"))}  # fmt: skip
    assert set(rows) == {"Files", "Training"}  # keys no schema titles become words, never code
    assert rows["Files"].get_text() == "resnet50.onnx, labels.txt"
    training = " ".join(rows["Training"].get_text(" ").split())
    assert "Epochs : 90" in training and "Momentum : 0.9" in training
    assert "{" not in training


def test_result_page_uses_its_template_with_metrics_units_and_direction(site: SiteModel) -> None:
    _, soup = page_of(site, "result", "r2")
    rows = [texts(tr.select("td")) for tr in soup.select("table.kb-metrics tbody tr")]
    assert rows == [["accuracy_top1", "76.1", "%", "↑ higher"], ["latency", "12.5", "ms", "↓ lower"]]
    facts = dict(zip(texts(soup.select("table.kb-facts th")), texts(soup.select("table.kb-facts td")), strict=True))
    assert facts["Benchmark"] == "mlperf-inference-v0.5/image-classification"
    assert facts["Platform"] == "Firefly RK3399"
    assert facts["Program"] == "no-such-program"  # unresolved: shown as text, not a link


def test_mlperf_raw_anchor_becomes_a_sanitized_link_not_markup(site: SiteModel) -> None:
    _, soup = page_of(site, "result", "r2")
    link = soup.select_one("table.kb-details").find("a", string="Link")
    assert link["href"].startswith("https://github.com/mlperf/inference_results_v0.5/")
    assert link["rel"] == ["nofollow", "noopener", "noreferrer"]
    assert set(link.attrs) == {"href", "rel"}


def test_dependencies_link_resolved_and_mark_unresolved(site: SiteModel) -> None:
    _, soup = page_of(site, "result", "r2")
    refs = soup.select("ul.kb-refs")[0]
    linked = {a.get_text(): a["href"] for a in refs.select("a")}
    assert linked["platform:Firefly RK3399"] == "../../platform/firefly-rk3399/"
    assert linked["model:ResNet-50 v1.5"] == "../../model/resnet50-v1.5/"
    assert texts(refs.select(".kb-unresolved")) == ["program:no-such-program"]


def test_tag_dependencies_are_a_needs_list_with_names_resolved_entries_and_unmatched_tags(site: SiteModel) -> None:
    _, soup = page_of(site, "program", "image-classification-tflite")
    needs = {tr.th.get_text(): tr.td for tr in soup.select("table.kb-needs-table tr")}
    assert set(needs) == {"Needs to compile"}
    items = needs["Needs to compile"].select("ul.kb-needs li")
    resolved = next(li for li in items if li.find("a"))
    assert resolved.strong.get_text() == "TFLite"
    assert resolved.find("a", string="TensorFlow Lite library")["href"] == "../../soft/lib-tflite/"
    assert texts(needs["Needs to compile"].select(".kb-unresolved")) == ["nothing here is tagged lib, nothing-has-this"]
    assert all("lib,tflite" not in ul.get_text() for ul in soup.select("ul.kb-refs"))  # listed once, under Needs


def test_reverse_dependencies_list_the_entries_that_use_it(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    used_by = soup.find("h3", id="used-by").find_next("ul")
    assert sorted(a["href"] for a in used_by.select("a")) == ["../../result/r1/", "../../result/r2/"]
    assert soup.select_one("p.kb-counts").get_text() == "2 results"


def test_dependency_graph_is_inline_svg_with_links_and_no_script(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    svg = soup.select_one("svg.kb-graph")
    assert svg is not None and svg.find("script") is None
    hrefs = {a["href"] for a in svg.find_all("a")}
    assert {"../../dataset/imagenet-2012-val/", "../../result/r1/", "../../result/r2/"} <= hrefs
    assert svg.select_one("g.c text").get_text() == "ResNet-50 v1.5"


def test_entry_without_references_has_no_graph(site: SiteModel) -> None:
    _, soup = page_of(site, "docker", "ubuntu-ck")
    assert soup.select_one("svg.kb-graph") is None


def test_files_are_listed_and_only_images_are_published_the_rest_link_to_the_source(site: SiteModel) -> None:
    page, soup = page_of(site, "model", "resnet50-v1.5")
    listed = {li.find(["a", "code"]).get_text(): li.find("a") for li in soup.select("ul.kb-files li")}
    assert set(listed) == {"README.md", "evil.html", "fig.png", "notes.txt", "run.js"}
    assert listed["fig.png"]["href"] == "files/fig.png" and listed["fig.png"].has_attr("download")
    source = "https://github.com/example/fx/blob/main/model/resnet50-v1.5/"
    assert {name: a["href"] for name, a in listed.items() if name != "fig.png"} == {
        name: source + name for name in ("README.md", "evil.html", "notes.txt", "run.js")}
    assert set(page.extra_files) == {"files/fig.png"}  # a .txt could be a script to <script src>: not served


def test_related_entries_share_rare_tags(site: SiteModel) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    related = [a["href"] for a in soup.select("ul.kb-related a")]
    assert related[0] == "../../paper/resnet-paper/"  # shares the rarest tag, "resnet"


def test_related_provider_hook_replaces_tag_overlap(site: SiteModel) -> None:
    (docker,) = site.corpus.lookup("docker", "ubuntu-ck")
    site.related_provider = lambda entry: [docker]
    try:
        _, soup = page_of(site, "model", "resnet50-v1.5")
    finally:
        site.related_provider = None
    assert [a["href"] for a in soup.select("ul.kb-related a")] == ["../../docker/ubuntu-ck/"]


def test_how_to_use_shows_commands_from_the_repository_url_raw_json_and_edit_link(site: SiteModel) -> None:
    page, soup = page_of(site, "model", "resnet50-v1.5")
    assert [c.get_text() for c in soup.select("pre.kb-cmd code")] == [
        f"kb sync --url {WEB_URL}\nkb load fx:model:resnet50-v1.5",
        f"ck pull repo --url={WEB_URL}\nck load fx:model:resnet50-v1.5 --min"]
    assert soup.select_one("a.kb-json")["href"] == "entry.json"
    assert soup.select_one("a.kb-edit")["href"] == f"{WEB_URL}/blob/main/model/resnet50-v1.5/.cm/meta.json"
    data = json.loads(page.json_text)
    assert data["data_uoa"] == "resnet50-v1.5" and data["dict"]["precision"] == "fp16"
    assert "path" not in data


def test_type_templates_add_type_specific_sections(site: SiteModel) -> None:
    _, soup = page_of(site, "program", "image-classification-tflite")
    assert texts(soup.select("dl.kb-runs dt")) == ["default"]
    assert texts(soup.select("dl.kb-runs dd")) == ["runs $#BIN_FILE#$"]
    _, paper = page_of(site, "paper", "resnet-paper")
    cite = paper.select_one("p.kb-cite")
    assert cite.find("a")["href"] == "https://doi.org/10.1109/CVPR.2016.90"
    assert cite.find("cite").get_text() == "Deep Residual Learning for Image Recognition"


def test_history_shows_first_added_and_last_changed_with_commit_links_but_no_committer_as_author(
    site: SiteModel,
) -> None:
    _, soup = page_of(site, "model", "resnet50-v1.5")
    prov = soup.select_one("p.kb-prov")
    text = " ".join(prov.get_text(" ").split())
    assert text.startswith("Added on 2024-01-02 in commit")
    assert "last changed on 2024-03-04 in commit" in text and "(2 commits in all)" in text
    page_text = soup.get_text(" ")
    assert "Alice Adder" not in page_text and "Bob Changer" not in page_text  # Git committers are not authors
    links = [a["href"] for a in prov.select("a")]
    assert len(links) == 2 and all(h.startswith(f"{WEB_URL}/commit/") for h in links)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("built")
    make_fixture_kb(root)
    return build_site(write_site_config(root, ["fx"]), site_dir=root / "site")


def test_built_site_has_the_page_its_json_and_only_safe_files(built_site: Path) -> None:
    folder = built_site / "model" / "resnet50-v1.5"
    soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == ["ResNet-50 v1.5"]
    assert soup.select_one("div.kb-entry table.kb-facts") is not None
    assert json.loads((folder / "entry.json").read_text(encoding="utf-8"))["data_uid"]
    assert (folder / "files" / "fig.png").is_file()
    assert not (folder / "files" / "evil.html").exists() and not (folder / "files" / "run.js").exists()


@pytest.mark.browser
def test_component_page_in_chromium_has_no_errors_and_stays_local(built_site: Path, browser_page, serve_dir) -> None:
    base = serve_dir(built_site)
    page = browser_page.page
    page.goto(base + "model/resnet50-v1.5/", wait_until="load")
    assert page.locator("svg.kb-graph a").count() >= 3
    assert page.locator("div.kb-desc img").evaluate("img => img.naturalWidth >= 0 && img.complete")
    page.goto(base + "result/r1/", wait_until="load")
    assert page.locator(".kb-head .kb-badge").inner_text() == "superseded"
    assert browser_page.console_errors == []
    assert browser_page.external_requests == []


def test_rendering_many_pages_in_worker_processes_matches_one_by_one(site: SiteModel, monkeypatch) -> None:
    from generator.portal import component

    monkeypatch.setattr(component, "CHUNK", 2)
    entries = site.corpus.entries
    parallel = list(component.render_components(entries, site, workers=2))
    assert [e for e, _ in parallel] == entries
    assert [p.body_html for _, p in parallel] == [render_component(e, site).body_html for e in entries]
