"""Entry meta shown readably: key facts per type first, then the rest as a compact table.

Values become escaped HTML here (one pass in Python is faster than recursive templates and keeps
the markup lean). Every string is escaped; URLs are linked only for http(s); a value that is
exactly one ``<a href="http…">text</a>`` (the MLPerf rows' ``Details``/``Code`` columns) becomes
a sanitized link, anything else with markup is shown as text. Big values stop at a character
budget and point to the raw JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

# Key facts per type, in display order (labels are the schema's meaning in a few words).
KEY_FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "model": (("task", "Task"), ("framework", "Framework"), ("architecture", "Architecture"),
              ("input_resolution", "Input resolution"), ("precision", "Precision"),
              ("dataset_uoa", "Dataset")),
    "result": (("benchmark", "Benchmark"), ("scenario", "Scenario"), ("platform_uoa", "Platform"),
               ("model_uoa", "Model"), ("dataset_uoa", "Dataset"), ("program_uoa", "Program"),
               ("submitter", "Submitter"), ("date", "Date"), ("software", "Software")),
    "dataset": (("task", "Task"), ("size", "Samples"), ("url", "Download"),
                ("dataset_files", "Files")),
    "platform": (("vendor", "Vendor"), ("processor", "Processor"), ("processor_count", "Processors"),
                 ("accelerator", "Accelerator"), ("accelerator_count", "Accelerators"),
                 ("memory", "Memory"), ("os", "OS"), ("form_factor", "Form factor")),
    "program": (("main_language", "Language"), ("source_files", "Source files"),
                ("program", "CK program")),
    "soft": (("soft_name", "Software"), ("soft_uoa", "Specialises"), ("auto_detect", "Auto-detect"),
             ("only_for_host_os_tags", "Host OS"), ("only_for_target_os_tags", "Target OS")),
    "package": (("package_name", "Package"), ("soft_uoa", "Detected by"),
                ("process_script", "Install script"), ("suggested_path", "Suggested path"),
                ("end_full_path_universal", "Installs"), ("only_for_host_os_tags", "Host OS")),
    "script": (("script_name", "Script"), ("desc", "What it does")),
    "experiment": (("pipeline_uoa", "Pipeline"), ("subtags", "Subtags"), ("points", "Points")),
    "solution": (("workflow", "Workflow"), ("workflow_cmd", "Command"), ("host_os", "Host OS"),
                 ("target_os", "Target OS"), ("device_id", "Device"),
                 ("python_version", "Python"), ("result_data_uoa", "Results")),
    "paper": (("title", "Title"), ("authors", "Authors"), ("venue", "Venue"), ("year", "Year"),
              ("doi", "DOI"), ("url", "Read it")),
}  # fmt: skip
COMMON_FACTS = (("version", "Version"), ("license", "License"))
# Shown elsewhere on the page, never in the table.
HIDDEN_KEYS = frozenset({"tags", "status", "name", "data_name", "description", "backup_data_uid",
                         "backup_module_uid", "backup_module_uoa"})  # fmt: skip
VALUE_BUDGET = 1_200  # characters of HTML per top-level value before "see raw JSON"
TABLE_BUDGET = 5_000  # characters of HTML for the whole details table
_LONE_ANCHOR = re.compile(r'^\s*<a\s+href\s*=\s*"(https?://[^"<>\s]+)"\s*>([^<>]{0,200})</a>\s*$', re.I)
_URL = re.compile(r"^https?://[^\s<>\"']+$")
MORE = Markup(' <span class="kb-more">… see the raw JSON</span>')


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


def link_html(href: str, text: str, *, external: bool = False) -> Markup:
    """An escaped anchor; external links get rel=nofollow and are http(s) only."""
    rel = ' rel="nofollow noopener noreferrer"' if external else ""
    return Markup(f'<a href="{escape(href)}"{rel}>{escape(text)}</a>')


def string_html(text: str) -> Markup:
    """A string value: a link when it is an http(s) URL or one plain anchor, else escaped text."""
    if _URL.match(text):
        return link_html(text, text, external=True)
    anchor = _LONE_ANCHOR.match(text)
    if anchor:
        return link_html(anchor.group(1), anchor.group(2) or anchor.group(1), external=True)
    return escape(text if len(text) <= 400 else text[:400] + "…")


def _scalar_html(value: Any) -> Markup:
    if value is None:
        return Markup("<i>none</i>")
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    if isinstance(value, (int, float)):
        return escape(repr(value) if isinstance(value, float) else str(value))
    return string_html(str(value))


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def value_html(value: Any, path: str, links: Mapping[str, list[Link]], budget: _Budget,
               depth: int = 0) -> Markup:  # fmt: skip
    """Compact HTML for any JSON value; references at ``path`` become links to their entries."""
    targets = links.get(path)
    if targets and isinstance(value, str):
        return Markup(", ").join(link_html(t.href, t.text) for t in targets)
    if _is_scalar(value):
        out = _scalar_html(value)
        budget.take(out)
        return out
    if depth >= 2:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text = text if len(text) <= 160 else text[:160] + "…"
        budget.take(text)
        return Markup("<code>%s</code>") % text
    if isinstance(value, list):
        return _list_html(value, path, links, budget, depth)
    return _dict_html(value, path, links, budget, depth)


def _list_html(value: list[Any], path: str, links: Mapping[str, list[Link]], budget: _Budget,
               depth: int) -> Markup:  # fmt: skip
    if not value:
        return Markup("<i>empty</i>")
    parts: list[Markup] = []
    for index, item in enumerate(value):
        if budget.left < 0:
            return Markup(", ").join(parts) + MORE
        parts.append(value_html(item, f"{path}[{index}]", links, budget, depth + 1))
    if all(_is_scalar(v) for v in value):
        return Markup(", ").join(parts)
    return Markup('<ol class="kb-v">%s</ol>') % Markup("").join(Markup("<li>%s</li>") % p for p in parts)


def _dict_html(value: dict[str, Any], path: str, links: Mapping[str, list[Link]], budget: _Budget,
               depth: int) -> Markup:  # fmt: skip
    if not value:
        return Markup("<i>empty</i>")
    items: list[Markup] = []
    for key in sorted(value):
        if budget.left < 0:
            items.append(Markup("<li>%s</li>") % MORE)
            break
        budget.take(key)
        inner = value_html(value[key], f"{path}.{key}", links, budget, depth + 1)
        items.append(Markup("<li><b>%s</b>: %s</li>") % (key, inner))
    return Markup('<ul class="kb-v">%s</ul>') % Markup("").join(items)


def render_value(value: Any, path: str, links: Mapping[str, list[Link]]) -> Markup:
    """One top-level value within the per-value budget."""
    return value_html(value, path, links, _Budget(VALUE_BUDGET))


def key_facts(module: str, meta: Mapping[str, Any], links: Mapping[str, list[Link]]) -> list[Row]:
    """The facts a reader of this type looks for first, in a fixed order (missing ones skipped)."""
    rows = []
    for key, label in KEY_FACTS.get(module, ()) + COMMON_FACTS:
        if key in meta and meta[key] not in (None, "", [], {}):
            rows.append(Row(key, label, render_value(meta[key], f"$.{key}", links)))
    return rows


def other_rows(module: str, meta: Mapping[str, Any], links: Mapping[str, list[Link]],
               skip: frozenset[str] = frozenset()) -> list[Row]:  # fmt: skip
    """Every remaining top-level key, sorted, as readable rows; past TABLE_BUDGET only key names."""
    shown = {k for k, _ in KEY_FACTS.get(module, ()) + COMMON_FACTS} | HIDDEN_KEYS | skip
    rows: list[Row] = []
    used = 0
    keys = [k for k in sorted(meta) if k not in shown]
    for index, key in enumerate(keys):
        if used > TABLE_BUDGET:
            rest = Markup(", ").join(Markup("<code>%s</code>") % k for k in keys[index:])
            rows.append(Row("…", "…", Markup("More keys, in the raw JSON: ") + rest))
            break
        row = Row(key, key, render_value(meta[key], f"$.{key}", links))
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
            rows.append(Metric(name=name, value=_number(item.get("value")), unit=str(item.get("unit", "")),
                               better=direction if direction in ("lower", "higher") else "",
                               samples=_number(item.get("samples"))))  # fmt: skip
        else:
            rows.append(Metric(name=name, value=_number(item), unit="", better="", samples=""))
    return rows


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
