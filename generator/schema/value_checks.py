"""Values JSON parsers accept but nothing downstream can write or show safely, and unsafe names.

Python's json module reads ``1e999`` as infinity and ``"\\ud800"`` as a lone surrogate; both crash a
later UTF-8/strict-JSON write or render (SECURITY-CASES §1.4 #27, §1.5 #40). Names with control,
bidi or zero-width characters are Trojan-Source material (§1.4 #34). A name the portal cannot serve
(``generator.sitepaths``: control characters, separators, not Unicode, too long) is an error: the
build leaves its entry out (issue 14).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from generator.ck import layout
from generator.ck.ids import is_strict_uid, name_problem
from generator.ck.model import Entry
from generator.diagnostics import Diagnostic, Severity
from generator.schema.positions import format_json_path
from generator.sitepaths import name_problem as served_problem
from generator.sitepaths import shown_name

_PLAIN_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_LONGEST_RESERVED = 6


def _representable(data: Any) -> bool:
    """Fast path at C speed: strict JSON encoding fails on NaN/inf, UTF-8 on lone surrogates."""
    try:
        json.dumps(data, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        return False
    return True


def _bad_values(value: Any, key: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield key, f"number {value!r} is not finite (too large for a double, or NaN)"
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            yield key, "string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode text"
    elif isinstance(value, dict):
        for name, item in value.items():
            if not _representable(name):
                yield key, "a key holds a lone UTF-16 surrogate"
            yield from _bad_values(item, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_values(item, (*key, index))


def value_diagnostics(data: Any, path: Callable[[], str]) -> list[Diagnostic]:
    """One error per value that cannot be written back as strict UTF-8 JSON (path made only if needed)."""
    if _representable(data):
        return []
    path = path()
    return [Diagnostic(code="bad-value", severity=Severity.ERROR, path=path, json_path=format_json_path(key),
                       message=message, hint="write a finite number or valid text")
            for key, message in _bad_values(data, ())]  # fmt: skip


def served_name_diagnostics(what: str, name: str, path: str) -> list[Diagnostic]:
    """An error when the portal cannot serve a name as a URL segment (``generator.sitepaths``)."""
    problem = served_problem(name)
    if not problem:
        return []
    return [Diagnostic(code="invalid-name", severity=Severity.ERROR, path=path,
                       message=f"{what} '{shown_name(name)}' cannot be published: {problem}",
                       hint="rename it to letters, digits, '.', '-' or '_'; the build leaves it out")]  # fmt: skip


def name_diagnostics(entry: Entry) -> list[Diagnostic]:
    """An entry's name and UID: an error when the portal cannot serve them, a warning when kb would not
    write the name (CK's rules, ``ids.name_problem``)."""
    ref = entry.ref
    name = ref.alias or ref.uid or ref.path.name
    if _PLAIN_NAME.match(name) and len(name.partition(".")[0]) > _LONGEST_RESERVED and is_strict_uid(ref.uid):
        return []  # plainly fine, and too long to be a Windows reserved name (con, com1, conin$ …)
    path = str(layout.cm_file(ref.path, layout.META))
    served = served_name_diagnostics("entry folder name", name, path)
    if ref.uid and ref.uid != name:
        served += served_name_diagnostics("UID (from the module's alias file)", ref.uid, path)
    problem = name_problem(name)
    if served or not problem:
        return served
    return [Diagnostic(code="invalid-name", severity=Severity.WARNING, path=path,
                       message=f"entry folder name '{shown_name(name)}' is not allowed: {problem}",
                       hint="rename the entry to lowercase ASCII letters, digits, '.', '-' or '_'")]  # fmt: skip
