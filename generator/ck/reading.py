"""Reading files from untrusted folders: regular files only, never through a link, never past a cap.

A FIFO, socket or device named like a data file (``meta.json``, an alias file, a README) would
block a plain ``open()`` forever or stream without end. Every read of repository content goes
through here: the file is opened with ``O_NONBLOCK`` and ``O_NOFOLLOW``, ``fstat`` must say it is a
regular file before a single byte is read, and reading stops at a byte cap.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.errors import UnreadableFile

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 65536

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


def kind_of(mode: int) -> str:
    """What a file is, in words ('a named pipe (FIFO)'), for messages about non-regular files."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def not_regular_hint() -> str:
    """The hint every refusal of a special file or link carries."""
    return "replace it with a regular file (links, pipes and devices are never read)"


def open_regular(path: Path | str) -> int:
    """A descriptor of ``path`` when it is a regular file, opened without following a link and
    without blocking; raises FileNotFoundError when missing and UnreadableFile for anything else."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise UnreadableFile("file is a symbolic link; links are refused", path=path,
                                 hint=not_regular_hint()) from None  # fmt: skip
        if exc.errno == errno.EISDIR:
            raise UnreadableFile("expected a file, found a folder", path=path) from None
        raise UnreadableFile(f"cannot read file: {exc.strerror}", path=path) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise UnreadableFile(f"cannot read file: {exc.strerror}", path=path) from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise UnreadableFile("expected a file, found a folder", path=path)
        raise UnreadableFile(f"file is {kind_of(mode)}, not a regular file", path=path, hint=not_regular_hint())
    return fd


def read_regular(path: Path | str, limit: int, *, missing_ok: bool = False) -> bytes | None:
    """The whole of a regular file of at most ``limit`` bytes (None when missing and allowed);
    raises UnreadableFile for links, special files, unreadable or over-long files."""
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UnreadableFile("file does not exist", path=path) from None
    try:
        return _read_capped(fd, path, limit)
    finally:
        os.close(fd)


def _read_capped(fd: int, path: Path | str, limit: int) -> bytes:
    try:
        data = os.read(fd, _CHUNK)
        if len(data) < _CHUNK:  # the usual case: a small file in one read
            if len(data) > limit:
                raise UnreadableFile(f"file is {len(data)} bytes; at most {limit} are read", path=path)
            return data
        size = os.fstat(fd).st_size
        if size > limit:
            raise UnreadableFile(f"file is {size} bytes; at most {limit} are read", path=path)
        chunks = [data]
        total = len(data)
        while chunk := os.read(fd, max(size - total, 0) + _CHUNK):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnreadableFile(f"file grew beyond {limit} bytes while read", path=path)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror}", path=path) from None


def read_head(path: Path | str, limit: int) -> bytes | None:
    """At most the first ``limit`` bytes of a regular file (one read: a regular file returns less
    only at its end); None when it is missing, a link, a special file or unreadable. Callers
    that skip such files silently must have them reported elsewhere (``kb validate`` does)."""
    try:
        fd = open_regular(path)
    except (OSError, UnreadableFile):
        return None
    try:
        return os.read(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)
