"""Line and column of a JSON path inside a file, found by a second, position-keeping scan.

Only files that have diagnostics are scanned (the fast path never pays for this). The scanner is
tolerant: it records what it could read before any syntax error, and also notes keys that occur
twice in one object (for the duplicate-key diagnostic).
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from dataclasses import dataclass, field, replace

from generator.ck.reading import read_head, read_regular
from generator.diagnostics import Diagnostic
from generator.errors import UnreadableFile

PathKey = tuple[str | int, ...]
MAX_BYTES = 8 * 1024 * 1024
ROOT_BYTES = 64 * 1024  # enough to reach the opening brace of any file
MAX_DEPTH = 200

_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"[^,\]}\s]+")
_SKIP_VALUE = json.JSONDecoder().scan_once  # (text, start) -> (value, end), in C
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
    def __init__(self, text: str, only: set[PathKey] | None = None) -> None:
        self.text = text
        self.pos = 0
        self.found = FilePositions()
        self.only = only  # paths to descend into (None: all); other values are skipped at C speed
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
        if self.only is not None and key not in self.only and char in "{[":
            try:
                self.pos = _SKIP_VALUE(self.text, self.pos)[1]
            except (StopIteration, ValueError, RecursionError):
                raise _Stop from None
        elif char == "{":
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


def scan_text(text: str, wanted: set[PathKey] | None = None) -> FilePositions:
    """Positions of every key and array item of a JSON text (partial when the text is broken); with
    ``wanted`` paths, only of those, their ancestors and their siblings: whatever else the file holds
    is skipped by the json module's C scanner (a 400 kB table costs no Python step per number)."""
    only = None if wanted is None else {key[:n] for key in wanted for n in range(len(key))}
    scanner = _Scanner(text, only)
    with contextlib.suppress(_Stop, RecursionError):
        scanner.value(())
    return scanner.found


def positions_of(path: str, wanted: set[PathKey] | None = None) -> FilePositions:
    """Scan one file (only toward ``wanted`` paths when given); unreadable files give no positions."""
    try:
        raw = read_regular(path, MAX_BYTES)
    except UnreadableFile:
        return FilePositions()
    return scan_text((raw or b"").decode("utf-8", errors="replace").removeprefix("\ufeff"), wanted)


def root_position(path: str) -> tuple[int, int]:
    """Where a file's top-level value starts, from its first bytes (no scan of a 400 kB file for a
    diagnostic about the whole entry); (0, 0) when unreadable or blank."""
    raw = read_head(path, ROOT_BYTES)
    text = (raw or b"").decode("utf-8", errors="replace").removeprefix("\ufeff")
    offset = _WS.match(text).end()  # type: ignore[union-attr]
    if offset >= len(text):
        return (0, 0)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _needs_scan(diag: Diagnostic) -> bool:
    return not (diag.line or diag.code == "parse" or not diag.path.endswith(".json") or not diag.json_path)


def _located(diag: Diagnostic, scans: dict[str, FilePositions]) -> Diagnostic:
    if diag.line or diag.code == "parse" or not diag.path.endswith(".json"):
        return diag
    if not diag.json_path and diag.code != "duplicate-key":
        line, column = root_position(diag.path)
        return replace(diag, line=line, column=column) if line else diag
    found = scans.get(diag.path) or positions_of(diag.path)
    if diag.code == "duplicate-key" and found.duplicates:
        key, (line, column) = found.duplicates[0]
        return replace(diag, line=line, column=column, json_path=format_json_path(key))
    line, column = found.locate(diag.json_path)
    return replace(diag, line=line, column=column) if line else diag


def add_positions(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Fill line and column from each file: scanned once, only files that have diagnostics at a JSON
    path, and only toward those paths (a duplicate key, which may be anywhere, needs a full scan)."""
    wanted: dict[str, set[PathKey] | None] = {}
    for diag in diagnostics:
        if diag.code == "duplicate-key" and not diag.line:
            wanted[diag.path] = None
        elif _needs_scan(diag) and (diag.path not in wanted or wanted[diag.path] is not None):
            wanted.setdefault(diag.path, set()).add(parse_json_path(diag.json_path))  # type: ignore[union-attr]
    scans = {path: positions_of(path, keys) for path, keys in wanted.items()}
    return [_located(d, scans) for d in diagnostics]
