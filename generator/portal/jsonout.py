"""Every JSON file and JSON script the portal publishes is written by ``dumps``: strict JSON only.

Python's json writes ``NaN`` and ``Infinity`` (not JSON: ``JSON.parse`` and strict readers fail on
them) unless told otherwise; a value that reached the build as ``1e999`` must be refused with a
diagnostic, never published as ``Infinity`` (issue 14).
"""

from __future__ import annotations

import json
from typing import Any

from generator.errors import GeneratorError


class UnwritableOutput(GeneratorError):
    """Content that cannot be written as strict JSON (a NaN or infinite number)."""


def dumps(data: Any, *, sort_keys: bool = False) -> str:
    """Compact strict JSON, non-ASCII kept (the C encoder: ``indent`` would switch to the slow one)."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=sort_keys)
    except ValueError as exc:
        raise UnwritableOutput(f"cannot write strict JSON: {exc} (NaN or infinity)",
                               hint="validate the KB (kb validate) and fix the number") from None  # fmt: skip


def script_json(data: Any) -> str:
    """Strict JSON safe inside a ``<script>`` element (no '<', '>' or '&': no ``</script>`` or comment)."""
    return dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
