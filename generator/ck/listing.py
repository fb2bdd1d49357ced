"""What an entry folder is and what it is called, from folder names and alias files alone.

The one implementation of CK's listing rules (``Repo`` uses it; so does the plain ``kb list``,
which answers from it before the rest of kb is imported, as ``ck list`` reads no meta either).
Light on purpose: no JSON, no dataclasses, nothing beyond ``os`` and the capped reader.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.ck.layout import CM, JOURNAL_NAME, PEER_MARKER_NAME, is_entry_candidate
from generator.ck.limits import ALIAS_FILE_BYTES
from generator.ck.reading import read_head
from generator.ck.uid import is_uid

ALIAS_A = "alias-a-"


def repo_alias(desc: dict[str, object], root: Path) -> str:
    """A repository's alias from its ``.ckr.json`` (data_alias, else data_uoa, else the folder name)."""
    return str(desc.get("data_alias") or desc.get("data_uoa") or root.name)


def change_pending(root: Path) -> bool:
    """True when an interrupted kb change still has to be replayed in this repository (its journal
    is here, or in another repository this one's marker names)."""
    return (root / CM / JOURNAL_NAME).is_file() or (root / CM / PEER_MARKER_NAME).is_file()


def read_alias_file(path: Path | str) -> list[str]:
    """Lines of an alias file (an alias-u file may list several aliases, newest first)."""
    raw = read_head(path, ALIAS_FILE_BYTES)
    if raw is None:
        return []
    if len(raw) == ALIAS_FILE_BYTES:  # cut at the cap: drop the partial last line
        raw = raw[: raw.rfind(b"\n") + 1]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def folder_names(children: list[os.DirEntry[str]]) -> list[str]:
    """The sorted names of the real sub-folders that may hold a module or an entry."""
    return sorted(c.name for c in children if is_entry_candidate(c.name) and c.is_dir(follow_symlinks=False))


def sub_folders(folder: Path | str) -> list[str]:
    """``folder_names`` of a folder ([] when it cannot be listed)."""
    try:
        return folder_names(list(os.scandir(folder)))
    except OSError:
        return []


def real_dir(path: str | Path) -> bool:
    """A folder that is not a symbolic link (one lstat)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def holds_entry(folder: str, name: str) -> bool:
    """Whether ``folder/name`` is an entry: it holds a real ``.cm`` folder."""
    return real_dir(f"{folder}{os.sep}{name}{os.sep}{CM}")


def alias_and_uid(alias_prefix: str, name: str) -> tuple[str, str]:
    """An entry folder's alias and UID: from its ``alias-a`` file, else the name is the UID; an alias
    folder without its alias file is CK's "inconsistent entry" (UID '')."""
    lines = read_alias_file(alias_prefix + name)
    if lines:
        return name, lines[0]
    return ("", name) if is_uid(name) else (name, "")
