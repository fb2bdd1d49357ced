"""Jinja rendering of generated page bodies, with autoescaping for every KB string."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescape on: every string from a KB repo is untrusted)."""
    return Environment(
        loader=PackageLoader("generator.portal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render one template by name."""
    return environment().get_template(template).render(**context)
