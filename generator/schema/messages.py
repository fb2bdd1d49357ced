"""One wording for schema problems, read from ``messages.json``: the CLI's validator and the portal's
contribute forms (which load the same file) give a reader the same sentence for the same mistake."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import ValidationError

MESSAGES_FILE = Path(__file__).with_name("messages.json")
KeywordFn = Callable[[Any, Any, Any, dict[str, Any]], Iterator["ValidationError"]]


@functools.lru_cache(maxsize=1)
def message_table() -> dict[str, Any]:
    """The shared table (format_version, keywords) as the portal publishes it."""
    data: dict[str, Any] = json.loads(MESSAGES_FILE.read_text(encoding="utf-8"))
    return data


def worded_keywords() -> list[str]:
    """Keywords whose problems the table words (others keep jsonschema's own message)."""
    return sorted(message_table()["keywords"])


def render(keyword: str, argument: Any, instance: Any, missing: str = "") -> str | None:
    """The table's sentence for one failed keyword (``missing``: the absent key of ``required``)."""
    entry = message_table()["keywords"].get(keyword)
    if entry is None:
        return None
    text = str(entry.get("when", {}).get(json.dumps(argument), entry["text"]))
    types = argument if isinstance(argument, list) else [argument]
    values = {"{instance}": repr(instance), "{argument}": repr(argument), "{property}": repr(missing),
              "{types}": ", ".join(repr(t) for t in types)}  # fmt: skip
    for mark, value in values.items():
        if mark in text:
            text = text.replace(mark, value)
    return text


def _worded(keyword: str, original: KeywordFn) -> KeywordFn:
    """A keyword function yielding the original's errors with the table's message."""

    def check(validator: Any, argument: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        for error in original(validator, argument, instance, schema):
            worded = render(keyword, argument, instance)
            if worded is not None and not error.context:
                error.message = worded
            yield error

    return check


def _required(validator: Any, required: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not validator.is_type(instance, "object"):
        return
    for name in required:
        if name not in instance:
            yield ValidationError(render("required", required, instance, missing=name) or "")


def worded_validator_class(base: Any) -> Any:
    """``base`` (a jsonschema validator class) with every worded keyword's message from the table."""
    from jsonschema import validators

    keywords = {k: _worded(k, base.VALIDATORS[k]) for k in worded_keywords() if k in base.VALIDATORS}
    keywords["required"] = _required
    return validators.extend(base, keywords)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if not n:
            return out


@functools.lru_cache(maxsize=1)
def not_printable_runs() -> str:
    """The code points Python's repr() escapes, for the browser to write the same messages: runs of
    non-printable characters as base-36 'gap,length-1' pairs (this Python's Unicode version, ~3 kB)."""
    parts, previous, start = [], 0, -1
    for code in range(0x110001):
        printable = code == 0x110000 or chr(code).isprintable()
        if not printable and start < 0:
            start = code
        elif printable and start >= 0:
            parts += [_base36(start - previous), _base36(code - 1 - start)]
            previous, start = code, -1
    return ",".join(parts)
