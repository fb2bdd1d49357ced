"""Schema reference on the portal: one page per schema (fields, types, required, examples) plus the raw files.

The raw files are published at ``/schemas/<name>.schema.json``, unchanged. They carry no ``$id``:
a schema's base URI is where it was fetched from (the portal, a clone, an editor's cache), so
``$ref: common.schema.json`` finds the published sibling on the site and the local file offline
(check-jsonschema needs no ``--base-uri``). The pages at
``/schemas/<name>/`` tell contributors what each type needs and the URL to give an editor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.portal.render import render
from generator.schema.loader import load_schemas

FOLDER = "schemas"
MAX_DEPTH = 3
COMMON = "common"


@dataclass(frozen=True)
class Field:
    """One row of a schema page: dotted path, type, whether required, description."""

    path: str
    type: str
    required: bool
    description: str


@dataclass
class SchemaPage:
    """What one schema's reference page shows."""

    name: str
    title: str
    description: str
    url: str = ""  # where the portal publishes the raw file (absolute with site_url, else site-relative)
    fields: list[Field] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    extends_common: bool = False
    required: list[str] = field(default_factory=list)


def resolve_node(node: dict[str, Any], documents: dict[str, dict[str, Any]], doc: str) -> tuple[dict[str, Any], str]:
    """Follow one ``$ref`` (local or to another schema file); siblings such as description win."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node, doc
    target, _, pointer = ref.partition("#")
    name = target.removesuffix(".schema.json").rsplit("/", 1)[-1] if target else doc
    found: Any = documents.get(name, {})
    for part in filter(None, pointer.split("/")):
        found = found.get(part, {}) if isinstance(found, dict) else {}
    merged = {**found, **{k: v for k, v in node.items() if k != "$ref"}} if isinstance(found, dict) else node
    return merged, name


def _type_of(node: dict[str, Any]) -> str:
    if "const" in node:
        return f"const {json.dumps(node['const'])}"
    if "enum" in node:
        return "one of " + ", ".join(json.dumps(v) for v in node["enum"])
    kind = node.get("type", "any")
    text = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if text == "array" and isinstance(node.get("items"), dict):
        inner = node["items"].get("type")
        if isinstance(inner, str):
            text = f"array of {inner}"
    if "pattern" in node:
        text += f" matching {node['pattern']}"
    return text


def _fields(node: dict[str, Any], documents: dict[str, dict[str, Any]], doc: str, prefix: str,
            depth: int) -> list[Field]:  # fmt: skip
    rows: list[Field] = []
    required = set(node.get("required", []))
    for name, raw in (node.get("properties") or {}).items():
        sub, sub_doc = resolve_node(raw, documents, doc) if isinstance(raw, dict) else ({}, doc)
        path = f"{prefix}{name}"
        rows.append(Field(path, _type_of(sub), name in required, str(sub.get("description", ""))))
        if depth < MAX_DEPTH:
            rows += _nested(sub, documents, sub_doc, path, depth)
    return rows


def _nested(sub: dict[str, Any], documents: dict[str, dict[str, Any]], doc: str, path: str, depth: int) -> list[Field]:
    rows = _fields(sub, documents, doc, f"{path}.", depth + 1)
    items = sub.get("items")
    if isinstance(items, dict):
        item, item_doc = resolve_node(items, documents, doc)
        rows += _fields(item, documents, item_doc, f"{path}[].", depth + 1)
    extra = sub.get("additionalProperties")
    if isinstance(extra, dict):
        value, value_doc = resolve_node(extra, documents, doc)
        rows += _fields(value, documents, value_doc, f"{path}.*.", depth + 1)
    return rows


def published_url(name: str, site_url: str = "") -> str:
    """The URL of a schema file on the portal: absolute under ``site_url``, else from the site root."""
    path = f"{FOLDER}/{name}.schema.json"
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


def schema_pages(documents: dict[str, dict[str, Any]] | None = None, site_url: str = "") -> list[SchemaPage]:
    """A page model per schema, common first, then alphabetical."""
    documents = documents if documents is not None else load_schemas().documents
    names = sorted(documents, key=lambda n: (n != COMMON, n))
    pages = []
    for name in names:
        doc = documents[name]
        extends = any(isinstance(part, dict) and str(part.get("$ref", "")).startswith(COMMON)
                      for part in doc.get("allOf", []))  # fmt: skip
        pages.append(SchemaPage(
            name=name, title=str(doc.get("title", name)), description=str(doc.get("description", "")),
            url=published_url(name, site_url),
            fields=_fields(doc, documents, name, "", 0),
            examples=[json.dumps(e, indent=2, ensure_ascii=False) for e in doc.get("examples", [])],
            extends_common=extends, required=[str(r) for r in doc.get("required", [])],
        ))  # fmt: skip
    return pages


def page_markdown(page: SchemaPage) -> str:
    """The Markdown source of one schema page: a heading plus the rendered HTML body."""
    body = render("schema.html", page=page, folder=FOLDER)
    return f"# Schema: {page.title}\n\n{body}\n"


def index_markdown(pages: list[SchemaPage]) -> str:
    """The /schemas/ index: one line per schema with its raw file."""
    lines = ["# Schema reference", "",
             "What each component type's `meta.json` may hold. CK meta is open: unknown keys are allowed, "
             "known keys are typed. `kb validate` checks entries against these schemas.", "",
             "| schema | what it describes | file |", "| --- | --- | --- |"]  # fmt: skip
    for page in pages:
        summary = page.description.replace("|", "/")
        lines.append(f'| <a href="{page.name}/">{page.title}</a> | {summary} | '
                     f'<a href="{page.name}.schema.json">{page.name}.schema.json</a> |')  # fmt: skip
    return "\n".join(lines) + "\n"


def add_schema_files(files: Files, config: MkDocsConfig) -> None:
    """Add /schemas/ (index), /schemas/<name>/ pages and the raw /schemas/<name>.schema.json files."""
    schemas = load_schemas()
    pages = schema_pages(schemas.documents, config.site_url or "")
    for page in pages:
        raw = json.dumps(schemas.documents[page.name], indent=2, ensure_ascii=False) + "\n"
        files.append(File.generated(config, f"{FOLDER}/{page.name}.schema.json", content=raw))
        files.append(File.generated(config, f"{FOLDER}/{page.name}.md", content=page_markdown(page)))
    if files.get_file_from_path(f"{FOLDER}/index.md") is None:
        files.append(File.generated(config, f"{FOLDER}/index.md", content=index_markdown(pages)))
