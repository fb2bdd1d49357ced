"""Entry point of the ``kb`` command: a plain ``kb list`` is answered before anything else loads.

``ck list`` costs a Python start-up and a directory walk; so must ``kb list`` (``quick_list``).
Every other command goes to the click group in ``app.py`` (``cli`` is importable from here too).
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console-script entry point."""
    from generator.cli.quick_list import quick_list

    lines = quick_list(sys.argv[1:])
    if lines is not None:
        sys.stdout.write("".join(line + "\n" for line in lines))
        return
    from generator.cli.app import cli

    cli(prog_name="kb")


def __getattr__(name: str) -> Any:
    """``cli`` and the rest of app.py, loaded on first use (never for the import system's own probes)."""
    if name.startswith("__"):
        raise AttributeError(name)
    from generator.cli import app

    return getattr(app, name)
