"""What readers skip on disk, named: links, pipes and devices, and caps that cut content off.

Readers never follow a symbolic link and open only regular files (``ck/reading.py``), so a linked
module, entry, ``.cm`` folder, README or data file would vanish from the portal without a word.
This walk reports each one for ``kb validate`` and ``kb doctor``; it follows and opens nothing
(folder listings only), and examines at most ``MAX_WALK`` items per entry folder.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.ck import layout
from generator.ck.limits import MAX_FILE_DEPTH, MAX_FILES_PER_ENTRY, MAX_README_BYTES, MAX_WALK
from generator.ck.reading import kind_of, not_regular_hint
from generator.diagnostics import Diagnostic, Severity

LINK = "symlink"
SPECIAL = "special-file"
LIMIT = "limit"
_README = frozenset({"readme.md", "readme.markdown", "readme.txt", "readme"})


def _listing(folder: Path | str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as children:
            return list(children)
    except OSError:
        return []


def _odd(child: os.DirEntry[str], what: str) -> Diagnostic | None:
    """A diagnostic when ``child`` is a link or neither a file nor a folder (None otherwise)."""
    if child.is_symlink():
        return _link(child.path, what)
    if child.is_dir(follow_symlinks=False) or child.is_file(follow_symlinks=False):
        return None
    try:
        return _special(child.path, what, child.stat(follow_symlinks=False).st_mode)
    except OSError:
        return None  # gone since the listing


def _link(path: str, what: str) -> Diagnostic:
    return Diagnostic(code=LINK, severity=Severity.ERROR, path=path,
                      message=f"{what} {os.path.basename(path)!r} is a symbolic link; links are never "
                              "followed, so it is neither read nor published",
                      hint="replace the link with the real file or folder")  # fmt: skip


def _special(path: str, what: str, mode: int) -> Diagnostic:
    return Diagnostic(code=SPECIAL, severity=Severity.ERROR, path=path,
                      message=f"{what} {os.path.basename(path)!r} is {kind_of(mode)}; it is never read",
                      hint=not_regular_hint())  # fmt: skip


def path_skipped(root: Path, path: Path) -> Diagnostic | None:
    """The first link, or a special file, on the way from a repository folder down to ``path``
    (a changed file Git lists; resolving it would silently follow the link)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    current = root
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return None  # deleted: nothing is read
        if stat.S_ISLNK(mode):
            return _link(str(current), "item")
        if not stat.S_ISDIR(mode):
            return None if stat.S_ISREG(mode) else _special(str(current), "item", mode)
    return None


def _cm_files(parent: Path, what: str) -> list[Diagnostic]:
    """Links and special files among the alias files in ``parent/.cm``."""
    return [odd for child in _listing(parent / layout.CM) if (odd := _odd(child, what)) is not None]


def repo_skipped(root: Path, modules: list[str], split_modules: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """A repository's linked or special top-level items and module alias files, then each module."""
    found = []
    for child in _listing(root):
        if child.name != ".git" and (odd := _odd(child, "module folder")) is not None:
            found.append(odd)
    found += _cm_files(root, "module alias file")
    for module in modules:
        found += module_skipped(root / module, split=module in split_modules)
    return found


def module_skipped(module_dir: Path, *, split: bool = False) -> list[Diagnostic]:
    """A module's linked or special entry folders and alias files, and inside each entry folder."""
    found = _cm_files(module_dir, "entry alias file")
    folders = [str(module_dir)]
    if split:  # CK's split directories: entries one level down
        folders = [c.path for c in _listing(module_dir)
                   if layout.is_entry_candidate(c.name) and c.is_dir(follow_symlinks=False)]  # fmt: skip
    for folder in folders:
        for child in _listing(folder):
            if child.name.startswith("."):
                continue
            if (odd := _odd(child, "entry folder")) is not None:
                found.append(odd)
            elif child.is_dir(follow_symlinks=False):
                found += _inside_entry(child.path)
    return found


def entry_skipped(entry_dir: Path) -> list[Diagnostic]:
    """Inside one entry folder (nothing when it is itself a link: that is reported one level up)."""
    try:
        if not stat.S_ISDIR(os.lstat(entry_dir).st_mode):
            return []
    except OSError:
        return []
    return _inside_entry(str(entry_dir))


def _inside_entry(entry_dir: str) -> list[Diagnostic]:
    """A linked ``.cm``, linked or special files and folders, and the listing cap (one listing per
    folder; the ``.cm`` files the loader reads report themselves, the others are never read)."""
    children = _listing(entry_dir)
    cm = next((c for c in children if c.name == layout.CM), None)
    if cm is None or not (cm.is_symlink() or cm.is_dir(follow_symlinks=False)):
        return []  # not an entry: nothing here is read
    if cm.is_symlink():
        return [Diagnostic(code=LINK, severity=Severity.ERROR, path=cm.path,
                           message="the .cm folder is a symbolic link, so this entry is not read at all",
                           hint="replace the link with the real .cm folder")]  # fmt: skip
    found: list[Diagnostic] = []
    counter = _Counter()
    _walk_files(children, 1, counter, found)
    if counter.files > MAX_FILES_PER_ENTRY:
        found.append(Diagnostic(code=LIMIT, severity=Severity.WARNING, path=entry_dir,
                                message=f"the entry folder holds {'over ' if counter.stopped else ''}"
                                        f"{counter.files} files; only the first {MAX_FILES_PER_ENTRY} are "
                                        "listed and published",
                                hint="keep bulk data out of the repository (an archive, a download URL)"))  # fmt: skip
    return found


class _Counter:
    """Items seen by one entry walk, to stop at MAX_WALK."""

    def __init__(self) -> None:
        self.files = 0
        self.seen = 0
        self.stopped = False


def _walk_files(children: list[os.DirEntry[str]], depth: int, counter: _Counter, found: list[Diagnostic]) -> None:
    for child in children:
        counter.seen += 1
        if counter.seen > MAX_WALK:
            counter.stopped = True
            return
        if child.name == layout.CM:
            continue
        if (odd := _odd(child, "file or folder")) is not None:
            found.append(odd)
        elif child.is_dir(follow_symlinks=False):
            if depth < MAX_FILE_DEPTH and not child.name.startswith("."):
                _walk_files(_listing(child.path), depth + 1, counter, found)
        elif not child.name.startswith("."):
            counter.files += 1
            if depth == 1 and child.name.lower() in _README:
                found += _readme_cut(child)


def _readme_cut(child: os.DirEntry[str]) -> list[Diagnostic]:
    try:
        size = child.stat(follow_symlinks=False).st_size
    except OSError:
        return []
    if size <= MAX_README_BYTES:
        return []
    return [Diagnostic(code=LIMIT, severity=Severity.NOTE, path=child.path,
                       message=f"the README is {size} bytes; only the first {MAX_README_BYTES} are shown",
                       hint="shorten it or move the rest to a linked document")]  # fmt: skip
