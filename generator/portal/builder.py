"""Run an MkDocs build or serve for a config file (the ``kb build`` job)."""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import GeneratorError


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = False) -> Path:
    """Build the portal with MkDocs; returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
        build(config)
    except MkDocsException as exc:
        raise GeneratorError(f"portal build failed: {exc}", path=config_file) from None
    return Path(config.site_dir)


def serve_site(config_file: Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the portal with live reload until interrupted."""
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True)
