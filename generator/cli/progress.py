"""Progress on a terminal: a rich status line that follows the log of a long step (build, import, index).

Library code only logs what it is doing (``logging`` at INFO); this turns those records into one
transient status line with the elapsed time, on an interactive terminal only (never under CI or
when piped: scripts and logs see exactly what they saw before). The line appears with the first
record, so a quick command that logs nothing shows nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.cli.terminal import animation_allowed

LOGGERS = ("generator", "mkdocs")


def interactive() -> bool:
    """True on a terminal outside CI that can redraw a line: the only place a status line helps."""
    return animation_allowed()


class _StatusLine(logging.Handler):
    """Shows the latest INFO message of the watched loggers after a fixed label."""

    kb_status_only = True  # prints no warnings: the build log still adds its own printer (portal/buildlog.py)

    def __init__(self, label: str) -> None:
        super().__init__(logging.INFO)
        self.label = label
        self.status: Any = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            return  # warnings are printed as before, above the line
        from rich.markup import escape

        from generator.diagnostics import inert

        text = escape(f"{self.label}: {inert(record.getMessage())[:100]}")  # data: no escape sequence, no markup
        if self.status is None:
            from rich.console import Console

            self.status = Console(stderr=True).status(text)
            self.status.start()
        else:
            self.status.update(text)

    def stop(self) -> None:
        """Remove the line (it is transient: nothing stays on the screen)."""
        if self.status is not None:
            self.status.stop()
            self.status = None


@contextmanager
def status_line(label: str, *, start: bool = False) -> Iterator[_StatusLine | None]:
    """While the block runs, show on a terminal what the library logs (``start``: from the first moment)."""
    if not interactive():
        yield None
        return
    handler = _StatusLine(label)
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    if start:
        handler.emit(logging.makeLogRecord({"msg": "starting", "levelno": logging.INFO}))
    try:
        yield handler
    finally:
        handler.stop()
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
