"""Where the search index lives (a cache folder outside every KB repository) and its manifest.

Whoosh reads parts of its index with pickle, so an index is only ever opened from a folder that
we created ourselves under the user's cache, never from a repository or any other Git work tree (a
pull request could ship a crafted one), and never from a relative ``KB_CACHE_DIR`` (which would
name a folder inside whatever checkout kb runs in). The manifest records the schema version, the
repository set and, per entry folder, the stat signature and content hash that decide incremental
updates.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.jsonio import write_text_atomic
from generator.errors import UsageError
from generator.provenance.gitdir import find_git

CACHE_ENV = "KB_CACHE_DIR"
MANIFEST = "manifest.json"
STATE = "state.json"  # small: lets an unchanged KB skip reading the per-entry manifest


def cache_root() -> Path:
    """``$KB_CACHE_DIR``, else ``$XDG_CACHE_HOME/reef-kb``, else ``~/.cache/reef-kb``; a relative
    value of either variable is ignored, as the XDG spec asks."""
    explicit = _absolute(os.environ.get(CACHE_ENV))
    if explicit is not None:
        return explicit.resolve()
    base = _absolute(os.environ.get("XDG_CACHE_HOME")) or Path.home() / ".cache"
    return (base / "reef-kb").resolve()


def _absolute(value: str | None) -> Path | None:
    path = Path(value).expanduser() if value else None
    return path if path is not None and path.is_absolute() else None


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
    return check_index_folder(folder)


def check_index_folder(folder: Path) -> Path:
    """``folder`` when an index may be opened from it: an absolute path outside every Git work tree
    (a checkout, a clone, a synced repository could all carry a crafted index)."""
    if not folder.is_absolute():
        raise UsageError(f"the search index folder {folder} is a relative path", hint=_HINT)
    checkout = find_git(folder)
    if checkout is not None:
        raise UsageError(f"the search index folder {folder} is inside the Git work tree {checkout[0]}: a "
                         "checkout could carry a crafted index, and Whoosh unpickles what it opens", hint=_HINT)
    return folder


_HINT = f"set {CACHE_ENV} to an absolute folder outside every Git work tree (default: ~/.cache/reef-kb)"


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

    def save(self, folder: Path, scan_digest: str, indexed: int, quick: str = "") -> None:
        """Write the manifest, then the small state file, atomically (after the index commit)."""
        data = {"schema_version": self.schema_version, "repos": self.repos, "entries": self.entries}
        (folder / STATE).unlink(missing_ok=True)
        write_text_atomic(folder / MANIFEST, json.dumps(data, separators=(",", ":"), sort_keys=True))
        IndexState(self.schema_version, self.repos, scan_digest, indexed, quick, time.time()).save(folder)

    def matches(self, schema_version: int, repos: list[str]) -> bool:
        """Whether the cached index was built by this schema for these repositories."""
        return self.schema_version == schema_version and self.repos == repos


@dataclass(frozen=True)
class IndexState:
    """The small state file: what the last full scan saw (its digest and the quick signature) and when."""

    schema_version: int
    repos: list[str]
    scan: str
    indexed: int
    quick: str = ""
    verified_at: float = 0.0

    @classmethod
    def load(cls, folder: Path) -> IndexState | None:
        """The state of an index folder, or None when it is missing or unreadable."""
        try:
            data = json.loads((folder / STATE).read_text(encoding="utf-8"))
            return cls(int(data["schema_version"]), [str(r) for r in data["repos"]], str(data["scan"]),
                       int(data["indexed"]), str(data.get("quick", "")), float(data.get("verified_at", 0)))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, folder: Path) -> None:
        """Write the state atomically."""
        write_text_atomic(folder / STATE, json.dumps(asdict(self), sort_keys=True))

    def unchanged(self, schema_version: int, repos: list[str], scan_digest: str) -> bool:
        """Whether a full scan with this digest found what the index already holds."""
        return (self.schema_version, self.repos, self.scan) == (schema_version, repos, scan_digest)

    def quick_match(self, schema_version: int, repos: list[str], quick: str) -> bool:
        """Whether the quick signature is the one saved with the last full scan."""
        return bool(quick) and (self.schema_version, self.repos, self.quick) == (schema_version, repos, quick)

    def verified(self, quick: str) -> IndexState:
        """This state re-confirmed by a full scan now, with the quick signature taken before it."""
        return IndexState(self.schema_version, self.repos, self.scan, self.indexed, quick, time.time())
