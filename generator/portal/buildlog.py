"""The build log carries no workflow command: every MkDocs and kb log record is made inert first.

MkDocs and the kb plugin log paths and messages that come from repositories (entry folder names,
parse errors, warnings about generated pages). In CI, GitHub runs a line that starts with ``::``
as a workflow command, so a folder named ``x\\n::add-mask::…`` would act on the job. A handler
placed first on the ``mkdocs`` logger rewrites each record's message with ``diagnostics.inert``
before any handler (MkDocs' own, the root logger's) prints it; it prints nothing itself.
"""

from __future__ import annotations

import logging
import sys

from generator.diagnostics import inert

LOGGER = "mkdocs"


class _InertRecords(logging.Handler):
    """Makes every record it sees inert, in place, and lets the next handlers print it."""

    def handle(self, record: logging.LogRecord) -> bool:
        """Rewrite the record once (a record may pass here twice when loggers nest)."""
        if not getattr(record, "kb_inert", False):
            try:
                record.msg = inert(record.getMessage())
            except (TypeError, ValueError):  # a malformed format: the printing handler reports it
                return False
            record.args = None
            record.kb_inert = True
        return False

    def emit(self, record: logging.LogRecord) -> None:
        """Never called: ``handle`` prints nothing."""


class _ToStderr(logging.Handler):
    """Prints to whatever ``sys.stderr`` is at the time (as logging's last-resort handler does)."""

    def emit(self, record: logging.LogRecord) -> None:
        """One formatted line on stderr."""
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging's own convention: report, never raise
            self.handleError(record)


def _prints(handler: logging.Handler) -> bool:
    """Whether a handler shows records (a progress line only shows INFO ones: ``kb_status_only``)."""
    return not isinstance(handler, _InertRecords) and not getattr(handler, "kb_status_only", False)


def guard_build_log() -> None:
    """Make every later ``mkdocs.*`` record inert; print warnings to stderr when nobody else does
    (``kb build`` runs MkDocs as a library, where no handler is set up)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(h, _InertRecords) for h in logger.handlers):
        logger.handlers.insert(0, _InertRecords())
    if not any(_prints(h) for h in (*logger.handlers, *logging.getLogger().handlers)):
        printer = _ToStderr(logging.WARNING)
        printer.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(printer)
