"""Form fields from a type's JSON Schema: what the contribute page asks for, and how.

Each property becomes one field whose ``kind`` says how the browser reads it (kb-form.js):
text, textarea, integer, number, select, const, boolean, tags, lines (a list of strings, one per
line), choices (a list of enum values, as checkboxes), ref (another entry, picked from the
search index), object (a group of fields), list (repeatable groups), map (named entries, such as
a result's metrics) and json (anything the form cannot break down, typed as JSON).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator.portal.schema_pages import resolve_node

MAX_DEPTH = 3  # deeper structures are typed as JSON
IDENTITY_KEYS = frozenset({"name", "data_name", "backup_data_uid"})  # asked for as the entry's name/UID
FIRST_KEYS = ("tags",)  # common fields asked for with the type's own fields, before the others
LONG_TEXT = frozenset({"abstract", "description", "desc", "reason"})
_REF_DEFS = ("#/$defs/uoa", "#/$defs/ck_uoa")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class FormField:
    """One field of a contribute form (a group when it has children or an item template)."""

    key: str
    kind: str
    title: str
    description: str = ""
    unit: str = ""
    required: bool = False
    options: tuple[str, ...] = ()  # JSON text of each enum value (select, choices) or of the const
    module: str = ""  # ref: the type of entry it names ('' = any type)
    children: list[FormField] = field(default_factory=list)
    item: FormField | None = None  # list: one item's group; map: one value's field
    input_id: str = ""

    @property
    def options_shown(self) -> list[tuple[str, str]]:
        """(JSON value, label) of each option: strings without their quotes."""
        shown = []
        for text in self.options:
            value = json.loads(text)
            shown.append((text, value if isinstance(value, str) else text))
        return shown


@dataclass
class TypeForm:
    """The fields of one type's form: its own (with tags), the other common ones, and whether it has a schema."""

    module: str
    title: str
    description: str
    fields: list[FormField]
    more: list[FormField]


def _type_names(node: dict[str, Any]) -> list[str]:
    kind = node.get("type")
    return [kind] if isinstance(kind, str) else [str(k) for k in kind] if isinstance(kind, list) else []


def _ref_module(key: str, own_module: str) -> str:
    """The type a reference key names: ``platform_uoa`` -> platform; ``superseded_by`` -> the entry's own."""
    if key.endswith("_uoa") and key not in ("_uoa", "data_uoa"):  # data_uoa: next to a module_uoa naming the type
        return key[: -len("_uoa")]
    return own_module if key == "superseded_by" else ""


class _Builder:
    """Walks one schema document (with its $refs) into FormFields."""

    def __init__(self, documents: dict[str, dict[str, Any]], module: str) -> None:
        self.documents = documents
        self.module = module

    def properties(self, node: dict[str, Any], doc: str, path: tuple[str, ...],
                   depth: int) -> list[FormField]:  # fmt: skip
        required = set(node.get("required", []))
        found = []
        for key, raw in (node.get("properties") or {}).items():
            if not isinstance(raw, dict):
                continue
            made = self.field(key, raw, doc, (*path, key), depth)
            made.required = key in required
            found.append(made)
        return found

    def field(self, key: str, raw: dict[str, Any], doc: str, path: tuple[str, ...], depth: int) -> FormField:
        """The field of one property (``raw`` may be a $ref with its own title and description)."""
        node, node_doc = resolve_node(raw, self.documents, doc)
        made = FormField(key=key, kind="json", title=str(node.get("title") or key.replace("_", " ").capitalize()),
                         description=str(node.get("description", "")), unit=str(node.get("unit", "")),
                         input_id="kb-f-" + _SAFE_ID.sub("-", "-".join(path)))  # fmt: skip
        ref = raw.get("$ref")
        if isinstance(ref, str) and ref.endswith(_REF_DEFS):
            made.kind, made.module = "ref", _ref_module(key, self.module)
            return made
        self._shape(made, node, node_doc, path, depth)
        return made

    def _shape(self, made: FormField, node: dict[str, Any], doc: str, path: tuple[str, ...], depth: int) -> None:
        types = _type_names(node)
        if "const" in node:
            made.kind, made.options = "const", (json.dumps(node["const"]),)
        elif "enum" in node:
            made.kind, made.options = "select", tuple(json.dumps(v) for v in node["enum"])
        elif types == ["string"]:
            long_text = made.key in LONG_TEXT or int(node.get("maxLength", 0) or 0) > 2000
            made.kind = "textarea" if long_text else "text"
        elif types in (["integer"], ["number"], ["boolean"]):
            made.kind = types[0]
        elif types == ["array"] and depth < MAX_DEPTH:
            self._array(made, node, doc, path, depth)
        elif types == ["object"] and depth < MAX_DEPTH:
            self._object(made, node, doc, path, depth)
        elif len(types) > 1 and "object" not in types and "array" not in types:
            made.kind = "text"  # e.g. a version written as a string or a number: kept as typed text

    def _array(self, made: FormField, node: dict[str, Any], doc: str, path: tuple[str, ...], depth: int) -> None:
        raw_items = node.get("items")
        if not isinstance(raw_items, dict):
            return
        items, items_doc = resolve_node(raw_items, self.documents, doc)
        if "enum" in items:
            made.kind, made.options = "choices", tuple(json.dumps(v) for v in items["enum"])
        elif _type_names(items) == ["string"] or (made.key == "tags" and not _type_names(items)):
            made.kind = "tags" if made.key == "tags" else "lines"
        elif _type_names(items) == ["object"] and items.get("properties"):
            made.kind = "list"
            made.item = self._group("", items, items_doc, (*path, "__i__"), depth + 1)

    def _object(self, made: FormField, node: dict[str, Any], doc: str, path: tuple[str, ...], depth: int) -> None:
        extra = node.get("additionalProperties")
        if node.get("properties"):
            made.kind = "object"
            made.children = self.properties(node, doc, path, depth + 1)
        elif isinstance(extra, dict):
            value = self.field("", extra, doc, (*path, "__k__"), depth + 1)
            if value.kind != "json":  # free-form values (a program's run_cmds) stay one JSON field
                made.kind, made.item = "map", value

    def _group(self, key: str, node: dict[str, Any], doc: str, path: tuple[str, ...], depth: int) -> FormField:
        group = FormField(key=key, kind="object", title=str(node.get("title", "")),
                          description=str(node.get("description", "")),
                          input_id="kb-f-" + _SAFE_ID.sub("-", "-".join(path)))  # fmt: skip
        group.children = self.properties(node, doc, path, depth)
        return group


def type_form(module: str, documents: dict[str, dict[str, Any]], common: str = "common") -> TypeForm:
    """The form of one type: its own fields (tags first), then the common ones under 'more'."""
    doc = documents[module]
    builder = _Builder(documents, module)
    own = builder.properties(doc, module, (), 0)
    required = set(doc.get("required", []))
    common_fields = builder.properties(documents[common], common, (), 0) if module != common else []
    own_keys = {f.key for f in own}
    first, more = [], []
    for made in common_fields:
        if made.key in own_keys or made.key in IDENTITY_KEYS:
            continue
        made.required = made.required or made.key in required
        (first if made.key in FIRST_KEYS or made.required else more).append(made)
    fields = [f for f in own if f.key not in IDENTITY_KEYS]
    return TypeForm(module=module, title=str(doc.get("title", module)), description=str(doc.get("description", "")),
                    fields=first + fields, more=more)  # fmt: skip
