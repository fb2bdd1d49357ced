"""CK's UID rule, importing nothing (ids.py and the light listing of ck/listing.py share it)."""

from __future__ import annotations

UID_LENGTH = 16
_UID_CHARS = frozenset("0123456789abcdef.")


def is_uid(text: str) -> bool:
    """Accept what CK 2.6.4 accepts as a UID (16 chars of hex or '.', any case)."""
    return len(text) == UID_LENGTH and not set(text.lower()) - _UID_CHARS
