"""Strict JSON reading and CK-compatible, atomic JSON/text writing for one file at a time."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

from generator.ck.reading import read_regular
from generator.errors import BadJSON, GeneratorError, UnreadableFile

MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_JSON_DEPTH = 64


class _DuplicateKey(ValueError):
    """A JSON object repeats a key."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _keep_last_duplicates(found: list[str]) -> Any:
    """A pairs hook that keeps the last value like CK does and records each duplicated key."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    found.append(key)
                seen.add(key)
        return result

    return hook


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """Deepest bracket nesting outside strings; a cheap pre-scan before parsing."""
    if text.count("{") + text.count("[") <= MAX_JSON_DEPTH:  # fast path: cannot be deeper
        return 0
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def decode_json_bytes(raw: bytes, path: Path | str, *, duplicates: list[str] | None = None) -> Any:
    """Parse JSON bytes strictly, raising BadJSON that names the file and what is wrong.

    With a ``duplicates`` list, duplicate keys keep the last value (as CK does) and are
    appended to the list instead of failing the read.
    """
    if raw[:1] != b"{" or b"\x00" in raw[:4]:  # a CK file opens with '{': no BOM, LFS or UTF-16
        _refuse_encoding(raw, path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJSON(f"invalid UTF-8 at byte {exc.start}", path=path, hint="save the file as UTF-8") from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise BadJSON(f"JSON nesting deeper than {MAX_JSON_DEPTH} levels", path=path)
    return _parse_text(text, path, duplicates)


def _refuse_encoding(raw: bytes, path: Path | str) -> None:
    """Byte-level refusals before decoding: BOM, UTF-16/32 and Git LFS pointers."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BadJSON("file starts with a UTF-8 byte-order mark", path=path,
                      hint="save the file as UTF-8 without BOM")  # fmt: skip
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        raise BadJSON("file is UTF-16 or UTF-32, not UTF-8", path=path, hint="save the file as UTF-8")
    if raw.startswith(b"version https://git-lfs"):
        raise BadJSON("file is a Git LFS pointer, not JSON", path=path,
                      hint="store metadata in Git directly, not in LFS")  # fmt: skip


_STRICT_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


_JSON_SPACE = " \t\n\r"


def _scan_whole(text: str) -> Any:
    """The strict decoder's C scanner called directly on a text that opens with '{' (decode()'s
    Python wrapper and its whitespace regexes cost more than scanning a small file); anything
    unusual goes through decode() itself, so errors keep their message and position."""
    if text[:1] != "{":
        return _STRICT_DECODER.decode(text)
    try:
        value, end = _STRICT_DECODER.scan_once(text, 0)
    except StopIteration:
        return _STRICT_DECODER.decode(text)
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return _STRICT_DECODER.decode(text)  # raises "Extra data" at the right place
    return value


def decode_object_fast(raw: bytes) -> dict[str, Any] | None:
    """The usual case of ``decode_json_bytes`` in one step: UTF-8 text that opens with '{', is not
    too deep and parses without duplicate keys. None for anything else, and the caller takes the
    strict path, which then gives the same object or the exact error (bulk loads parse 30,000
    files; the layered path cost a fifth of that)."""
    if raw[:1] != b"{" or b"\x00" in raw[:4]:
        return None
    try:
        text = raw.decode("utf-8")
        if _depth(text) > MAX_JSON_DEPTH:
            return None
        value, end = _STRICT_DECODER.scan_once(text, 0)
    except (ValueError, StopIteration, RecursionError):  # bad UTF-8 or JSON, duplicates, NaN
        return None
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return None
    return value


def _parse_text(text: str, path: Path | str, duplicates: list[str] | None = None) -> Any:
    try:
        try:
            return _scan_whole(text)
        except _DuplicateKey:
            if duplicates is None:
                raise
        # Rare: re-read keeping the last value of each repeated key, as CK does.
        return json.JSONDecoder(object_pairs_hook=_keep_last_duplicates(duplicates),
                                parse_constant=_reject_constant).decode(text)  # fmt: skip
    except json.JSONDecodeError as exc:
        raise BadJSON(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except ValueError as exc:  # duplicate keys, NaN/Infinity, over-long integers
        if "integer string conversion" in str(exc):
            raise BadJSON(f"invalid JSON: an integer has more than {sys.get_int_max_str_digits()} digits",
                          path=path, hint="write it as a string or a float") from None  # fmt: skip
        raise BadJSON(f"invalid JSON: {exc}", path=path) from None
    except RecursionError:
        raise BadJSON("JSON nesting is too deep", path=path) from None


def decode_json_value(text: str, where: str) -> Any:
    """A JSON value typed by a person (``kb add --set key=value``), held to the rules of entry files
    (no NaN/Infinity, integers of at most 4300 digits, nesting of at most MAX_JSON_DEPTH) and
    finite: ``1e999`` parses to infinity, which no JSON file can hold. Raises BadJSON naming ``where``."""
    if _depth(text) > MAX_JSON_DEPTH:
        raise BadJSON(f"JSON nesting deeper than {MAX_JSON_DEPTH} levels", path=where)
    value = _parse_text(text, where)
    check_storable(value, where)
    return value


def check_storable(value: Any, where: str) -> None:
    """Raise BadJSON naming ``where`` when a value cannot be saved as strict UTF-8 JSON: a NaN or
    infinite number (``1e999`` reads as infinity) or text with a lone surrogate (a ``\\ud800``
    escape, or bytes that were not UTF-8 on the command line)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise BadJSON("a number is too large for JSON (it reads as infinity)", path=where,
                          hint="write a smaller number, or quote it to store the text")  # fmt: skip
        if isinstance(item, str) and not _utf8(item):
            raise BadJSON("text holds a lone surrogate or bytes that are not UTF-8", path=where,
                          hint="write the text as valid UTF-8")  # fmt: skip
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_bytes_nofollow(path: Path | str, *, missing_ok: bool = False) -> bytes | None:
    """Read a regular file's bytes in one open (links and special files refused, size capped);
    None if missing and allowed."""
    try:
        return read_regular(path, MAX_JSON_BYTES, missing_ok=missing_ok)
    except UnreadableFile as exc:
        raise BadJSON(exc.message, path=path, hint=exc.hint) from None


def read_json(path: Path, *, duplicates: list[str] | None = None) -> Any:
    """Read one JSON file strictly (size, encoding, duplicates, NaN, depth; symlinks refused)."""
    raw = read_bytes_nofollow(path)
    assert raw is not None
    return decode_json_bytes(raw, path, duplicates=duplicates)


def read_json_object(path: Path, *, duplicates: list[str] | None = None) -> dict[str, Any]:
    """Read a JSON file that must hold an object (meta, info, desc)."""
    data = read_json(path, duplicates=duplicates)
    if not isinstance(data, dict):
        raise BadJSON(f"expected a JSON object, found {type(data).__name__}", path=path,
                      hint="wrap the content in { }")  # fmt: skip
    return data


def dumps_ck(data: Any, *, sort_keys: bool = True) -> str:
    """Serialize exactly as CK 2.6.4 saves JSON: indent 2, sorted keys, UTF-8, trailing newline."""
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=sort_keys, allow_nan=False)
    except ValueError:  # NaN or infinity, e.g. 1e999 read from an entry file: JSON cannot hold it
        raise GeneratorError("a value is NaN or infinite (1e999 reads as infinity); JSON cannot hold it",
                             hint="kb validate names it ('bad-value'); replace it with a finite number") from None
    if not _utf8(text):  # a lone surrogate ("\ud800" read from a file, undecodable command-line bytes)
        raise GeneratorError("a string holds a lone surrogate or bytes that are not UTF-8; it cannot be saved",
                             hint="kb validate names it ('bad-value'); write the text as valid UTF-8")
    return text.replace("\r", "") + "\n"


TEMP_PREFIX = ".kb-tmp-"


def fsync_enabled() -> bool:
    """``KB_FSYNC=0`` skips fsync (bulk imports into throwaway checkouts, tests): a killed process
    still leaves old-or-new files, only durability across power loss is given up."""
    return os.environ.get("KB_FSYNC", "1") != "0"


def stage_text(path: Path, text: str, *, same_mode: bool = True) -> Path:
    """Write text to a synced hidden temp file beside ``path``; the caller renames it into place.
    Its mode is 0666 minus the umask, as CK's writes, or with ``same_mode`` the existing file's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    from generator.ck.tempfiles import create_temp_file, keep_mode  # here: reading commands never write

    fd, tmp = create_temp_file(path.parent, f"{TEMP_PREFIX}{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            if same_mode:
                keep_mode(handle.fileno(), path)  # an update keeps the file's mode; a new one follows the umask
            handle.write(text.encode("utf-8"))
            handle.flush()
            if fsync_enabled():
                os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_text_atomic(path: Path, text: str, *, sync_dir: bool = True, same_mode: bool = True) -> None:
    """Write via a temp file in the same folder, fsync, then rename: old or new, never half (the
    file keeps its mode unless ``same_mode`` is false: then it is made as a new one)."""
    tmp = stage_text(path, text, same_mode=same_mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, *, sort_keys: bool = True) -> None:
    """Write JSON in CK's format atomically."""
    write_text_atomic(path, dumps_ck(data, sort_keys=sort_keys))


def fsync_dir(folder: Path) -> None:
    """Persist a rename by syncing its directory (a no-op where unsupported)."""
    if not fsync_enabled():
        return
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
