"""Entry meta shown readably: key facts per type first, then the rest as a compact table.

Values become escaped HTML here (one pass in Python is faster than recursive templates and keeps
the markup lean). Every string is escaped; URLs are linked only for http(s); a value that is
exactly one ``<a href="http…">text</a>`` (the MLPerf rows' ``Details``/``Code`` columns) becomes
a sanitized link, anything else with markup is shown as text. Big values stop at a character
budget and point to the raw JSON.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from generator.numbers import number

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


def _value(value: Any, path: str, links: Mapping[str, list[Link]], budget: _Budget, depth: int) -> str:
    """Compact HTML (a str, escaped here) for any JSON value; references become links."""
    if links:
        targets = links.get(path)
        if targets and isinstance(value, str):
            return ", ".join(_link(t.href, t.text, False) for t in targets)
    if not isinstance(value, (dict, list)):
        out = _scalar(value)
        budget.left -= len(out)
        return out
    if not value:
        return "<i>empty</i>"
    if depth >= 2:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text = text if len(text) <= 160 else text[:160] + "…"
        budget.left -= len(text)
        return f"<code>{_e(text)}</code>"
    if isinstance(value, list):
        return _list(value, path, links, budget, depth)
    return _dict(value, path, links, budget, depth)


def _list(value: list[Any], path: str, links: Mapping[str, list[Link]], budget: _Budget, depth: int) -> str:
    parts: list[str] = []
    for index, item in enumerate(value):
        if budget.left < 0:
            return ", ".join(parts) + MORE
        parts.append(_value(item, f"{path}[{index}]", links, budget, depth + 1))
    if not any(isinstance(v, (dict, list)) for v in value):
        return ", ".join(parts)
    return '<ol class="kb-v">' + "".join(f"<li>{p}</li>" for p in parts) + "</ol>"


def _dict(value: dict[str, Any], path: str, links: Mapping[str, list[Link]], budget: _Budget, depth: int) -> str:
    items: list[str] = []
    for key in sorted(value):
        if budget.left < 0:
            items.append(f"<li>{MORE}</li>")
            break
        budget.left -= len(key)
        inner = _value(value[key], f"{path}.{key}", links, budget, depth + 1)
        items.append(f"<li><b>{_e(key)}</b>: {inner}</li>")
    return '<ul class="kb-v">' + "".join(items) + "</ul>"


def value_html(value: Any, path: str, links: Mapping[str, list[Link]], budget: _Budget,
               depth: int = 0) -> Markup:  # fmt: skip
    """Compact HTML for any JSON value; references at ``path`` become links to their entries."""
    return Markup(_value(value, path, links, budget, depth))


def render_value(value: Any, path: str, links: Mapping[str, list[Link]]) -> Markup:
    """One top-level value within the per-value budget."""
    return Markup(_value(value, path, links, _Budget(VALUE_BUDGET), 0))


def key_facts(module: str, meta: Mapping[str, Any], links: Mapping[str, list[Link]]) -> list[Row]:
    """The facts a reader of this type looks for first, in a fixed order (missing ones skipped)."""
    rows = []
    for key, label in KEY_FACTS.get(module, ()) + COMMON_FACTS:
        if key in meta and meta[key] not in (None, "", [], {}):
            value = meta[key]
            if isinstance(value, str) and CK_SEP in value:
                value = value.replace(CK_SEP, "/")  # CK's portable path separator, shown as a path
            rows.append(Row(key, label, render_value(value, f"$.{key}", links)))
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
