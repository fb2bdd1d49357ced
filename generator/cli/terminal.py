"""What the terminal may show: colour and moving status lines, by one rule for every command.

Colour (bold search hits, coloured severities) only on a terminal, never with ``NO_COLOR`` set
(https://no-color.org) or ``TERM=dumb``; progress bars and status lines only on an interactive
terminal that can redraw a line (not ``TERM=dumb``) and never under CI. Pipes and files always get
plain text.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


def plain_requested() -> bool:
    """The user asked for no colour: ``NO_COLOR`` is set (and not empty) or ``TERM=dumb``."""
    return ("NO_COLOR" in os.environ and os.environ["NO_COLOR"] != "") or os.environ.get("TERM") == "dumb"


def colour_allowed(stream: TextIO | None = None) -> bool:
    """Colour on this stream (default stdout): a terminal, and no request for plain text."""
    target = stream if stream is not None else sys.stdout
    return bool(getattr(target, "isatty", lambda: False)()) and not plain_requested()


def animation_allowed() -> bool:
    """A moving status line or progress bar on stderr: an interactive terminal outside CI that
    can redraw a line."""
    return not os.environ.get("CI") and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
