"""Guesses for metrics whose table gives no unit or direction (generic CK dashboards, experiments)."""

from __future__ import annotations

import re

_LOWER = re.compile(r"time|latency|_ms\b|_s\b|memory|size|energy|power|error|loss|wer|price|cost", re.IGNORECASE)
_ACCURACY = re.compile(r"accuracy|top.?[15]|map\b|^map|precision|recall|bleu|f1", re.IGNORECASE)


def direction_of(name: str) -> str:
    """'lower' for times, sizes, energy and errors; 'higher' for everything else."""
    if _ACCURACY.search(name):
        return "higher"
    return "lower" if _LOWER.search(name) else "higher"


def unit_of(name: str) -> str:
    """A unit read from the metric's name, or '1' when none can be told."""
    lowered = name.lower()
    for suffix, unit in (
        ("_ms", "ms"),
        ("_us", "us"),
        ("_s", "s"),
        ("_mbytes", "MB"),
        ("_mb", "MB"),
        ("_bytes", "B"),
        ("_w", "W"),
        ("_fps", "frames/s"),
    ):
        if lowered.endswith(suffix):
            return unit
    if "time" in lowered:
        return "s"
    if _ACCURACY.search(lowered):
        return "fraction"
    return "1"
