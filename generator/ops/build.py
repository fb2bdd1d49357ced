"""The build job: run the portal build or live server for a config file."""

from __future__ import annotations

from generator.portal.builder import build_site, port_problem, serve_site

__all__ = ["build_site", "port_problem", "serve_site"]
