"""The files of an entry folder: listed on its page; only images published, as downloads.

Entry folders may hold anything (scripts, HTML, SVG, text that is valid JavaScript). The site must
never serve contributor bytes a browser could run from its own origin: a ``.txt`` file is a script
to ``<script src>`` wherever ``X-Content-Type-Options: nosniff`` is not sent (most static hosts).
So only images are copied (browsers refuse ``image/*`` as script and, in standards mode, as a style
sheet), under ``files/`` with every name through ``generator.sitepaths``, each under a size cap;
other files link to the repository's web view when it is known. Symlinks are never followed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.ck.limits import MAX_COPY_BYTES, MAX_FILE_DEPTH, MAX_FILES_PER_ENTRY, MAX_README_BYTES
from generator.ck.reading import read_head
from generator.sitepaths import is_servable, segment

COPY_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})  # served as image/*: inert
MAX_LISTED = MAX_FILES_PER_ENTRY
MAX_DEPTH = MAX_FILE_DEPTH
FILES_DIR = "files/"
README_NAMES = ("readme.md", "readme.markdown", "readme.txt", "readme")


@dataclass(frozen=True)
class EntryFile:
    """One file of an entry: its path inside the folder, size, and where a reader can get it."""

    rel: str  # as shown: bytes that are not UTF-8 appear as U+FFFD
    size: int
    href: str  # the copy in the site ('' when not copied)
    source: str = ""  # the file in the repository's web view ('' when unknown)
    raw: str = ""  # the name on disk (may hold undecodable bytes as surrogate escapes)

    @property
    def link(self) -> str:
        """Where the file's name links to ('' for none)."""
        return self.href or self.source

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


def shown(name: str) -> str:
    """A file name as text: undecodable bytes (surrogate escapes) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def site_path(rel: str) -> str:
    """Where a copied file lives in the entry's page folder ('' when a part of its path cannot be served)."""
    parts = rel.split("/")
    return FILES_DIR + "/".join(segment(p) for p in parts) if all(is_servable(p) for p in parts) else ""


def is_copyable(rel: str, size: int) -> bool:
    """Whether a file may be served from the site: an image, small enough, with a servable path."""
    return Path(rel).suffix.lower() in COPY_SUFFIXES and size <= MAX_COPY_BYTES and bool(site_path(rel))


def scan_files(folder: Path, source_url: Callable[[str], str] | None = None,
               ) -> tuple[list[EntryFile], dict[str, bytes]]:  # fmt: skip
    """List an entry's files (not ``.cm``/dotfiles), read the images to copy; ``source_url`` links the rest."""
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
                href = site_path(rel)
                copies[href] = data
        text = shown(rel)
        source = source_url(rel) if source_url and not href and text == rel else ""
        files.append(EntryFile(rel=text, size=size, href=href, source=source, raw=rel))
    return files, copies


def readme_text(files: list[EntryFile], folder: Path) -> str:
    """The top-level README's text (UTF-8, undecodable bytes replaced), or ''."""
    for name in README_NAMES:
        for item in files:
            if item.rel.lower() == name:
                data = read_head(folder / item.raw, MAX_README_BYTES)
                return (data or b"")[:MAX_README_BYTES].decode("utf-8", errors="replace")
    return ""


def file_links(files: list[EntryFile]) -> dict[str, str]:
    """Relative path (as Markdown writes it) → where it links, for the entry's README."""
    return {item.rel: item.link for item in files if item.link}
