"""Where CK keeps things inside a repository; pure path arithmetic, no I/O."""

from __future__ import annotations

from pathlib import Path

REPO_FILE = ".ckr.json"
CM = ".cm"
META = "meta.json"
LEGACY_META = "data.json"
INFO = "info.json"
DESC = "desc.json"
UPDATES = "updates.json"
SPECIAL_DIRS = frozenset({".cm", ".svn", ".git"})
JOURNAL_NAME = "kb-journal.json"  # in a repository's .cm: a change kb has to finish (ck/journal.py)
PEER_MARKER_NAME = "kb-journal-peer.json"  # in a repository's .cm: another repository's journal changes it
CK_VERSION = ["2", "6", "4"]


def alias_a(parent: Path, alias: str) -> Path:
    """File mapping an alias to its UID, kept in the parent folder's ``.cm``."""
    return parent / CM / f"alias-a-{alias}"


def alias_u(parent: Path, uid: str) -> Path:
    """File mapping a UID to its alias (or several, newest first)."""
    return parent / CM / f"alias-u-{uid}"


def cm_file(entry_dir: Path, name: str) -> Path:
    """One of the entry's ``.cm/*.json`` files."""
    return entry_dir / CM / name


def is_entry_candidate(name: str) -> bool:
    """A child folder name that can hold an entry or module (not hidden or special)."""
    return not name.startswith(".") and name not in SPECIAL_DIRS
