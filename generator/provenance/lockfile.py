"""``kb.lock``: the resolved commit of every synced repository, so builds are reproducible."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.jsonio import read_json_object, write_json_atomic
from generator.errors import GeneratorError

LOCK_FORMAT_VERSION = 1


@dataclass(frozen=True)
class LockedRepo:
    """One pinned repository: where it comes from, what was asked for, and the commit it resolved to."""

    name: str
    url: str
    commit: str
    requested: str = ""
    subdir: str = ""
    required_by: str = ""  # the repository whose repo_deps brought it in ('' = configured)
    repo_deps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON file."""
        data = asdict(self)
        data["repo_deps"] = list(self.repo_deps)
        return data


@dataclass
class LockFile:
    """All pinned repositories, keyed by name."""

    repos: dict[str, LockedRepo] = field(default_factory=dict)

    def get(self, name: str) -> LockedRepo | None:
        """The pin of a repository, if any."""
        return self.repos.get(name)

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form, repositories sorted by name."""
        return {"format_version": LOCK_FORMAT_VERSION,
                "repositories": [self.repos[k].to_dict() for k in sorted(self.repos)]}  # fmt: skip


def _locked_repo(item: Any, path: Path) -> LockedRepo:
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("name", "url", "commit")):
        raise GeneratorError("every repository in the lock needs string 'name', 'url' and 'commit'", path=path,
                             hint="delete the lock and run 'kb sync' to write a new one")  # fmt: skip
    known = {k: item[k] for k in ("name", "url", "commit", "requested", "subdir", "required_by") if k in item}
    deps = tuple(str(d) for d in item.get("repo_deps", []) if isinstance(d, str))
    return LockedRepo(**known, repo_deps=deps)


def read_lock(path: Path) -> LockFile:
    """Read a lock file; a missing file is an empty lock, a newer format is refused."""
    if not path.is_file():
        return LockFile()
    data = read_json_object(path)
    version = data.get("format_version")
    if not isinstance(version, int) or version > LOCK_FORMAT_VERSION:
        raise GeneratorError(f"lock format {version!r} is not supported (this kb reads {LOCK_FORMAT_VERSION})",
                             path=path, hint="upgrade reef-kb, or delete the lock and run 'kb sync'")  # fmt: skip
    items = data.get("repositories", [])
    if not isinstance(items, list):
        raise GeneratorError("'repositories' must be a list", path=path)
    repos = [_locked_repo(item, path) for item in items]
    return LockFile({r.name: r for r in repos})


def write_lock(path: Path, lock: LockFile) -> None:
    """Write the lock atomically (old or new file, never half)."""
    write_json_atomic(path, lock.to_dict())
