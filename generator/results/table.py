"""Result entries flattened into rows: what ran, where, with which software, and the metrics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.numbers import finite
from generator.results.identity import BenchmarkId, configuration_text, run_facts, titles_by_benchmark
from generator.sitepaths import UnservableName, entry_url

RESULT_MODULE = "result"
DIRECTIONS = ("lower", "higher")
CPU_ONLY = "CPU only"  # a run's accelerator when it used none


@dataclass(frozen=True)
class Metric:
    """One measured value with unit and direction; samples when repeats were recorded."""

    value: float
    unit: str
    direction: str
    samples: tuple[float, ...] = ()
    low: float | None = None  # the spread of the measurement (min/max), for error bars
    high: float | None = None
    primary: bool | None = None  # None: decided from the name (see is_primary)

    def better(self, other: float) -> bool:
        """Whether this value beats another value of the same metric."""
        return self.value < other if self.direction == "lower" else self.value > other


_STATISTIC = re.compile(r"^(?P<base>.+?)[_#.-](?:min|max|mean|avg|average|median|stdev|std|sd|var|variance|range|"
                        r"halfrange|center|spread)$", re.IGNORECASE)  # fmt: skip
_SPREAD = re.compile(r"[_#.-](?:stdev|std|sd|var|variance|range|halfrange|spread)$", re.IGNORECASE)


_ACCURACY = re.compile(r"accuracy|top.?[15]|map\b|^map|precision|recall|bleu|f1", re.IGNORECASE)


def is_accuracy(name: str) -> bool:
    """Whether a metric's name says it measures quality (accuracy, top-1, mAP, BLEU …)."""
    return bool(_ACCURACY.search(name))


def is_primary(name: str, metric: Metric, names: Mapping[str, object]) -> bool:
    """Whether leaderboards rank this metric: as its meta says, else unless it is a statistic of
    another metric of the result (``latency_mean`` next to ``latency``) or a spread (``_stdev``)."""
    if metric.primary is not None:
        return metric.primary
    if _SPREAD.search(name):
        return False
    match = _STATISTIC.match(name)
    return not (match and match["base"] in names)


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
    reference_model: str = ""
    division: str = ""
    category: str = ""
    quality_target: str = ""
    precision: str = ""
    framework: str = ""
    platform_class: str = ""
    configuration: str = ""  # canonical text of every configuration key (identity.configuration_text)
    facts: tuple[tuple[str, str], ...] = ()  # what may tell runs apart (identity.run_facts), in order
    tolerance: float | None = None  # the benchmark's reproducibility tolerance in percent, if stated

    @property
    def identity(self) -> BenchmarkId:
        """The benchmark this result belongs to (its dashboard)."""
        return BenchmarkId(self.benchmark, self.reference_model, self.scenario, self.division, self.dataset.uoa,
                           self.quality_target)  # fmt: skip

    @property
    def dashboard_key(self) -> BenchmarkId:
        """Which dashboard the row belongs to: its benchmark identity."""
        return self.identity


def parse_metric(raw: Any) -> Metric | None:
    """A metric from meta, or None when the value is missing or not a finite number."""
    if not isinstance(raw, dict):
        return None
    value = finite(raw.get("value"))
    if value is None:
        return None
    direction = raw.get("direction") if raw.get("direction") in DIRECTIONS else "higher"
    samples = raw.get("samples") if isinstance(raw.get("samples"), list) else []
    clean = tuple(s for s in map(finite, samples) if s is not None)
    low, high = finite(raw.get("min")), finite(raw.get("max"))
    if low is not None and high is not None and not low <= value <= high:
        low = high = None  # a spread that does not hold the value is not a spread
    primary = raw.get("primary") if isinstance(raw.get("primary"), bool) else None
    return Metric(value, str(raw.get("unit") or ""), str(direction), clean, low, high, primary)


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


def _first_software_name(meta: dict[str, Any]) -> str:
    items = meta.get("software")
    first = items[0] if isinstance(items, list) and items else None
    return first["name"].strip() if isinstance(first, dict) and isinstance(first.get("name"), str) else ""


def _platform_class(meta: dict[str, Any]) -> str:
    """The platform's class (mobile, embedded, edge, desktop, datacenter …), its first form factor."""
    factors = meta.get("form_factor")
    if isinstance(factors, list) and factors and isinstance(factors[0], str):
        return factors[0].strip()
    return _text(meta, "form_factor") or _text(meta, "platform_class")


def _tolerance(meta: dict[str, Any]) -> float | None:
    value = finite(meta.get("reproducibility_tolerance"))
    return value if value is not None and value > 0 else None


def run_accelerator(result: dict[str, Any], platform: dict[str, Any]) -> str:
    """What the run computed on: the result's own accelerator ('none' reads 'CPU only'); when it says
    nothing, 'CPU only' on a platform without an accelerator and '' (unknown) on one with: a board's
    GPU is never named for a run that may not have used it."""
    stated = _text(result, "accelerator")
    if stated.casefold() in ("none", "cpu", "cpu only", "no"):
        return CPU_ONLY
    if stated:
        return stated
    return "" if _text(platform, "accelerator").casefold() not in ("", "none") else CPU_ONLY


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
    """Site-relative page folder of an entry when no repository repeats its name ('' if it has none)."""
    try:
        return entry_url(entry.ref.module, entry.ref.uoa)
    except UnservableName:
        return ""


def row_from_entry(entry: Entry, resolver: _Resolver) -> ResultRow | None:
    """A row for one result entry, or None when it has no benchmark or no usable metric."""
    meta = entry.meta
    raw_metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    metrics = {str(k): m for k, v in raw_metrics.items() if (m := parse_metric(v)) is not None}
    benchmark = _text(meta, "benchmark")
    if not benchmark or not metrics:
        return None
    platform, platform_entry = resolver.get("platform", _text(meta, "platform_uoa"))
    accelerator = run_accelerator(meta, platform_entry.meta if platform_entry is not None else {})
    hardware = _hardware(platform_entry.meta) if platform_entry is not None else ""
    software = _software(meta)
    facts = run_facts(meta)
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
        software=software,
        accelerator=accelerator,
        hardware=hardware or platform.uoa,
        metrics=metrics,
        reference_model=_text(meta, "reference_model"),
        division=_text(meta, "division"),
        category=_text(meta, "category"),
        quality_target=_text(meta, "quality_target"),
        precision=_text(meta, "precision"),
        framework=_text(meta, "framework") or _first_software_name(meta),
        platform_class=_platform_class(platform_entry.meta) if platform_entry is not None else "",
        configuration=configuration_text(meta, facts),
        facts=tuple(facts.items()),
        tolerance=_tolerance(meta),
    )


def rows_from_entries(corpus: Corpus, entries: Iterable[Entry], url_of: Any = default_url) -> list[ResultRow]:
    """Rows for the given result entries (entries without metrics are skipped)."""
    resolver = _Resolver(corpus, url_of)
    found = [(e, row) for e in entries if e.ref.module == RESULT_MODULE and (row := row_from_entry(e, resolver))]
    named = [{**e.meta, "platform_uoa": row.platform.name or row.platform.uoa, "model_uoa": row.model.name
              or row.model.uoa} for e, row in found]  # titles name platforms and models as readers see them
    return distinct_rows([row for _, row in found], named)


def distinct_rows(rows: list[ResultRow], metas: list[dict[str, Any]]) -> list[ResultRow]:
    """The rows with titles no two results of one benchmark share (run identity)."""
    titles = titles_by_benchmark(metas, [r.title for r in rows])
    return [r if r.title == t else replace(r, title=t) for r, t in zip(rows, titles, strict=True)]


def rows_from_corpus(corpus: Corpus, url_of: Any = default_url) -> list[ResultRow]:
    """Rows for every result entry of a corpus."""
    return rows_from_entries(corpus, corpus.of_module(RESULT_MODULE), url_of)
