"""Entries a pull request adds, renames, changes or removes, each with the files it touched."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck.corpus import Corpus
from generator.ck.limits import MAX_WALK
from generator.ck.model import Entry
from generator.ck.reading import open_regular
from generator.errors import UnreadableFile

SHORT_NAMES = {".cm/meta.json": "meta.json", ".cm/info.json": "info.json", ".cm/desc.json": "desc.json",
               ".cm/updates.json": "updates.json"}  # fmt: skip


@dataclass(frozen=True)
class FileChange:
    """One file of an entry folder that the PR adds, modifies or removes."""

    name: str  # inside the entry folder: meta.json, info.json, desc.json, README.md, a payload path
    status: str  # added | modified | removed


@dataclass(frozen=True)
class EntryChange:
    """An entry the PR touches: its CID (the old one too when renamed or moved), titles and files."""

    cid: str
    title: str
    old_cid: str = ""
    old_title: str = ""
    files: tuple[FileChange, ...] = ()

    @property
    def renamed(self) -> bool:
        """The alias, module or repository changed (the UID stayed)."""
        return bool(self.old_cid) and self.old_cid != self.cid

    @property
    def retitled(self) -> bool:
        """The human-readable name (info.json data_name or meta name) changed."""
        return bool(self.old_title) and self.old_title != self.title


@dataclass
class EntryChanges:
    """The PR's entries by kind of change."""

    added: list[EntryChange] = field(default_factory=list)
    renamed: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)


def _digest(path: Path) -> str:
    """SHA-256 of a regular file; a link, pipe or device is named instead (never followed or read)."""
    try:
        fd = open_regular(path)
    except (OSError, UnreadableFile) as exc:
        return f"unreadable: {exc}"
    digest = hashlib.sha256()
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    finally:
        os.close(fd)
    return digest.hexdigest()


def _digests(folder: Path | None) -> dict[str, str]:
    """Relative path → digest of every file under an entry folder (links not followed; at most
    MAX_WALK files, like every other walk of an entry folder)."""
    found: dict[str, str] = {}
    if folder is None or not folder.is_dir():
        return found
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if len(found) >= MAX_WALK:
                return found
            path = Path(top, name)
            found[path.relative_to(folder).as_posix()] = _digest(path)
    return found


def folder_changes(old: Path | None, new: Path | None) -> tuple[FileChange, ...]:
    """The files that differ between two versions of an entry folder."""
    before, after = _digests(old), _digests(new)
    changes = []
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) != after.get(name):
            status = "added" if name not in before else "removed" if name not in after else "modified"
            changes.append(FileChange(SHORT_NAMES.get(name, name), status))
    return tuple(changes)


def _key(entry: Entry) -> tuple[str, str, str]:
    return (entry.ref.repo, entry.ref.module, entry.ref.uid or entry.ref.alias)


class _Touched:
    """Folders holding a changed path (relative to their Git work tree), to skip unchanged entries."""

    def __init__(self, roots: tuple[Path, Path], paths: Iterable[Path]) -> None:
        self._roots = roots
        self._folders: set[str] = set()
        for path in paths:
            try:
                parts = path.relative_to(roots[1]).parts
            except ValueError:
                continue
            self._folders.update("/".join(parts[: n + 1]) for n in range(len(parts)))

    def __call__(self, entry: Entry, side: int) -> bool:
        try:
            return entry.ref.path.relative_to(self._roots[side]).as_posix() in self._folders
        except ValueError:
            return True


def _pair_moves(old_only: dict[tuple[str, str, str], Entry], new_only: dict[tuple[str, str, str], Entry]
                ) -> list[tuple[Entry, Entry]]:  # fmt: skip
    """Removed and added entries with one same UID: a rename or move (``kb mv``), not two changes."""
    olds: dict[str, list[Entry]] = {}
    for entry in old_only.values():
        olds.setdefault(entry.ref.uid, []).append(entry)
    pairs = []
    for key, entry in list(new_only.items()):
        match = olds.get(entry.ref.uid, []) if entry.ref.uid else []
        if len(match) == 1:
            pairs.append((match[0], entry))
            del new_only[key]
            del old_only[_key(match[0])]
    return pairs


def compare_entries(before: Corpus, after: Corpus, roots: tuple[Path, Path] | None = None,
                    changed_paths: Iterable[Path] = ()) -> EntryChanges:  # fmt: skip
    """Entries added, renamed, changed or removed between two corpora.

    ``roots`` are the work trees the two corpora were loaded from (base, PR) and ``changed_paths``
    Git's changed files under the PR's: only entries with a changed file there have their folders
    compared file by file (without them, every entry in both is compared).
    """
    old, new = {_key(e): e for e in before.entries}, {_key(e): e for e in after.entries}
    old_only = {k: old[k] for k in old.keys() - new.keys()}
    new_only = {k: new[k] for k in new.keys() - old.keys()}
    pairs = [(old[k], new[k]) for k in sorted(old.keys() & new.keys())] + _pair_moves(old_only, new_only)
    touched = _Touched(roots, changed_paths) if roots else None
    result = EntryChanges()
    for key in sorted(new_only):
        entry = new_only[key]
        result.added.append(EntryChange(entry.ref.cid, entry.name, files=folder_changes(None, entry.ref.path)))
    for key in sorted(old_only):
        entry = old_only[key]
        result.removed.append(EntryChange(entry.ref.cid, entry.name))
    for was, now in pairs:
        compare_files = touched is None or touched(was, 0) or touched(now, 1)
        files = folder_changes(was.ref.path, now.ref.path) if compare_files else ()
        change = EntryChange(now.ref.cid, now.name, old_cid=was.ref.cid, old_title=was.name, files=files)
        if change.renamed or change.retitled:
            result.renamed.append(change)
        elif files or (was.meta, was.info, was.desc) != (now.meta, now.info, now.desc):
            result.changed.append(change)
    result.renamed.sort(key=lambda c: c.cid)
    return result
