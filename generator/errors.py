"""The one family of user-facing errors; the CLI turns them into a message and an exit code."""

from __future__ import annotations

from pathlib import Path


class GeneratorError(Exception):
    """A problem the user can fix: bad input, a missing entry, a refused write."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint

    def headline(self) -> str:
        """Where and what, without the hint."""
        return f"{self.path}: {self.message}" if self.path else self.message

    def __str__(self) -> str:
        return f"{self.headline()}\n  hint: {self.hint}" if self.hint else self.headline()


class UsageError(GeneratorError):
    """The command line itself is wrong (bad CID, conflicting options)."""

    exit_code = 2


class EntryNotFound(GeneratorError):
    """No entry matches the CID (CK return code 16)."""


class EntryExists(GeneratorError):
    """An entry with that alias or UID already exists where one was to be created."""


class AmbiguousAlias(GeneratorError):
    """An alias names entries in several repositories; the message lists each candidate."""


class InvalidName(UsageError):
    """A repository, module or entry name is not allowed on write."""


class BadJSON(GeneratorError):
    """A JSON file could not be read strictly (syntax, encoding, duplicates, limits)."""

    def __init__(
        self, message: str, *, path: Path | str, line: int = 0, column: int = 0, hint: str = ""
    ) -> None:
        super().__init__(message, path=path, hint=hint)
        self.line = line
        self.column = column

    def headline(self) -> str:
        """``file:line:col: message`` (the line and column when known)."""
        where = f"{self.path}:{self.line}:{self.column}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class UnreadableFile(GeneratorError):
    """A file that is not read: missing, a link, a pipe or device, or over its size cap."""


class RepoError(GeneratorError):
    """A repository is missing, malformed or cannot be written."""


class LockTimeout(GeneratorError):
    """Another writer holds the repository lock for too long."""
