"""Strict JSON reading and CK-compatible, atomic JSON/text writing for one file at a time."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from generator.errors import BadJSON

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_JSON_DEPTH = 64


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth(text: str) -> int:
    """Deepest bracket nesting outside strings; a cheap pre-scan before parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def decode_json_bytes(raw: bytes, path: Path | str) -> Any:
    """Parse JSON bytes strictly, raising BadJSON that names the file and what is wrong."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BadJSON("file starts with a UTF-8 byte-order mark", path=path,
                      hint="save the file as UTF-8 without BOM")  # fmt: skip
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        raise BadJSON("file is UTF-16 or UTF-32, not UTF-8", path=path, hint="save the file as UTF-8")
    if raw.startswith(b"version https://git-lfs"):
        raise BadJSON("file is a Git LFS pointer, not JSON", path=path,
                      hint="store metadata in Git directly, not in LFS")  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJSON(f"invalid UTF-8 at byte {exc.start}", path=path, hint="save the file as UTF-8") from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise BadJSON(f"JSON nesting deeper than {MAX_JSON_DEPTH} levels", path=path)
    return _parse_text(text, path)


def _parse_text(text: str, path: Path | str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadJSON(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except ValueError as exc:  # duplicate keys, NaN/Infinity, over-long integers
        raise BadJSON(f"invalid JSON: {exc}", path=path) from None
    except RecursionError:
        raise BadJSON("JSON nesting is too deep", path=path) from None


def read_json(path: Path) -> Any:
    """Read one JSON file strictly (size, encoding, duplicates, NaN, depth)."""
    try:
        if path.is_symlink():
            raise BadJSON("file is a symbolic link; links are refused", path=path)
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise BadJSON(f"file is {size} bytes; at most {MAX_JSON_BYTES} are read", path=path)
        raw = path.read_bytes()
    except OSError as exc:
        raise BadJSON(f"cannot read file: {exc.strerror}", path=path) from None
    return decode_json_bytes(raw, path)


def read_json_object(path: Path) -> dict[str, Any]:
    """Read a JSON file that must hold an object (meta, info, desc)."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise BadJSON(f"expected a JSON object, found {type(data).__name__}", path=path,
                      hint="wrap the content in { }")  # fmt: skip
    return data


def dumps_ck(data: Any, *, sort_keys: bool = True) -> str:
    """Serialize exactly as CK 2.6.4 saves JSON: indent 2, sorted keys, UTF-8, trailing newline."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=sort_keys, allow_nan=False)
    return text.replace("\r", "") + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then rename: old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kb-tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, *, sort_keys: bool = True) -> None:
    """Write JSON in CK's format atomically."""
    write_text_atomic(path, dumps_ck(data, sort_keys=sort_keys))


def fsync_dir(folder: Path) -> None:
    """Persist a rename by syncing its directory (a no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
