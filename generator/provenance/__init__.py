"""Git-backed provenance: the only package that imports GitPython."""

from __future__ import annotations
