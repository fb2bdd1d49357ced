"""Static SVG of a spec (for readers without JavaScript and link previews), via vl-convert."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

VL_VERSION = "6.4"


def inline_data(spec: dict[str, Any], records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A copy of a spec with the given records instead of URL data (vl-convert reads no URLs), no links."""
    out = copy.deepcopy(spec)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and "url" in data:
                node["data"] = {"values": list(records)}
            encoding = node.get("encoding")
            if isinstance(encoding, dict):
                encoding.pop("href", None)  # links are relative to the page; a static image has none
            for key, value in node.items():
                if key != "data":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(out)
    if out.get("width") == "container":
        out["width"] = 720
    for layer in out.get("layer", []):
        if layer.get("width") == "container":
            layer["width"] = 720
    return out


def to_svg(spec: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    """Render a spec with these data records to SVG text."""
    import vl_convert

    return vl_convert.vegalite_to_svg(inline_data(spec, records), vl_version=VL_VERSION)
