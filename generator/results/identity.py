"""Benchmark identity (which results may be compared at all) and run identity (titles that tell a
benchmark's results apart). Pure functions of result metas, shared by the importers and the portal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Result meta keys that make up a benchmark's identity, in the order titles name them.
IDENTITY_KEYS = ("benchmark", "reference_model", "scenario", "division", "dataset_uoa", "quality_target")
# Result meta keys that describe how a run was configured, besides its ``configuration`` dict.
RUN_KEYS = ("precision", "batch_size", "threads")
# What ran and where: usually named by the title already, appended only when two runs differ in it.
SUBJECT_KEYS = (("model_uoa", "model"), ("platform_uoa", "platform"))
SEPARATOR = " · "


@dataclass(frozen=True, order=True)
class BenchmarkId:
    """What a result was measured against: results of different identities are never ranked together.

    ``reference_model`` is set where the suite fixes the model (MLPerf's ResNet-50 and MobileNet are
    separate benchmarks); design-space studies leave it empty and compare models inside one benchmark.
    """

    benchmark: str
    reference_model: str = ""
    scenario: str = ""
    division: str = ""
    dataset: str = ""
    quality_target: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The non-empty parts, benchmark first (a readable, unique text of the identity)."""
        fields = (self.benchmark, self.reference_model, self.scenario, self.division, self.dataset,
                  self.quality_target)  # fmt: skip
        return tuple(part for part in fields if part)

    @property
    def text(self) -> str:
        """All parts in one line: 'mlperf-inference-v0.5/image-classification · resnet50-v1.5 · …'."""
        return SEPARATOR.join(self.parts)


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key)
    if isinstance(value, str):
        return value if value.isprintable() and value.strip() == value and "  " not in value \
            else " ".join(value.split())  # fmt: skip
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(value)


def benchmark_id(meta: Mapping[str, Any]) -> BenchmarkId:
    """The benchmark identity a result meta declares (missing parts are empty)."""
    return BenchmarkId(*(_text(meta, key) for key in IDENTITY_KEYS))


def _label(key: str) -> str:
    return key.replace("_", " ").replace("#", " ").strip()


def _software(meta: Mapping[str, Any]) -> str:
    items = meta.get("software") if isinstance(meta.get("software"), list) else []
    names = [" ".join(p for p in (_text(i, "name"), _text(i, "version")) if p) for i in items if isinstance(i, dict)]
    return ", ".join(n for n in names if n)


def run_facts(meta: Mapping[str, Any]) -> dict[str, str]:
    """What may tell two runs of one benchmark apart, most telling first: the configuration keys,
    precision, batch size, threads, the model and platform, the software stack, the submitter and
    the date."""
    facts: dict[str, str] = {}
    config = meta.get("configuration")
    if isinstance(config, dict):
        for key in sorted(config):
            if value := _text(config, key):
                facts[_label(str(key))] = value
    for key in RUN_KEYS:
        if value := _text(meta, key):
            facts[_label(key)] = value
    for key, label in SUBJECT_KEYS:
        if value := _text(meta, key):
            facts[label] = value
    if software := _software(meta):
        facts["software"] = software
    for key in ("submitter", "date"):
        if value := _text(meta, key):
            facts[key] = value
    return facts


def configuration_text(meta: Mapping[str, Any], facts: Mapping[str, str] | None = None) -> str:
    """The configuration keys and run keys of a meta as one canonical text (for grouping); pass
    the meta's ``run_facts`` when they are at hand."""
    found = run_facts(meta) if facts is None else facts
    skip = ("submitter", "date", "model", "platform")  # who and when; model and platform are keyed apart
    return "|".join(f"{k}={v}" for k, v in sorted(found.items()) if k not in skip)


def _suffix(facts: Mapping[str, str], keys: Sequence[str]) -> str:
    return ", ".join(f"{key} {facts[key]}" for key in keys if facts.get(key))


Facts = Sequence[Mapping[str, str]] | Callable[[int], Mapping[str, str]]


def distinct_titles(bases: Sequence[str], facts: Facts) -> list[str]:
    """Titles for the runs of one benchmark that no two runs share.

    Runs whose base titles are alike get the facts that vary among them appended (in the facts'
    own order: configuration keys first); runs that are still alike then (true repeats) are numbered.
    ``facts`` may be a function of the run's index: only runs with alike titles need theirs.
    """
    fact = facts if callable(facts) else facts.__getitem__
    titles = list(bases)
    alike: dict[str, list[int]] = defaultdict(list)
    for index, base in enumerate(bases):
        alike[base.casefold()].append(index)
    for members in alike.values():
        if len(members) < 2:
            continue
        known = {i: fact(i) for i in members}
        keys = list(dict.fromkeys(k for i in members for k in known[i]))
        varying = [k for k in keys if len({known[i].get(k, "") for i in members}) > 1]
        for i in members:
            if suffix := _suffix(known[i], varying):
                titles[i] = f"{bases[i]}{SEPARATOR}{suffix}"
    return _numbered(titles)


def _numbered(titles: list[str]) -> list[str]:
    """Number the titles still shared (the first keeps its title); always terminates."""
    taken = {t.casefold() for t in titles}
    seen: set[str] = set()
    out = []
    for title in titles:
        if title.casefold() in seen:
            number = 2
            while f"{title} #{number}".casefold() in taken:
                number += 1
            title = f"{title} #{number}"
            taken.add(title.casefold())
        seen.add(title.casefold())
        out.append(title)
    return out


def titles_by_benchmark(metas: Sequence[Mapping[str, Any]], bases: Sequence[str]) -> list[str]:
    """Distinct titles for result metas, computed within each benchmark identity."""
    groups: dict[BenchmarkId, list[int]] = defaultdict(list)
    for index, meta in enumerate(metas):
        groups[benchmark_id(meta)].append(index)
    titles = list(bases)
    for members in groups.values():
        found = distinct_titles([bases[i] for i in members], lambda k, m=members: run_facts(metas[m[k]]))
        for index, title in zip(members, found, strict=True):
            titles[index] = title
    return titles
