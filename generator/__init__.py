"""Reef KB: a CK-compatible file database and static knowledge portal."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
