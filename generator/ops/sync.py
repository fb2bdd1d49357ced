"""The sync job: bring remote repositories to their pinned (or updated) revisions."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from generator.config import CONFIG_NAME, KbConfig, find_config
from generator.errors import UsageError
from generator.ops.repos import register_remote
from generator.ops.workspace import load_kb_config
from generator.provenance.lockfile import LockFile, read_lock
from generator.provenance.sync import ProgressFn, SyncOutcome, sync_repositories
from generator.provenance.synced import ResolvedRepo, resolved_repos

__all__ = ["ResolvedRepo", "SyncOutcome", "add_remote", "load_sync_config", "resolved_repos", "sync"]


def load_sync_config(config_path: Path | None, cwd: Path) -> KbConfig:
    """The kb configuration whose repositories are synced."""
    config = load_kb_config(config_path, cwd)
    if config is None:
        raise UsageError("no mkdocs.yml found here or above", hint="pass --config mkdocs.yml")
    return config


def add_remote(config_path: Path | None, cwd: Path, url: str, subdir: str = "") -> tuple[Path, str]:
    """List a Git repository in the given or nearest mkdocs.yml (a new one in ``cwd`` when there is none);
    (the config file, the line added or '' when it was listed already)."""
    path = config_path or find_config(cwd) or cwd / CONFIG_NAME
    return path, register_remote(path, url, subdir)


def sync(config: KbConfig, *, update: bool | Collection[str] = False,
         progress: ProgressFn | None = None) -> SyncOutcome:  # fmt: skip
    """Sync every remote repository; with ``update``, move the pins (all, or the named ones).
    Without any Git repository in mkdocs.yml (and no kb.lock yet) there is nothing to pin: no
    kb.lock is written."""
    if not any(s.is_remote for s in config.repos) and not config.lock_path.exists():
        nothing = "nothing to sync: mkdocs.yml lists no Git repositories (no kb.lock written)"
        return SyncOutcome(LockFile(), warnings=[nothing])
    if not isinstance(update, bool):
        known = {s.label for s in config.repos if s.is_remote} | set(read_lock(config.lock_path).repos)
        unknown = sorted(set(update) - known)
        if unknown:
            raise UsageError(f"unknown repository {', '.join(unknown)} (synced: {', '.join(sorted(known)) or 'none'})")
    return sync_repositories(config, update=update, progress=progress)

