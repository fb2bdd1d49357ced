"""Run an MkDocs build or serve for a config file (the ``kb build`` job), clean or incremental."""

from __future__ import annotations

import errno
import logging
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Severity
from generator.errors import GeneratorError, UsageError
from generator.portal.buildlog import guard_build_log


def _load(config_file: Path, site_dir: Path | None, strict: bool) -> Any:
    from mkdocs.config import load_config

    guard_build_log()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    return load_config(str(config_file), strict=strict, **overrides)


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = False, dirty: bool = False,
               problems: list[Diagnostic] | None = None) -> Path:  # fmt: skip
    """Build the portal with MkDocs; returns the site folder.

    ``dirty`` keeps the site folder and rewrites only changed outputs: for local previews only,
    never deploy it (MkDocs' search index then holds only the rebuilt hand-written pages).
    ``problems`` receives what the build left out (entries the site cannot carry, refused outputs).
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        config = _load(config_file, site_dir, strict)
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        if problems is not None:
            problems += build_problems(config.plugins["kb"])
    except MkDocsException as exc:
        raise GeneratorError(f"portal build failed: {exc}", path=config_file) from None
    return Path(config.site_dir)


def build_problems(plugin: Any) -> list[Diagnostic]:
    """What a finished build of the kb plugin left out: its publication's diagnostics and refused outputs."""
    found = list(plugin.publication.diagnostics) if plugin.publication is not None else []
    stats = plugin.last_stats
    for message in stats.refused if stats is not None else []:
        found.append(Diagnostic(code="not-published", severity=Severity.ERROR, path=message.split(": ", 1)[0],
                                message=f"output not written: {message}", hint="report this: the path gate refused "
                                "an output the build made"))  # fmt: skip
    return found


class LiveBuilder:
    """What ``kb build --serve`` does between edits, without the web server (tests, benchmarks).

    The first ``build()`` is a full build; later calls get the paths that changed, as the file
    watcher reports them, and rebuild incrementally into the same site folder.
    """

    def __init__(self, config_file: Path, site_dir: Path) -> None:
        self.config_file = config_file
        self.site_dir = site_dir
        self._started = False

    def build(self, changed: Iterable[Path] = ()) -> Any:
        """Build (or rebuild after ``changed``); returns the kb plugin for its stats."""
        from mkdocs.commands.build import build

        config = _load(self.config_file, self.site_dir, False)
        plugin = config.plugins["kb"]
        if not self._started:
            config.plugins.on_startup(command="serve", dirty=True)
            self._started = True
        else:
            plugin.changed = (plugin.changed or set()) | {str(p) for p in changed}
        build(config, dirty=True)
        if plugin.changed is None:
            plugin.changed = set()
        return plugin


def port_problem(host: str, port: int) -> str:
    """Why the server could not listen on host:port, with what to do about it ('' when it can)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no clash
        try:
            probe.bind((host, port))
        except OverflowError:
            return f"port {port} is not a port number (0-65535)"
        except OSError as exc:
            return _bind_failure(host, port, exc)
    return ""


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use (another server is running there); "
                f"stop it or pick another port, e.g. --port {port + 1 if port < 65535 else 8001}")  # fmt: skip
    if exc.errno == errno.EACCES:
        return f"no permission to listen on port {port} (ports below 1024 need root); pick another with --port"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


_BIND_ERRORS = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


class _ReadyLine(logging.Handler):
    """Calls back with the URL when MkDocs' server logs that it serves (it has bound the port then)."""

    def __init__(self, on_ready: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.on_ready = on_ready

    def emit(self, record: logging.LogRecord) -> None:
        _, found, rest = record.getMessage().partition("Serving on ")  # after MkDocs' "[hh:mm:ss] " stamp
        if found:
            self.on_ready(rest.split(" ", 1)[0])


def serve_site(config_file: Path, *, host: str = "127.0.0.1", port: int = 8000,
               on_ready: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Serve the portal with live reload until interrupted; rebuilds are incremental (dirty).

    A busy port is refused before anything is built; ``on_ready`` gets the URL once the server listens.
    """
    problem = port_problem(host, port)
    if problem:
        raise UsageError(problem)
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    guard_build_log()
    logger = logging.getLogger("mkdocs.livereload")
    handler = _ReadyLine(on_ready) if on_ready is not None else None
    if handler is not None:
        logger.addHandler(handler)
        logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
    try:
        serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True, build_type="dirty")
    except OSError as exc:
        if exc.errno not in _BIND_ERRORS:
            raise
        raise UsageError(_bind_failure(host, port, exc)) from None  # the port was taken during the first build
    finally:
        if handler is not None:
            logger.removeHandler(handler)
