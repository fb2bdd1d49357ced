"""Importers: turn other systems' result tables into CK entries (results, platforms, models …)."""

from __future__ import annotations
