"""Reef KB benchmarks: a synthetic KB generator, a measuring harness and one module per topic."""

from __future__ import annotations
