"""Incremental builds: a content-hash manifest of every file the generator wrote into the site.

Each output file is recorded with a key: a hash of everything its content depends on (for
component pages: the entry, its neighbours' labels, the theme shell, the code version). On the
next build an output whose key is unchanged, and whose file is still in the site, is neither
rendered nor written; outputs that are no longer produced are deleted. MkDocs cleans ``site/``
on a normal build, so the manifest only saves work on a non-clean build (``mkdocs serve`` and
``kb build --dirty``): the plugin checks a sentinel output to learn whether the site was cleaned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck.jsonio import write_text_atomic
from generator.errors import GeneratorError
from generator.portal.sitefiles import SiteFolder

FORMAT_VERSION = 1
# Bump when templates or generator code change the output for the same input.
CODE_VERSION = "portal-10"
CACHE_DIR_NAME = ".kb-cache"

Content = str | bytes


def digest(*parts: object) -> str:
    """A short stable hash of JSON-serialisable parts (keys of outputs and inputs)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def manifest_path(cache_dir: Path, site_dir: Path) -> Path:
    """One manifest per site folder (serve builds into a temporary folder of its own)."""
    tag = hashlib.blake2b(str(site_dir.resolve()).encode(), digest_size=6).hexdigest()
    return cache_dir / f"manifest-{tag}.json"


@dataclass
class Manifest:
    """Output path (relative to the site) → key of the content written there."""

    outputs: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group (an entry's URL) → its outputs
    site_dir: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest; a missing, unreadable or older-format file gives an empty one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
            return cls()
        if data.get("code_version") != CODE_VERSION or not isinstance(data.get("outputs"), dict):
            return cls()
        groups = data.get("groups") if isinstance(data.get("groups"), dict) else {}
        return cls(outputs={str(k): str(v) for k, v in data["outputs"].items()},
                   groups={str(k): [str(p) for p in v] for k, v in groups.items() if isinstance(v, list)},
                   site_dir=str(data.get("site_dir", "")))  # fmt: skip

    def save(self, path: Path) -> None:
        """Write the manifest atomically (a crash mid-build leaves the previous one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format_version": FORMAT_VERSION, "code_version": CODE_VERSION,
                "site_dir": self.site_dir, "outputs": dict(sorted(self.outputs.items())),
                "groups": dict(sorted(self.groups.items()))}  # fmt: skip
        # Compact: an indent switches json to its pure-Python encoder (45,000 outputs: ~0.5 s per rebuild).
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


@dataclass
class WriteCounts:
    """How many outputs were written, skipped as unchanged, and deleted as stale."""

    written: int = 0
    skipped: int = 0
    deleted: int = 0


class OutputWriter:
    """Writes site outputs, skipping unchanged ones when the site was not cleaned."""

    def __init__(self, site_dir: Path, previous: Manifest | None = None) -> None:
        self.site_dir = site_dir
        self.folder = SiteFolder(site_dir)
        self.previous = previous or Manifest()
        self.current = Manifest(site_dir=str(site_dir))
        self.counts = WriteCounts()
        self.refused: list[str] = []  # why outputs were not written (paths or content the gate refused)

    def is_current(self, relpath: str, key: str) -> bool:
        """True when the site already holds this output with this key."""
        return self.previous.outputs.get(relpath) == key

    def emit(self, relpath: str, key: str | None, produce: Callable[[], Content]) -> bool:
        """Record an output; render and write it unless its key is unchanged. True if written."""
        if key is not None and self.is_current(relpath, key):
            self.current.outputs[relpath] = key
            self.counts.skipped += 1
            return False
        try:
            content = produce()
            data = content.encode("utf-8") if isinstance(content, str) else content
        except (GeneratorError, UnicodeEncodeError) as exc:
            self.refused.append(f"{relpath}: {exc}")
            return False
        if key is None:
            key = "c" + hashlib.blake2b(data, digest_size=12).hexdigest()
            if self.is_current(relpath, key):
                self.current.outputs[relpath] = key
                self.counts.skipped += 1
                return False
        if not self._write(relpath, data):
            return False
        self.current.outputs[relpath] = key
        self.counts.written += 1
        return True

    def keep_group(self, group: str, key: str) -> bool:
        """Keep a whole group (an entry's page, JSON, API file, redirects) when its key is unchanged."""
        members = self.previous.groups.get(group)
        if not members or any(self.previous.outputs.get(p) != key for p in members):
            return False
        for relpath in members:
            self.current.outputs[relpath] = key
        self.current.groups[group] = members
        self.counts.skipped += len(members)
        return True

    def emit_group(self, group: str, key: str, files: dict[str, Content]) -> None:
        """Write every file of a group under one key."""
        for relpath, content in files.items():
            self.write(relpath, content)
        self.record_group(group, key, list(files))

    def record_group(self, group: str, key: str, paths: list[str]) -> None:
        """Record a group written elsewhere (by a worker process) under one key."""
        for relpath in paths:
            self.current.outputs[relpath] = key
        self.current.groups[group] = paths
        self.counts.written += len(paths)

    def write(self, relpath: str, content: Content) -> bool:
        """Write one file now, unrecorded (``record_group`` records it); False when it was refused."""
        try:
            data = content.encode("utf-8") if isinstance(content, str) else content
        except UnicodeEncodeError as exc:
            self.refused.append(f"{relpath}: not valid Unicode text ({exc.reason})")
            return False
        return self._write(relpath, data)

    def _write(self, relpath: str, data: bytes) -> bool:
        try:
            self.folder.write(relpath, data)
        except GeneratorError as exc:
            self.refused.append(f"{relpath}: {exc.message}")
            return False
        return True

    def remove_stale(self, keep: Iterable[str] = ()) -> None:
        """Delete outputs of the previous build that this build did not produce."""
        kept = set(keep)
        for relpath in self.previous.outputs.keys() - self.current.outputs.keys() - kept:
            if self.folder.remove(relpath):
                self.counts.deleted += 1


def sentinel_holds(site_dir: Path, manifest: Manifest, relpath: str) -> bool:
    """True when the site still holds the manifest's build (MkDocs did not clean it)."""
    key = manifest.outputs.get(relpath, "")
    if not key.startswith("c"):
        return False
    data = SiteFolder(site_dir).read_bytes(relpath)
    if data is None:
        return False
    return "c" + hashlib.blake2b(data, digest_size=12).hexdigest() == key
