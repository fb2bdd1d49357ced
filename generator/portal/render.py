"""Jinja rendering of generated page bodies, with autoescaping for every KB string."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket

from generator.portal import labels


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescape on: every string from a KB repo is untrusted)."""
    env = Environment(
        loader=PackageLoader("generator.portal", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(counted=labels.counted, type_name=labels.type_name, type_plural=labels.type_plural)
    return env


def render(template: str, **context: Any) -> str:
    """Render one template by name."""
    return environment().get_template(template).render(**context)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory by source checksum (a live rebuild compiles none again)."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, Any]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket its code object when the template source is unchanged."""
        found = self.codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Remember a freshly compiled template."""
        self.codes[bucket.key] = (bucket.checksum, bucket.code)
