"""Entry meta shown readably: key facts per type first, then the rest as a compact table.

Values become escaped HTML here (one pass in Python is faster than recursive templates and keeps
the markup lean). Every string is escaped; URLs are linked only for http(s); a value that is
exactly one ``<a href="http…">text</a>`` (the MLPerf rows' ``Details``/``Code`` columns) becomes
a sanitized link, anything else with markup is shown as text. Big values stop at a character
budget and point to the raw JSON.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from generator.numbers import number
from generator.portal.labels import DEP_BLOCKS, Label, Node, is_data_key, schema_labels
from generator.portal.needs import is_needs_block, needs_html, needs_of
from generator.schema.loader import COMMON

# Key facts per type, in display order; their labels are the schema's titles.
KEY_FACTS: dict[str, tuple[str, ...]] = {
    "model": ("task", "framework", "architecture", "input_resolution", "precision", "dataset_uoa"),
    "result": ("benchmark", "scenario", "platform_uoa", "model_uoa", "dataset_uoa", "program_uoa", "submitter",
               "date", "software"),
    "dataset": ("task", "size", "url", "dataset_files"),
    "platform": ("vendor", "processor", "processor_count", "accelerator", "accelerator_count", "memory", "os",
                 "form_factor"),
    "program": ("main_language", "source_files", "target_file", "only_for_target_os_tags"),
    "soft": ("soft_name", "soft_uoa", "auto_detect", "only_for_host_os_tags", "only_for_target_os_tags"),
    "package": ("package_name", "soft_uoa", "process_script", "suggested_path", "end_full_path_universal",
                "only_for_host_os_tags"),
    "script": ("script_name", "desc"),
    "experiment": ("pipeline_uoa", "subtags", "points"),
    "solution": ("workflow", "workflow_cmd", "host_os", "target_os", "device_id", "python_version",
                 "result_data_uoa"),
    "paper": ("title", "authors", "venue", "year", "doi", "url"),
}  # fmt: skip
COMMON_FACTS = ("version", "license", "authors")
# Shown elsewhere on the page, never in the table.
HIDDEN_KEYS = frozenset({"tags", "status", "name", "data_name", "description", "backup_data_uid",
                         "backup_module_uid", "backup_module_uoa"})  # fmt: skip
MAX_DEPTH = 4  # nesting levels shown; deeper values point to the raw JSON
VALUE_BUDGET = 1_200  # characters of HTML per top-level value before "see raw JSON"
TABLE_BUDGET = 5_000  # characters of HTML for the whole details table
_LONE_ANCHOR = re.compile(r'^\s*<a\s+href\s*=\s*"(https?://[^"<>\s]+)"\s*>([^<>]{0,200})</a>\s*$', re.I)
_URL = re.compile(r"^https?://[^\s<>\"']+$")
CK_SEP = "$#sep#$"  # CK writes portable paths with this placeholder for the OS separator
MORE = ' <span class="kb-more">… see the raw JSON</span>'


@dataclass(frozen=True)
class Link:
    """A resolved reference target: where it is and how to call it (renders itself as an anchor)."""

    href: str
    text: str

    def __html__(self) -> str:
        """Escaped ``<a>`` (templates print links without a macro call, which is ~50x slower)."""
        return f'<a href="{escape(self.href)}">{escape(self.text)}</a>'


@dataclass(frozen=True)
class Row:
    """One labelled value, already rendered to safe HTML."""

    key: str
    label: str
    html: Markup


class _Budget:
    def __init__(self, chars: int) -> None:
        self.left = chars

    def take(self, text: str) -> bool:
        self.left -= len(text)
        return self.left >= 0


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def link_html(href: str, text: str, *, external: bool = False) -> Markup:
    """An escaped anchor; external links get rel=nofollow and are http(s) only."""
    return Markup(_link(href, text, external))


def _link(href: str, text: str, external: bool) -> str:
    rel = ' rel="nofollow noopener noreferrer"' if external else ""
    return f'<a href="{_e(href)}"{rel}>{_e(text)}</a>'


def _string(text: str) -> str:
    if text.startswith("http") and _URL.match(text):
        return _link(text, text, True)
    if "<" in text:
        anchor = _LONE_ANCHOR.match(text)
        if anchor:
            return _link(anchor.group(1), anchor.group(2) or anchor.group(1), True)
    return _e(text if len(text) <= 400 else text[:400] + "…")


def string_html(text: str) -> Markup:
    """A string value: a link when it is an http(s) URL or one plain anchor, else escaped text."""
    return Markup(_string(text))


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "<i>none</i>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _e(repr(value))
    return _e(str(value))


class Links(list):  # type: ignore[type-arg]
    """The links of one reference (first few) and how many further entries it matches."""

    def __init__(self, links: Any = (), more: int = 0) -> None:
        super().__init__(links)
        self.more = more


class _Renderer:
    """Compact HTML for JSON values, fields labelled from the schema, references linked.

    Schema nodes travel down with the values: a key the schema names gets its title, any other key
    words made from it, a data key (an environment variable) stays as written, in code font.
    """

    def __init__(self, module: str, links: Mapping[str, Sequence[Link]], budget: _Budget) -> None:
        self.labels = schema_labels()
        self.doc = module if module in self.labels.documents else COMMON
        self.links = links
        self.budget = budget

    def value(self, value: Any, path: str, node: Node | None, depth: int) -> str:
        """Any JSON value at ``path`` (``node``: its schema, when known)."""
        if self.links:
            targets = self.links.get(path)
            if targets and isinstance(value, str):
                return ", ".join(_link(t.href, t.text, False) for t in targets)
        if not isinstance(value, (dict, list)):
            out = _scalar(value)
            self.budget.left -= len(out)
            return out
        if not value:
            return "<i>empty</i>"
        if depth >= MAX_DEPTH:
            self.budget.left -= 40
            return MORE.strip()
        if isinstance(value, list):
            return self._list(value, path, node, depth)
        return self._dict(value, path, node, depth)

    def _list(self, value: list[Any], path: str, node: Node | None, depth: int) -> str:
        item_node, _ = self.labels.item(node, self.doc)
        parts: list[str] = []
        for index, item in enumerate(value):
            if self.budget.left < 0:
                return ", ".join(parts) + MORE
            parts.append(self.value(item, f"{path}[{index}]", item_node, depth + 1))
        if not any(isinstance(v, (dict, list)) for v in value):
            return ", ".join(parts)
        return '<ol class="kb-v">' + "".join(f"<li>{p}</li>" for p in parts) + "</ol>"

    def _dict(self, value: dict[str, Any], path: str, node: Node | None, depth: int) -> str:
        items: list[str] = []
        for key in sorted(value):
            if self.budget.left < 0:
                items.append(f"<li>{MORE}</li>")
                break
            self.budget.left -= len(key)
            child = value[key]
            if is_needs_block(key, child):
                inner = str(needs_html(needs_of(child, f"{path}.{key}", self.links)))
            else:
                inner = self.value(child, f"{path}.{key}", self.labels.child(node, key, self.doc)[0], depth + 1)
            items.append(f"<li>{self.key_html(node, key)}: {inner}</li>")
        return '<ul class="kb-v">' + "".join(items) + "</ul>"

    def key_html(self, node: Node | None, key: str) -> str:
        """A nested key as a reader sees it (data keys in code font, as typed)."""
        if is_data_key(key):
            return f"<code>{_e(key)}</code>"
        return f"<b>{_e(self.labels.label(node, key, self.doc).text)}</b>"

    def top(self, key: str, value: Any) -> tuple[Label, Markup]:
        """Label and HTML of a top-level meta key (dependency blocks as a "needs" list, units added)."""
        root = self.labels.root(self.doc)
        label = self.labels.label(root, key, self.doc)
        if is_needs_block(key, value):
            return label, needs_html(needs_of(value, f"$.{key}", self.links))
        if isinstance(value, str) and CK_SEP in value:
            value = value.replace(CK_SEP, "/")  # CK's portable path separator, shown as a path
        html_text = self.value(value, f"$.{key}", self.labels.child(root, key, self.doc)[0], 0)
        if label.unit and isinstance(value, (int, float)) and not isinstance(value, bool):
            return Label(label.text), Markup(f"{_number(value)} {_e(label.unit)}")
        if label.unit:
            return Label(f"{label.text} ({label.unit})"), Markup(html_text)
        return label, Markup(html_text)


def value_html(value: Any, path: str, links: Mapping[str, Sequence[Link]], budget: _Budget, depth: int = 0,
               module: str = COMMON) -> Markup:  # fmt: skip
    """Compact HTML for any JSON value; references at ``path`` become links to their entries."""
    return Markup(_Renderer(module, links, budget).value(value, path, None, depth))


def render_value(value: Any, path: str, links: Mapping[str, Sequence[Link]], module: str = COMMON) -> Markup:
    """One top-level value within the per-value budget."""
    return Markup(_Renderer(module, links, _Budget(VALUE_BUDGET)).value(value, path, None, 0))


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def key_facts(module: str, meta: Mapping[str, Any], links: Mapping[str, Sequence[Link]]) -> list[Row]:
    """The facts a reader of this type looks for first, in a fixed order (missing ones skipped)."""
    rows = []
    for key in dict.fromkeys(KEY_FACTS.get(module, ()) + COMMON_FACTS):
        if key in meta and _present(meta[key]):
            label, html_value = _Renderer(module, links, _Budget(VALUE_BUDGET)).top(key, meta[key])
            rows.append(Row(key, label.text, html_value))
    return rows


def needs_rows(module: str, meta: Mapping[str, Any], links: Mapping[str, Sequence[Link]]) -> list[Row]:
    """The entry's CK dependency blocks (to compile, to run …), each a "needs" list."""
    rows = []
    for key in sorted(meta):
        if key in DEP_BLOCKS and is_needs_block(key, meta[key]):
            label, html_value = _Renderer(module, links, _Budget(VALUE_BUDGET)).top(key, meta[key])
            rows.append(Row(key, label.text, html_value))
    return rows


def other_rows(module: str, meta: Mapping[str, Any], links: Mapping[str, Sequence[Link]],
               skip: frozenset[str] = frozenset()) -> list[Row]:  # fmt: skip
    """Every remaining top-level key, sorted by label, as readable rows; past TABLE_BUDGET only their labels."""
    needs = {k for k in DEP_BLOCKS if k in meta and is_needs_block(k, meta[k])}
    shown = set(KEY_FACTS.get(module, ()) + COMMON_FACTS) | HIDDEN_KEYS | skip | needs
    labels = schema_labels()
    keys = sorted((k for k in meta if k not in shown), key=lambda k: (labels.top(module, k).text.casefold(), k))
    rows: list[Row] = []
    used = 0
    for index, key in enumerate(keys):
        if used > TABLE_BUDGET:
            rest = ", ".join(labels.top(module, k).text for k in keys[index:])
            rows.append(Row("…", "More", Markup(f"{_e(rest)} {MORE.strip()}")))
            break
        label, html_value = _Renderer(module, links, _Budget(VALUE_BUDGET)).top(key, meta[key])
        row = Row(key, label.text, html_value)
        used += len(row.html)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Metric:
    """One result metric with its unit and which direction is better."""

    name: str
    value: str
    unit: str
    better: str  # "lower", "higher" or ""
    samples: str


def metrics(meta: Mapping[str, Any]) -> list[Metric]:
    """The result schema's ``metrics`` mapping as rows (odd shapes shown as plain values)."""
    raw = meta.get("metrics")
    if not isinstance(raw, dict):
        return []
    rows = []
    for name in sorted(raw):
        item = raw[name]
        if isinstance(item, dict):
            direction = str(item.get("direction", ""))
            rows.append(Metric(name=name, value=_measured(item.get("value")), unit=str(item.get("unit", "")),
                               better=direction if direction in ("lower", "higher") else "",
                               samples=_number(item.get("samples"))))  # fmt: skip
        else:
            rows.append(Metric(name=name, value=_number(item), unit="", better="", samples=""))
    return rows


def _measured(value: Any) -> str:
    """A metric value in the one number format (generator/numbers.py), anything else as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return number(float(value))
    return _number(value)


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
