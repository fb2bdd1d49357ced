"""Search: one document extraction, a Whoosh index for the CLI, related entries for pages.

Callers use this small interface; the engine (``whoosh_engine``) is the only Whoosh importer and
can be swapped.
"""

from __future__ import annotations
