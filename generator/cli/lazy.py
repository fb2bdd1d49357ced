"""A command table that imports command modules only when they are needed.

Every ``kb`` process used to import every command module (and with them jsonschema, GitPython,
Whoosh …) before running one command. ``LazyCommands`` replaces the group's ``commands`` dict:
a light command (``kb search``) imports only its own module; anything else — another command,
``kb --help``, code that lists ``cli.commands`` — imports all of them first, exactly as before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import click


class LazyCommands(dict):  # type: ignore[type-arg]
    """``click.Group.commands`` filled on first use; ``light`` commands load alone."""

    def __init__(self, group: click.Group, load_all: Callable[[], None], light: dict[str, str]) -> None:
        super().__init__()
        self._group = group
        self._load_all = load_all
        self._light = light
        self._loaded = False

    def _everything(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._load_all()

    def get(self, name: Any, default: Any = None) -> Any:
        """A command by name, importing only its module when it is a light one."""
        if not self._loaded and not dict.__contains__(self, name) and name in self._light:
            importlib.import_module(self._light[name]).register(self._group)
        if not dict.__contains__(self, name):
            self._everything()
        return dict.get(self, name, default)

    def __getitem__(self, name: Any) -> Any:
        self._everything()
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        self._everything()
        return dict.__contains__(self, name)

    def __iter__(self) -> Iterator[Any]:
        self._everything()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._everything()
        return dict.__len__(self)

    def keys(self) -> Any:
        """All command names (imports every command module)."""
        self._everything()
        return dict.keys(self)

    def values(self) -> Any:
        """All commands (imports every command module)."""
        self._everything()
        return dict.values(self)

    def items(self) -> Any:
        """All (name, command) pairs (imports every command module)."""
        self._everything()
        return dict.items(self)
