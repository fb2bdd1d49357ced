"""The growth table: one row per figure, one column per size, each cell a ratio to the baseline with our value.

A row's last column says where issue 19's target holds and where it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Found = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """A figure: how to show it for one size and, if it has one, its target as a test on that size."""

    label: str
    cell: Callable[[Found, int], str]
    target: str = ""
    holds: Callable[[Found, int], bool | None] | None = None


def _get(found: Found, step: str, who: str, key: str) -> float | None:
    part = found.get(step, {}).get(who)
    return None if part is None else part.get(key)


def _ratio(found: Found, step: str, key: str = "wall_s") -> float | None:
    ours, base = _get(found, step, "ours", key), _get(found, step, "base", key)
    return None if ours is None or not base else ours / base


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def _vs(step: str, key: str = "wall_s", unit: str = "s") -> Callable[[Found, int], str]:
    def cell(found: Found, size: int) -> str:
        ratio = _ratio(found, step, key)
        ours = _get(found, step, "ours", key)
        return "—" if ratio is None else f"{ratio:.2f}× ({_num(ours, unit)})"

    return cell


def _per_1000(step: str, key: str = "cpu_s") -> Callable[[Found, int], str]:
    def cell(found: Found, size: int) -> str:
        ours, base = _get(found, step, "ours", key), _get(found, step, "base", key)
        text = _num(None if ours is None else ours * 1000 / size)
        return text + ("" if base is None else f" ({_num(base * 1000 / size)})")

    return cell


def _value(step: str, key: str, unit: str) -> Callable[[Found, int], str]:
    return lambda found, size: _num(_get(found, step, "ours", key), unit)


def _site(key: str, unit: str, plain: bool = True) -> Callable[[Found, int], str]:
    def cell(found: Found, size: int) -> str:
        site = found.get("site", {})
        ours, base = site.get("ours", {}).get(key), site.get("plain", {}).get(key)
        return _num(ours, unit) + (f" ({_num(base, unit)})" if plain and base is not None else "")

    return cell


def _at_most(value: Callable[[Found], float | None], limit: float,
             from_size: int = 0) -> Callable[[Found, int], bool | None]:  # fmt: skip
    def holds(found: Found, size: int) -> bool | None:
        got = value(found)
        return None if got is None or size < from_size else got <= limit

    return holds


def _search_speed(step: str) -> Callable[[Found], float | None]:
    return lambda found: _ratio(found, step)


ROWS = [
    Row("kb build / plain MkDocs Material + search, wall", _vs("build"), "≤ 0.6×",
        _at_most(lambda f: _ratio(f, "build"), 0.6)),
    Row("kb build / plain, CPU (user+sys)", _vs("build", "cpu_s", "CPU s"), "≤ 0.8×",
        _at_most(lambda f: _ratio(f, "build", "cpu_s"), 0.8)),
    Row("kb build CPU s per 1,000 entries (plain)", _per_1000("build"), "flat ±25 %"),
    Row("kb build peak memory", _vs("build", "peak_mb", "MB")),
    Row("kb validate / check-jsonschema, wall", _vs("validate"), "≤ 0.5×",
        _at_most(lambda f: _ratio(f, "validate"), 0.5)),
    Row("kb validate CPU s per 1,000 entries (check-jsonschema)", _per_1000("validate"), "flat ±25 %"),
    Row("kb validate peak memory", _value("validate", "peak_mb", "MB"), "< 1 GB at 30k",
        _at_most(lambda f: _get(f, "validate", "ours", "peak_mb"), 1024)),
    Row("kb list / ck list, whole process", _vs("list"), "≤ 1.2×", _at_most(lambda f: _ratio(f, "list"), 1.2)),
    Row("kb search tag:… / ck search --tags, whole process", _vs("search_tag"), "≤ 0.33× from 3k",
        _at_most(_search_speed("search_tag"), 1 / 3, 3_000)),
    Row("kb search word / ck search --search_string, whole process", _vs("search_text"), "≤ 0.33× from 3k",
        _at_most(_search_speed("search_text"), 1 / 3, 3_000)),
    Row("kb search CPU incl. background / ck CPU (text query)", _vs("search_text", "cpu_s", "CPU s")),
    Row("kb build --dirty, nothing changed", _value("dirty_unchanged", "wall_s", "s")),
    Row("kb build --dirty after one edit", _value("dirty", "wall_s", "s"), "< 3 s at 10k",
        lambda f, n: None if n != 10_000 else _at_most(lambda g: _get(g, "dirty", "ours", "wall_s"), 3.0)(f, n)),
    Row("first kb search (builds the index)", _value("first_search", "wall_s", "s"), "< 5 s at 10k",
        lambda f, n: None if n != 10_000 else _at_most(lambda g: _get(g, "first_search", "ours", "wall_s"), 5.0)(f, n)),
    Row("site size per entry (plain)", _site("kb_per_entry", "kB")),
    Row("site size", _site("mb", "MB"), "< 1 GB at 50k",
        lambda f, n: None if n < 50_000 else f.get("site", {}).get("ours", {}).get("mb", 0) < 1000),
    Row("site files per entry (plain)", _site("files_per_entry", ""), "≤ 3",
        _at_most(lambda f: f.get("site", {}).get("ours", {}).get("files_per_entry"), 3.0)),
    Row("largest page (plain)", _site("max_page_kb", "kB"), "≤ 100 kB",
        _at_most(lambda f: f.get("site", {}).get("ours", {}).get("max_page_kb"), 100.0)),
    Row("median page (plain)", _site("median_page_kb", "kB"), "≤ 30 kB",
        _at_most(lambda f: f.get("site", {}).get("ours", {}).get("median_page_kb"), 30.0)),
]  # fmt: skip


def _short(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


def _holds(row: Row, by_size: dict[int, Found]) -> str:
    if row.holds is None:
        return "—"
    misses = [_short(n) for n, f in by_size.items() if row.holds(f, n) is False]
    checked = [n for n, f in by_size.items() if row.holds(f, n) is not None]
    if not checked:
        return "—"
    return "yes" if not misses else "NO at " + ", ".join(misses)


def rows_of(found_by_size: dict[int, Found]) -> list[list[str]]:
    """The table's rows for one profile: label, one cell per size, target, holds."""
    return [[row.label, *(row.cell(f, n) for n, f in found_by_size.items()), row.target or "—",
             _holds(row, found_by_size)] for row in ROWS]  # fmt: skip


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths)), *(fmt.format(*r) for r in rows)])


def render(report: dict[str, Any], *, markdown: bool = False) -> str:
    """Every profile's table, with the load averages seen while measuring."""
    parts = []
    for profile, by_size in report.get("profiles", {}).items():
        found = {int(n): f for n, f in by_size.items()}
        loads = [x for f in found.values() for x in (f.get("load_before", [0])[0], f.get("load_after", [0])[0])]
        header = [f"profile {profile}", *(_short(n) for n in found), "target", "holds?"]
        parts.append(_table(header, rows_of(found), markdown))
        if loads:
            parts.append(f"load average (1 min) while measuring profile {profile}: {min(loads):.1f}–{max(loads):.1f}"
                         f" on {report.get('cpus', '?')} cores")  # fmt: skip
    return "\n\n".join(parts)
