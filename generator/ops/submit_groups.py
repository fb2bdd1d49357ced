"""Changed files grouped by the entry they belong to: what ``kb submit`` commits one by one.

An entry owns its folder and its two alias files in the module's ``.cm/`` (``alias-a-<alias>``,
``alias-u-<uid>``); a rename (``kb ren``) removes one folder and adds another with the same UID, so
the two halves are joined into one "Rename" by that UID. Files of no entry (``.ckr.json``, a
module's own ``.cm`` files, files outside every repository) are listed apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck import layout
from generator.ck.ids import is_uid
from generator.ck.limits import ALIAS_FILE_BYTES
from generator.ck.reading import read_head
from generator.ck.resolve import Workspace

ReadAtHead = Callable[[str], bytes | None]  # a file's bytes at HEAD (path relative to the Git root)
ALIAS_A, ALIAS_U = "alias-a-", "alias-u-"


@dataclass
class EntryFiles:
    """One entry's changed files and what happened to it."""

    repo: str
    module: str
    name: str  # the entry folder name: its alias, or its UID when it has none
    module_dir: str  # the module folder, relative to the Git root
    files: list[str] = field(default_factory=list)
    uid: str = ""
    old_name: str = ""
    action: str = ""  # Add | Update | Remove | Rename

    @property
    def cid(self) -> str:
        """``repo:module:name``."""
        return f"{self.repo}:{self.module}:{self.name}"

    @property
    def subject(self) -> str:
        """The commit subject: 'Add demo:result:x', 'Rename demo:model:a to b'."""
        if self.action == "Rename":
            return f"Rename {self.repo}:{self.module}:{self.old_name} to {self.name}"
        return f"{self.action} {self.cid}"


@dataclass
class Grouping:
    """Changed files per entry, plus the files that belong to no entry."""

    entries: list[EntryFiles]
    other: list[str]


def _first_line(raw: bytes | None) -> str:
    lines = (raw or b"").decode("utf-8", "replace").split()
    return lines[0] if lines else ""


class _Grouper:
    """Assigns each changed file (relative to the Git root) to an entry of the workspace."""

    def __init__(self, workspace: Workspace, git_root: Path, at_head: ReadAtHead) -> None:
        self.root = git_root.resolve()
        self.at_head = at_head
        self.repos = [(r.path.resolve(), r.info.alias) for r in workspace.repos]
        self.groups: dict[tuple[str, str, str], EntryFiles] = {}
        self.other: list[str] = []

    def read(self, relative: str) -> bytes | None:
        """The file as it is now, or at HEAD when it was deleted."""
        now = read_head(self.root / relative, ALIAS_FILE_BYTES)
        return now if now is not None else self.at_head(relative)

    def _owner(self, relative: str) -> tuple[Path, str, tuple[str, ...]] | None:
        path = self.root / relative
        for folder, alias in self.repos:
            if path.is_relative_to(folder):
                return folder, alias, path.relative_to(folder).parts
        return None

    def _entry_name(self, parts: tuple[str, ...], relative: str) -> str:
        """The entry a changed file belongs to ('' for a repository's or module's own files)."""
        if len(parts) < 2 or parts[0] == layout.CM:
            return ""
        if parts[1] != layout.CM:
            return parts[1]
        name = parts[2] if len(parts) == 3 else ""
        if name.startswith(ALIAS_A):
            return name[len(ALIAS_A) :]
        if name.startswith(ALIAS_U):
            return _first_line(self.read(relative)) or name[len(ALIAS_U) :]
        return ""

    def add(self, relative: str) -> None:
        owner = self._owner(relative)
        name = self._entry_name(owner[2], relative) if owner else ""
        if owner is None or not name:
            self.other.append(relative)
            return
        folder, alias, parts = owner
        module_dir = (folder / parts[0]).relative_to(self.root).as_posix()
        group = self.groups.setdefault((alias, parts[0], name), EntryFiles(alias, parts[0], name, module_dir))
        group.files.append(relative)

    def uid_of(self, group: EntryFiles) -> str:
        """The entry's UID from its folder name or its alias-a file (now, or at HEAD if removed)."""
        if is_uid(group.name):
            return group.name.lower()
        return _first_line(self.read(f"{group.module_dir}/{layout.CM}/{ALIAS_A}{group.name}")).lower()


def _action(group: EntryFiles, states: Mapping[str, str]) -> str:
    kinds = {states.get(f, "modified") for f in group.files}
    return "Add" if kinds == {"added"} else "Remove" if kinds == {"deleted"} else "Update"


def _join_renames(groups: list[EntryFiles]) -> list[EntryFiles]:
    """A removed entry and an added one with the same UID in one module: one rename."""
    removed = {(g.repo, g.module, g.uid): g for g in groups if g.action == "Remove" and g.uid}
    for group in groups:
        old = removed.get((group.repo, group.module, group.uid)) if group.action != "Remove" else None
        if old is not None and old.action:
            group.files = sorted({*group.files, *old.files})
            group.old_name, group.action = old.name, "Rename"
            old.action = ""
    return [g for g in groups if g.action]


def group_by_entry(workspace: Workspace, git_root: Path, states: Mapping[str, str], at_head: ReadAtHead) -> Grouping:
    """Group changed files (relative to ``git_root``, each 'added', 'modified' or 'deleted') by
    entry, sorted by CID."""
    grouper = _Grouper(workspace, git_root, at_head)
    for relative in states:
        grouper.add(relative)
    groups = sorted(grouper.groups.values(), key=lambda g: (g.repo, g.module, g.name))
    for group in groups:
        group.action = _action(group, states)
        group.uid = grouper.uid_of(group)
    return Grouping(_join_renames(groups), sorted(grouper.other))
