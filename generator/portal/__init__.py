"""The portal: turns a corpus into pages; ``plugin`` adapts it to MkDocs."""

from __future__ import annotations
