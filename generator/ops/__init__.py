"""One function per user job (add, list, check, build …); the CLI only calls these."""

from __future__ import annotations
