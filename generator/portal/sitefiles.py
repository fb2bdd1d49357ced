"""Every file the kb plugin writes, reads back or removes in the site folder goes through here.

Paths are site-relative URLs made by ``generator.sitepaths``; ``SiteFolder`` checks each one again
(``relpath_problem``) and refuses any whose folder resolves outside the site (a symlink planted in
the site folder, a stale manifest naming ``../``). A refused path raises ``UnsafeOutput``, which the
writers turn into a diagnostic instead of a crash. Files are opened without following a final symlink.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from generator.errors import GeneratorError
from generator.sitepaths import relpath_problem

_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# Errors that say the path itself cannot exist here (too long, a file where a folder should be):
# the output is refused, the build goes on. Anything else (a full disk) still stops the build.
_SHAPE_ERRORS = frozenset({errno.ENAMETOOLONG, errno.EISDIR, errno.ENOTDIR, errno.ELOOP, errno.EEXIST})


class UnsafeOutput(GeneratorError):
    """An output path that may not be written into the site folder."""


class SiteFolder:
    """The site folder, with every path checked before it is touched."""

    def __init__(self, site_dir: Path | str) -> None:
        self.root = os.path.realpath(site_dir)
        self._inside: set[str] = set()  # folders already known to resolve inside the site

    def target(self, relpath: str) -> str:
        """The absolute path of a site-relative output; raises UnsafeOutput when it may not be used."""
        problem = relpath_problem(relpath)
        if problem:
            raise UnsafeOutput(f"output refused: {problem}", path=self.root)
        folder = relpath.rpartition("/")[0]
        if folder not in self._inside:
            real = os.path.realpath(os.path.join(self.root, folder))
            if real != self.root and not real.startswith(self.root + os.sep):
                raise UnsafeOutput(f"output refused: {relpath!r} resolves outside the site folder", path=self.root)
            self._inside.add(folder)
        return os.path.join(self.root, relpath)

    def write(self, relpath: str, data: bytes | str) -> None:
        """Write one file (created or truncated; a symlink in its place is refused)."""
        target = self.target(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd = os.open(target, _WRITE_FLAGS, 0o666)
        except OSError as exc:
            if exc.errno in _SHAPE_ERRORS:
                raise UnsafeOutput(f"output refused: {relpath!r}: {exc.strerror}", path=self.root) from None
            raise
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)

    def write_if_changed(self, relpath: str, text: str) -> bool:
        """Write a text file unless it already holds this text (mtimes stay put on dirty rebuilds)."""
        if self.read_text(relpath) == text:
            return False
        self.write(relpath, text)
        return True

    def read_text(self, relpath: str) -> str | None:
        """A file's text, or None when it is missing or unreadable."""
        try:
            with open(self.target(relpath), encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError, UnsafeOutput):
            return None

    def read_bytes(self, relpath: str) -> bytes | None:
        """A file's bytes, or None when it is missing or unreadable."""
        try:
            with open(self.target(relpath), "rb") as handle:
                return handle.read()
        except (OSError, UnsafeOutput):
            return None

    def is_file(self, relpath: str) -> bool:
        """True when the output exists as a regular file."""
        try:
            return os.path.isfile(self.target(relpath))
        except UnsafeOutput:
            return False

    def remove(self, relpath: str) -> bool:
        """Delete one output; True if it was there (paths that fail the check are left alone)."""
        try:
            os.unlink(self.target(relpath))
        except (OSError, UnsafeOutput):
            return False
        return True

    def remove_tree(self, relpath: str) -> None:
        """Delete a folder of the site and everything in it."""
        try:
            shutil.rmtree(self.target(relpath), ignore_errors=True)
        except UnsafeOutput:
            return
