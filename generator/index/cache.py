"""Where the search index lives (a cache folder outside every KB repository) and its manifest.

Whoosh reads parts of its index with pickle, so an index is only ever opened from a folder that
we created ourselves under the user's cache, never from a repository (a pull request could ship a
crafted one). The manifest records the schema version, the repository set and, per entry folder,
the stat signature and content hash that decide incremental updates.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.jsonio import write_text_atomic
from generator.errors import UsageError

CACHE_ENV = "KB_CACHE_DIR"
MANIFEST = "manifest.json"
STATE = "state.json"  # small: lets an unchanged KB skip reading the per-entry manifest


def cache_root() -> Path:
    """``$KB_CACHE_DIR``, else ``$XDG_CACHE_HOME/reef-kb``, else ``~/.cache/reef-kb``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base) / "reef-kb").resolve()


def repo_set_id(repo_paths: Sequence[Path]) -> str:
    """A short stable id of a set of repository folders (order does not matter)."""
    text = "\n".join(sorted(str(Path(p).resolve()) for p in repo_paths))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def index_folder(repo_paths: Sequence[Path], root: Path | None = None) -> Path:
    """The cache folder of the index for these repositories, refused if it lies inside one of them."""
    folder = (root or cache_root()) / "index" / repo_set_id(repo_paths)
    for repo in repo_paths:
        repo = Path(repo).resolve()
        if folder == repo or repo in folder.parents:
            raise UsageError(f"the search index cache {folder} is inside the KB repository {repo}",
                             hint=f"set {CACHE_ENV} to a folder outside every repository")  # fmt: skip
    return folder


@dataclass
class Manifest:
    """What the cached index holds: schema version, repositories and per-entry signature/hash."""

    schema_version: int
    repos: list[str]
    entries: dict[str, list[Any]] = field(default_factory=dict)  # key -> [signature, content hash]

    @classmethod
    def load(cls, folder: Path) -> Manifest | None:
        """The manifest in an index folder, or None when it is missing or unreadable."""
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            entries = data["entries"]
            if not isinstance(entries, dict):
                return None
            return cls(int(data["schema_version"]), [str(r) for r in data["repos"]], entries)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, folder: Path, scan_digest: str, indexed: int) -> None:
        """Write the manifest, then the small state file, atomically (after the index commit)."""
        data = {"schema_version": self.schema_version, "repos": self.repos, "entries": self.entries}
        (folder / STATE).unlink(missing_ok=True)
        write_text_atomic(folder / MANIFEST, json.dumps(data, separators=(",", ":"), sort_keys=True))
        state = {"schema_version": self.schema_version, "repos": self.repos, "scan": scan_digest,
                 "indexed": indexed}  # fmt: skip
        write_text_atomic(folder / STATE, json.dumps(state, sort_keys=True))

    @staticmethod
    def unchanged(folder: Path, schema_version: int, repos: list[str], scan_digest: str) -> int | None:
        """How many documents the index holds if nothing changed since it was saved, else None."""
        try:
            state = json.loads((folder / STATE).read_text(encoding="utf-8"))
            same = (state["schema_version"], state["repos"], state["scan"]) == (schema_version, repos, scan_digest)
            return int(state["indexed"]) if same else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def matches(self, schema_version: int, repos: list[str]) -> bool:
        """Whether the cached index was built by this schema for these repositories."""
        return self.schema_version == schema_version and self.repos == repos
