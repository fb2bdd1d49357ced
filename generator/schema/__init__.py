"""JSON Schemas for entries and the checks that apply them."""

from __future__ import annotations
