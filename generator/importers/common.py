"""Linking helpers every importer uses: datasets, models, software and the result entry itself."""

from __future__ import annotations

from typing import Any

from generator.importers.naming import slugify, split_version, stable_uid
from generator.importers.sink import EntrySink

DATASETS: dict[str, tuple[str, str]] = {
    "image-classification": ("imagenet-2012-val", "ImageNet 2012 validation set"),
    "object-detection": ("coco-2017-val", "COCO 2017 validation set"),
    "machine-translation": ("wmt16-en-de", "WMT16 English-German"),
}


def ensure_dataset(sink: EntrySink, task: str, namespace: str) -> str:
    """The dataset entry of a task, linked by alias or created."""
    alias, name = DATASETS.get(task, (slugify(f"{task}-dataset"), f"{task} data set"))
    meta = {"tags": ["dataset", task], "name": name, "task": task}
    return sink.ensure("dataset", alias, uid=stable_uid(namespace, "dataset", alias), meta=meta, name=name)


def ensure_software(sink: EntrySink, items: list[str], namespace: str) -> list[dict[str, str]]:
    """Software items as {name, version, soft_uoa}, each soft entry linked by alias or created."""
    pairs = [split_version(item) for item in items]
    return [software_item(sink, name, version, namespace) for name, version in pairs if name]


def software_item(sink: EntrySink, name: str, version: str, namespace: str) -> dict[str, str]:
    """One software item {name, version, soft_uoa}, its soft entry linked by alias or created."""
    alias = slugify(name)
    entry: dict[str, str] = {"name": name}
    if version:
        entry["version"] = version[:80]
    if alias:
        meta = {"tags": ["soft", alias], "soft_name": name, "name": name}
        entry["soft_uoa"] = sink.ensure("soft", alias, uid=stable_uid(namespace, "soft", alias), meta=meta, name=name)
    return entry


def metric(value: float, unit: str, direction: str, **extra: Any) -> dict[str, Any]:
    """A metric dict in the result schema's shape (9 significant digits: costs of 1e-6 $ survive)."""
    return {"value": float(f"{float(value):.9g}"), "unit": unit, "direction": direction, **extra}
