"""The ``kb`` command line: parses arguments, calls ``generator.ops``, prints, exits."""

from __future__ import annotations
