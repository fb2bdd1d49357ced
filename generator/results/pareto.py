"""Pareto fronts of two metrics, each with its own direction (lower or higher is better)."""

from __future__ import annotations

import math
from collections.abc import Sequence

LOWER = "lower"
HIGHER = "higher"


def _oriented(value: float, direction: str) -> float:
    """Turn a value into a 'lower is better' key."""
    return value if direction == LOWER else -value


def dominates(p: tuple[float, float], q: tuple[float, float], x_dir: str, y_dir: str) -> bool:
    """Whether p is at least as good as q on both axes and strictly better on one."""
    px, py = _oriented(p[0], x_dir), _oriented(p[1], y_dir)
    qx, qy = _oriented(q[0], x_dir), _oriented(q[1], y_dir)
    return px <= qx and py <= qy and (px < qx or py < qy)


def pareto_front(points: Sequence[tuple[float, float]], x_dir: str = LOWER, y_dir: str = HIGHER) -> list[int]:
    """Indices of the non-dominated points, in order of the x axis from best to worst.

    Non-finite points are never on the front. Identical points do not dominate each other, so
    every copy of a front point is kept. Runs in O(n log n) with one sort and one sweep.
    """
    keyed = [
        (_oriented(x, x_dir), _oriented(y, y_dir), i)
        for i, (x, y) in enumerate(points)
        if math.isfinite(x) and math.isfinite(y)
    ]
    keyed.sort()
    front: list[int] = []
    best_before = math.inf  # best y among points with a strictly better x
    start = 0
    while start < len(keyed):
        end = start
        while end < len(keyed) and keyed[end][0] == keyed[start][0]:
            end += 1
        group_best = keyed[start][1]  # sorted by y inside an x group
        if group_best < best_before:
            front.extend(i for _, y, i in keyed[start:end] if y == group_best)
        best_before = min(best_before, group_best)
        start = end
    return front
