"""Line and column of a JSON path inside a file, found by a second, position-keeping scan.

Only files that have diagnostics are scanned (the fast path never pays for this). The scanner is
tolerant: it records what it could read before any syntax error, and also notes keys that occur
twice in one object (for the duplicate-key diagnostic).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import json
import re
from dataclasses import dataclass, field, replace

from generator.ck.reading import read_regular
from generator.diagnostics import Diagnostic
from generator.errors import UnreadableFile

PathKey = tuple[str | int, ...]
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 200

_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"[^,\]}\s]+")
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


class _Stop(Exception):
    """The text stops being JSON here; keep what was found so far."""


@dataclass
class FilePositions:
    """Where each JSON path of one file starts (line, column; both 1-based)."""

    where: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[PathKey, tuple[int, int]]] = field(default_factory=list)

    def locate(self, json_path: str) -> tuple[int, int]:
        """Position of the path, or of its nearest ancestor that exists; (0, 0) when unknown."""
        key = parse_json_path(json_path)
        while key:
            if key in self.where:
                return self.where[key]
            key = key[:-1]
        return self.where.get((), (0, 0))


def parse_json_path(json_path: str) -> PathKey:
    """``$.a.b[0]['x y']`` → ``("a", "b", 0, "x y")`` (jsonschema's and our reference format)."""
    parts: list[str | int] = []
    for match in _PATH_PART.finditer(json_path, 1 if json_path.startswith("$") else 0):
        name, index, quoted = match.groups()
        if index is not None:
            parts.append(int(index))
        elif quoted is not None:
            parts.append(quoted.replace("\\'", "'").replace("\\\\", "\\"))
        else:
            parts.append(name)
    return tuple(parts)


def format_json_path(key: PathKey) -> str:
    """The inverse of parse_json_path, in jsonschema's style."""
    out = "$"
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", part):
            out += "." + part
        else:
            out += "['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found = FilePositions()
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]

    def linecol(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def _skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def _peek(self) -> str:
        self._skip()
        if self.pos >= len(self.text):
            raise _Stop
        return self.text[self.pos]

    def value(self, key: PathKey) -> None:
        if len(key) > MAX_DEPTH:
            raise _Stop
        char = self._peek()
        self.found.where.setdefault(key, self.linecol(self.pos))
        if char == "{":
            self._object(key)
        elif char == "[":
            self._array(key)
        else:
            match = (_STRING if char == '"' else _SCALAR).match(self.text, self.pos)
            if match is None:
                raise _Stop
            self.pos = match.end()

    def _object(self, key: PathKey) -> None:
        self.pos += 1
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            self._skip()
            match = _STRING.match(self.text, self.pos)
            if match is None:
                raise _Stop
            try:
                name = json.loads(match.group())
            except ValueError:
                raise _Stop from None
            child = (*key, name)
            where = self.linecol(self.pos)
            if child in self.found.where:
                self.found.duplicates.append((child, where))
            else:
                self.found.where[child] = where
            self.pos = match.end()
            if self._peek() != ":":
                raise _Stop
            self.pos += 1
            self._skip()
            self.value(child)
            if not self._separator("}"):
                return

    def _array(self, key: PathKey) -> None:
        self.pos += 1
        if self._peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            self._skip()
            self.value((*key, index))
            index += 1
            if not self._separator("]"):
                return

    def _separator(self, closer: str) -> bool:
        """True when another member follows (after a comma), False at the closing bracket."""
        char = self._peek()
        self.pos += 1
        if char == ",":
            return True
        if char == closer:
            return False
        raise _Stop


def scan_text(text: str) -> FilePositions:
    """Positions of every key and array item of a JSON text (partial when the text is broken)."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, RecursionError):
        scanner.value(())
    return scanner.found


@functools.lru_cache(maxsize=256)
def positions_of(path: str) -> FilePositions:
    """Scan one file once (cached); unreadable files give no positions."""
    try:
        raw = read_regular(path, MAX_BYTES)
    except UnreadableFile:
        return FilePositions()
    return scan_text((raw or b"").decode("utf-8", errors="replace").removeprefix("\ufeff"))


def _located(diag: Diagnostic) -> Diagnostic:
    if diag.line or diag.code == "parse" or not diag.path.endswith(".json"):
        return diag
    found = positions_of(diag.path)
    if diag.code == "duplicate-key" and found.duplicates:
        key, (line, column) = found.duplicates[0]
        return replace(diag, line=line, column=column, json_path=format_json_path(key))
    line, column = found.locate(diag.json_path)
    return replace(diag, line=line, column=column) if line else diag


def add_positions(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Fill line and column from each file (scanned once, only files that have diagnostics)."""
    return [_located(d) for d in diagnostics]
