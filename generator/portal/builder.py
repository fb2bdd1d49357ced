"""Run an MkDocs build or serve for a config file (the ``kb build`` job), clean or incremental."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.portal.buildlog import guard_build_log


def _load(config_file: Path, site_dir: Path | None, strict: bool) -> Any:
    from mkdocs.config import load_config

    guard_build_log()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    return load_config(str(config_file), strict=strict, **overrides)


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = False, dirty: bool = False) -> Path:
    """Build the portal with MkDocs; returns the site folder.

    ``dirty`` keeps the site folder and rewrites only changed outputs: for local previews only,
    never deploy it (MkDocs' search index then holds only the rebuilt hand-written pages).
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
    except MkDocsException as exc:
        raise GeneratorError(f"portal build failed: {exc}", path=config_file) from None
    return Path(config.site_dir)


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


def serve_site(config_file: Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the portal with live reload until interrupted; rebuilds are incremental (dirty)."""
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    guard_build_log()
    serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True, build_type="dirty")
