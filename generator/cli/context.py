"""Options shared by every command (repositories, config, JSON output) and error handling."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.ck.resolve import Workspace
from generator.diagnostics import inert, inert_json
from generator.errors import GeneratorError
from generator.ops.workspace import open_workspace

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """Global options collected by the ``kb`` group."""

    repos: tuple[Path, ...] = ()
    config: Path | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        """Open the repositories once per command."""
        if self._workspace is None:
            self._workspace = open_workspace(self.repos, self.config, Path.cwd())
        return self._workspace


pass_state = click.make_pass_decorator(CliState, ensure=True)

def json_option(func: F) -> F:
    """``--json``, and CK's own spelling of it, ``--out=json`` (``--out=con``: the normal output)."""

    @functools.wraps(func)
    def wrapper(*args: Any, out: str | None = None, **kwargs: Any) -> Any:
        kwargs["as_json"] = kwargs.get("as_json") or out == "json"
        return func(*args, **kwargs)

    with_out = click.option("--out", "out", type=click.Choice(["json", "con"]), default=None, metavar="json|con",
                            help="CK's spelling: --out=json is --json.")(wrapper)  # fmt: skip
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(with_out)  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    """Print JSON for scripts (stable key order, UTF-8)."""
    click.echo(inert_json(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)))


def echo_inert(line: str, *, err: bool = False) -> None:
    """Print one line that quotes repository data (a name, title, tag or path), made inert first:
    a hostile entry name must not reach a terminal or a CI log as an escape sequence or a command."""
    click.echo(inert(line), err=err)


def fail(message: str, code: int = 1, hint: str = "") -> None:
    """Print an error (and its hint) to stderr, made inert (it may quote data), and exit with the code."""
    click.echo(f"Error: {inert(message)}" + (f"\n  hint: {inert(hint)}" if hint else ""), err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn GeneratorError into 'Error: …' on stderr and its exit code; nothing else is caught."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeneratorError as exc:
            fail(exc.headline(), exc.exit_code, exc.hint)
        except OSError as exc:  # the machine, not the data: a full disk, a folder without permission
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}", 1, "check the path, its permissions and free space")
        except KeyboardInterrupt:
            fail("interrupted", 130)
        return None

    return wrapper  # type: ignore[return-value]
