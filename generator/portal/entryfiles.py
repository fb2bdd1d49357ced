"""The files of an entry folder: listed on its page, and only safe types copied for download.

Entry folders may hold anything (scripts, HTML, SVG); the site must never serve contributor
HTML/SVG/JS from its own origin, so only an allowlist of passive types is copied, each under a
size cap. Symlinks are never followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from generator.ck.limits import MAX_COPY_BYTES, MAX_FILE_DEPTH, MAX_FILES_PER_ENTRY, MAX_README_BYTES
from generator.ck.reading import read_head

COPY_SUFFIXES = frozenset({".json", ".md", ".txt", ".csv", ".png", ".jpg", ".jpeg"})
MAX_LISTED = MAX_FILES_PER_ENTRY
MAX_DEPTH = MAX_FILE_DEPTH
FILES_DIR = "files/"
README_NAMES = ("readme.md", "readme.markdown", "readme.txt", "readme")


@dataclass(frozen=True)
class EntryFile:
    """One file of an entry: its path inside the folder, size, and download link when copied."""

    rel: str
    size: int
    href: str  # "" when the type is not copied

    @property
    def size_text(self) -> str:
        """Human size (B, KB, MB)."""
        size = float(self.size)
        for unit in ("B", "KB", "MB"):
            if size < 1024 or unit == "MB":
                return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{size:.1f} GB"


def _walk(folder: Path, prefix: str, depth: int, out: list[tuple[str, os.DirEntry[str]]]) -> None:
    try:
        children = sorted(os.scandir(folder), key=lambda c: c.name)
    except OSError:
        return
    for child in children:
        if len(out) >= MAX_LISTED:
            return
        if child.name.startswith(".") or child.is_symlink():
            continue
        rel = prefix + child.name
        if child.is_dir(follow_symlinks=False):
            if depth < MAX_DEPTH:
                _walk(Path(child.path), rel + "/", depth + 1, out)
        elif child.is_file(follow_symlinks=False):
            out.append((rel, child))


def is_copyable(rel: str, size: int) -> bool:
    """Whether a file may be served from the site: allowlisted suffix and small enough."""
    return Path(rel).suffix.lower() in COPY_SUFFIXES and size <= MAX_COPY_BYTES


def scan_files(folder: Path) -> tuple[list[EntryFile], dict[str, bytes]]:
    """List an entry's files (not ``.cm``/dotfiles) and read the copyable ones."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    _walk(folder, "", 1, found)
    files: list[EntryFile] = []
    copies: dict[str, bytes] = {}
    for rel, child in found:
        try:
            size = child.stat(follow_symlinks=False).st_size
        except OSError:
            continue  # gone since the listing
        href = ""
        if is_copyable(rel, size):
            data = read_head(child.path, MAX_COPY_BYTES)  # a regular file still, and no bigger
            if data is not None:
                copies[FILES_DIR + rel] = data
                href = FILES_DIR + quote(rel)
        files.append(EntryFile(rel=rel, size=size, href=href))
    return files, copies


def readme_text(files: list[EntryFile], copies: dict[str, bytes], folder: Path) -> str:
    """The top-level README's text (UTF-8, undecodable bytes replaced), or ''."""
    for name in README_NAMES:
        for item in files:
            if item.rel.lower() == name:
                data = copies.get(FILES_DIR + item.rel)
                if data is None:
                    data = read_head(folder / item.rel, MAX_README_BYTES)
                return (data or b"")[:MAX_README_BYTES].decode("utf-8", errors="replace")
    return ""
