"""Result entries flattened into rows: what ran, where, with which software, and the metrics."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.model import Entry

RESULT_MODULE = "result"
DIRECTIONS = ("lower", "higher")


@dataclass(frozen=True)
class Metric:
    """One measured value with unit and direction; samples when repeats were recorded."""

    value: float
    unit: str
    direction: str
    samples: tuple[float, ...] = ()

    def better(self, other: float) -> bool:
        """Whether this value beats another value of the same metric."""
        return self.value < other if self.direction == "lower" else self.value > other


@dataclass(frozen=True)
class Component:
    """A referenced entry as a result row shows it: the reference, a name and its page URL."""

    uoa: str = ""
    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class ResultRow:
    """One result entry as a flat, typed row (the input of every chart and table)."""

    uid: str
    uoa: str
    url: str
    title: str
    benchmark: str
    scenario: str
    platform: Component
    model: Component
    dataset: Component
    program: Component
    submitter: str
    date: str
    software: tuple[str, ...]
    accelerator: str
    hardware: str
    metrics: dict[str, Metric] = field(default_factory=dict, hash=False, compare=False)

    @property
    def dashboard_key(self) -> tuple[str, str]:
        """Which dashboard the row belongs to: benchmark and scenario."""
        return (self.benchmark, self.scenario)


def parse_metric(raw: Any) -> Metric | None:
    """A metric from meta, or None when the value is missing or not a finite number."""
    if not isinstance(raw, dict):
        return None
    value = raw.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    direction = raw.get("direction") if raw.get("direction") in DIRECTIONS else "higher"
    samples = raw.get("samples") if isinstance(raw.get("samples"), list) else []
    clean = tuple(
        float(s) for s in samples if isinstance(s, (int, float)) and not isinstance(s, bool) and math.isfinite(s)
    )
    return Metric(float(value), str(raw.get("unit") or ""), str(direction), clean)


def _text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return value.strip() if isinstance(value, str) else ""


def _software(meta: dict[str, Any]) -> tuple[str, ...]:
    items = meta.get("software") if isinstance(meta.get("software"), list) else []
    names = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            version = item.get("version")
            names.append(f"{item['name']} {version}".strip() if isinstance(version, str) else item["name"])
    return tuple(names)


def _hardware(meta: dict[str, Any]) -> str:
    """A signature of the hardware a platform entry describes (same hardware, same signature)."""
    parts = [
        str(meta.get(k, "")).strip().casefold()
        for k in ("processor", "processor_count", "accelerator", "accelerator_count")
    ]
    return "|".join(parts) if any(parts[0::2]) else ""


class _Resolver:
    """Looks up referenced entries once per (module, uoa)."""

    def __init__(self, corpus: Corpus, url_of: Any) -> None:
        self.corpus = corpus
        self.url_of = url_of
        self.cache: dict[tuple[str, str], tuple[Component, Entry | None]] = {}

    def get(self, module: str, uoa: str) -> tuple[Component, Entry | None]:
        key = (module, uoa)
        if key not in self.cache:
            found = self.corpus.lookup(module, uoa) if uoa else []
            entry = found[0] if len(found) == 1 else None
            comp = Component(uoa, entry.name if entry else uoa, self.url_of(entry) if entry else "")
            self.cache[key] = (comp, entry)
        return self.cache[key]


def default_url(entry: Entry) -> str:
    """Site-relative page folder of an entry (same rule as the portal's component pages)."""
    return f"{entry.ref.module}/{entry.ref.uoa}/"


def row_from_entry(entry: Entry, resolver: _Resolver) -> ResultRow | None:
    """A row for one result entry, or None when it has no benchmark or no usable metric."""
    meta = entry.meta
    raw_metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    metrics = {str(k): m for k, v in raw_metrics.items() if (m := parse_metric(v)) is not None}
    benchmark = _text(meta, "benchmark")
    if not benchmark or not metrics:
        return None
    platform, platform_entry = resolver.get("platform", _text(meta, "platform_uoa"))
    accelerator = _text(meta, "accelerator")
    if not accelerator and platform_entry is not None:
        accelerator = _text(platform_entry.meta, "accelerator") or _text(platform_entry.meta, "processor")
    hardware = _hardware(platform_entry.meta) if platform_entry is not None else ""
    return ResultRow(
        uid=entry.ref.uid,
        uoa=entry.ref.uoa,
        url=resolver.url_of(entry),
        title=entry.name,
        benchmark=benchmark,
        scenario=_text(meta, "scenario"),
        platform=platform,
        model=resolver.get("model", _text(meta, "model_uoa"))[0],
        dataset=resolver.get("dataset", _text(meta, "dataset_uoa"))[0],
        program=resolver.get("program", _text(meta, "program_uoa"))[0],
        submitter=_text(meta, "submitter"),
        date=_text(meta, "date")[:10],
        software=_software(meta),
        accelerator=accelerator or "none",
        hardware=hardware or platform.uoa,
        metrics=metrics,
    )


def rows_from_entries(corpus: Corpus, entries: Iterable[Entry], url_of: Any = default_url) -> list[ResultRow]:
    """Rows for the given result entries (entries without metrics are skipped)."""
    resolver = _Resolver(corpus, url_of)
    rows = [row_from_entry(e, resolver) for e in entries if e.ref.module == RESULT_MODULE]
    return [r for r in rows if r is not None]


def rows_from_corpus(corpus: Corpus, url_of: Any = default_url) -> list[ResultRow]:
    """Rows for every result entry of a corpus."""
    return rows_from_entries(corpus, corpus.of_module(RESULT_MODULE), url_of)
