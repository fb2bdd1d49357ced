"""The CK file database: identifiers, the entry model, and the on-disk store."""

from __future__ import annotations
