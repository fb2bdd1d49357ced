"""CK's ``@file.json`` input on ``kb add`` and ``kb update``: the file is the action's input, as
``ck add model:x @input.json`` reads it — ``dict`` is the meta, ``tags`` the tags (a list or a
comma-separated string), ``data_name`` the name and ``substitute: "yes"`` replaces the meta.
Other keys are refused by name rather than silently dropped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from generator.errors import UsageError

KNOWN = ("dict", "tags", "data_name", "substitute")
ARGUMENT = click.argument("ck_input", nargs=-1, metavar="[@FILE.json]")


@dataclass
class CkInput:
    """What CK input files give: meta, tags, a name and whether to substitute."""

    meta: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    name: str = ""
    substitute: bool = False


def _tags(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return tuple(value)
    raise UsageError(f"{where}: 'tags' must be a list of strings or a comma-separated string")


def read_ck_input(arguments: Sequence[str], read_object: Callable[[str], dict[str, Any]]) -> CkInput:
    """Merge the ``@file.json`` arguments (later files win, as in CK) into one input."""
    result = CkInput()
    for argument in arguments:
        if not argument.startswith("@") or len(argument) < 2:
            raise UsageError(f"unexpected argument {argument!r}",
                             hint="the only extra argument is CK's @file.json input")  # fmt: skip
        where = argument[1:]
        data = read_object(where)
        unknown = sorted(set(data) - set(KNOWN))
        if unknown:
            raise UsageError(f"{where}: kb does not read {', '.join(map(repr, unknown))} from a CK input file",
                             hint=f"it reads {', '.join(KNOWN)}; meta keys go under 'dict'")  # fmt: skip
        if "dict" in data:
            if not isinstance(data["dict"], dict):
                raise UsageError(f"{where}: 'dict' (the meta) must be a JSON object")
            result.meta.update(data["dict"])
        if "tags" in data:
            result.tags = (*result.tags, *_tags(data["tags"], where))
        if "data_name" in data:
            result.name = str(data["data_name"])
        result.substitute = result.substitute or data.get("substitute") in ("yes", True)
    return result
