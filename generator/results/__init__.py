"""Benchmark results: tables, aggregation, Pareto fronts, reproducibility groups, Vega-Lite specs."""

from __future__ import annotations
