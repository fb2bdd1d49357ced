"""Contribute pages on the built portal: a form per type generated from its schema, the data its scripts
need, a pinned validator that needs no eval, and a first load within 300 kB compressed."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from generator.portal.contribute import contribute_types, new_file_base
from generator.portal.forms import type_form
from generator.provenance.history import RepoHistory
from generator.schema.loader import load_schemas
from generator.schema.messages import message_table, render, worded_keywords

ASSETS = Path(__file__).resolve().parents[1] / "generator" / "portal" / "assets" / "contribute"
PAGE_BUDGET = 300_000


def _page(site: Path, module: str) -> BeautifulSoup:
    return BeautifulSoup((site / "contribute" / module / "index.html").read_text(encoding="utf-8"), "html.parser")


def _data(soup: BeautifulSoup) -> dict[str, Any]:
    block = soup.find("script", id="kb-contribute-data")
    assert block is not None and block.get("type") == "application/json"
    return json.loads(block.string)


def test_every_component_type_has_a_form_listed_on_the_contribute_index(project_site: Path) -> None:
    types = [t.module for t in contribute_types()]
    assert {"model", "platform", "result", "dataset", "program", "paper", "solution"} <= set(types)
    assert not {"common", "info", "repo", "module"} & set(types)
    index = BeautifulSoup((project_site / "contribute" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in index.select(".kb-contribute-index td a")] == [f"../contribute/{t}/" for t in types]
    for module in types:
        assert _page(project_site, module).select_one("form#kb-contribute-form") is not None, module


def test_form_fields_carry_the_schema_titles_units_required_marks_and_enums(project_site: Path) -> None:
    soup = _page(project_site, "model")
    label = soup.select_one("label[for=kb-f-input_resolution]")
    assert label is not None and " ".join(label.get_text().split()) == "Input resolution (px)"
    assert "(required)" in soup.select_one("label[for=kb-f-tags]").get_text()
    ref = soup.select_one("#kb-f-dataset_uoa")
    assert ref["data-module"] == "dataset" and ref["list"] == "kb-f-dataset_uoa-options"
    result = _page(project_site, "result")
    template = result.select_one("#kb-f-metrics template")
    assert template is not None
    item = BeautifulSoup(template.decode_contents(), "html.parser")
    options = [o["value"] for o in item.select("select[id$='-direction'] option")]
    assert options == ["", '"lower"', '"higher"']
    for control in result.select("#kb-contribute-form :is(input, select, textarea)"):
        if control.get("type") != "checkbox" and control["id"] != "kb-id-repo":  # labelled, with an error slot
            assert result.select_one(f"label[for='{control['id']}']") is not None, control["id"]
            assert control["id"] + "-err" in control.get("aria-describedby", ""), control["id"]


def test_page_data_holds_the_types_schemas_the_shared_messages_and_the_repositories(project_site: Path) -> None:
    data = _data(_page(project_site, "result"))
    schemas = load_schemas()
    assert data["schemas"] == {"result": schemas.documents["result"], "common": schemas.documents["common"]}
    assert data["messages"] == message_table()
    repos = {r["alias"]: r for r in data["repos"]}
    assert set(repos) == {"reef-core", "ck-mlperf", "mlperf-inference-v0.5", "mobilenets", "request-asplos18"}
    assert repos["mlperf-inference-v0.5"]["modules"]["result"] == "4cd2850867df4241"
    assert data["known_module_uid"] == "4cd2850867df4241" and data["ck_version"] == ["2", "6", "4"]


def test_contribute_pages_run_no_inline_script_and_allow_no_eval(project_site: Path) -> None:
    html = (project_site / "contribute" / "result" / "index.html").read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None and "'unsafe-eval'" not in policy.group(1)
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.select("article script, .kb-contribute script"):
        assert script.get("src") or script.get("type") == "application/json"
    for path in ASSETS.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\b|\bFunction\s*\(", text), path.name


def test_the_vendored_validator_is_pinned_and_its_licence_sits_beside_it() -> None:
    head = (ASSETS / "json-schema.js").read_text(encoding="utf-8")[:600]
    assert "@cfworker/json-schema 4.1.6" in head and "sha512-" in head
    licence = (ASSETS / "json-schema.LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Copyright (c) 2020 Jeremy Danyow" in licence


def _first_load_bytes(site: Path, page: Path) -> dict[str, int]:
    """Compressed size of a page and of every script and stylesheet it loads (gzip level 6, as servers do)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    base = page.relative_to(site).as_posix()
    urls = [s["src"] for s in soup.find_all("script", src=True)]
    urls += [link["href"] for link in soup.find_all("link", href=True) if "stylesheet" in link.get("rel", [])]
    sizes = {base: len(gzip.compress(page.read_bytes(), 6))}
    for url in urls:
        target = site / urljoin(base, url.split("?")[0])
        sizes[target.relative_to(site).as_posix()] = len(gzip.compress(target.read_bytes(), 6))
    return sizes


@pytest.mark.parametrize("module", [kind.module for kind in contribute_types()])
def test_a_form_pages_first_load_is_within_300_kb_compressed_validator_included(project_site: Path,
                                                                               module: str) -> None:  # fmt: skip
    sizes = _first_load_bytes(project_site, project_site / "contribute" / module / "index.html")
    assert "assets/kb/contribute/json-schema.js" in sizes
    assert sum(sizes.values()) <= PAGE_BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])


@pytest.mark.parametrize("keyword", worded_keywords())
def test_the_shared_table_words_each_keyword_as_jsonschema_does(keyword: str) -> None:
    """The CLI's messages did not change wording when they moved to the table the browser reads."""
    from jsonschema import Draft202012Validator

    cases = {"type": ({"type": "integer"}, "x"), "enum": ({"enum": ["a", 1]}, "b"), "const": ({"const": "yes"}, "no"),
             "pattern": ({"pattern": "^a"}, "b"), "minLength": ({"minLength": 1}, ""),
             "maxLength": ({"maxLength": 2}, "abc"), "minItems": ({"minItems": 2}, [1]),
             "maxItems": ({"maxItems": 0}, [1]), "minProperties": ({"minProperties": 1}, {}),
             "maxProperties": ({"maxProperties": 1}, {"a": 1, "b": 2}), "minimum": ({"minimum": 1.5}, 1),
             "maximum": ({"maximum": 2}, 3), "exclusiveMinimum": ({"exclusiveMinimum": 1}, 1),
             "exclusiveMaximum": ({"exclusiveMaximum": 1}, 1), "uniqueItems": ({"uniqueItems": True}, [1, 1]),
             "required": ({"required": ["a", "b"]}, {"b": 1})}  # fmt: skip
    schema, instance = cases[keyword]
    theirs = [e.message for e in Draft202012Validator(schema).iter_errors(instance)]
    ours = [e.message for e in load_schemas().validators["common"].evolve(schema=schema).iter_errors(instance)]
    missing = "a" if keyword == "required" else ""
    assert ours == theirs == [render(keyword, schema[keyword], instance, missing=missing)]


def test_every_keyword_a_schema_uses_is_worded_by_the_table_or_only_structure() -> None:
    structural = {"$schema", "$id", "$ref", "$defs", "title", "description", "unit", "examples", "properties",
                  "additionalProperties", "items", "allOf", "anyOf", "if", "then", "default"}  # fmt: skip
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(k for k in node if not k.startswith("$") or k in ("$ref",))
            for key, value in node.items():
                if key in ("properties", "$defs"):
                    for sub in value.values():
                        walk(sub)
                elif key not in ("examples", "enum", "const", "required"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for document in load_schemas().documents.values():
        walk(document)
    assert used - structural - set(worded_keywords()) == set()


def test_forms_of_every_type_are_made_from_the_schema_alone() -> None:
    documents = load_schemas().documents
    for kind in contribute_types():
        form = type_form(kind.module, documents)
        keys = [f.key for f in form.fields + form.more]
        assert len(keys) == len(set(keys)) and "name" not in keys, kind.module
        assert all(f.title for f in form.fields + form.more), kind.module


def test_github_new_file_links_need_a_branch_and_github() -> None:
    on_github = RepoHistory(folder=Path("/x"), web_url="https://github.com/o/r", rev="HEAD", web_prefix="kb/fx")
    assert new_file_base(on_github) == "https://github.com/o/r/new/main/kb/fx"
    pinned = RepoHistory(folder=Path("/x"), web_url="https://github.com/o/r", rev="v1.2")
    assert new_file_base(pinned) == "https://github.com/o/r/new/v1.2"
    assert new_file_base(RepoHistory(folder=Path("/x"), web_url="https://gitlab.com/o/r")) == ""
    assert new_file_base(None) == ""
