"""Synced repositories as builds read them: the cache folder of each, and every repository of a
config at its locked commit, found without any network access."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import git

from generator.config import KbConfig, RepoSource
from generator.errors import GeneratorError
from generator.provenance.lockfile import LockedRepo, read_lock
from generator.sitepaths import UnservableName, segment


@dataclass(frozen=True)
class ResolvedRepo:
    """A repository ready to read: its CK folder and, for synced ones, URL and commit."""

    name: str
    path: Path
    url: str = ""
    commit: str = ""
    subdir: str = ""


def cache_folder(cache_dir: Path, want_name: str, url: str) -> Path:
    """A stable cache folder per repository name and URL; upstreams choose names, so the name goes
    through the site's path gate (``sitepaths.segment``: no separator, dot-folder or odd byte)."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    try:
        safe = segment(want_name)[:200]  # the URL's digest keeps a cut name apart
    except UnservableName:
        safe = "repo"
    return cache_dir / f"{safe}-{digest}"


def _head(folder: Path) -> str:
    try:
        with git.Repo(folder) as repo:
            return repo.head.commit.hexsha
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return ""


def _synced_path(config: KbConfig, pin: LockedRepo) -> Path:
    folder = cache_folder(config.cache_dir, pin.name, pin.url)
    if _head(folder) != pin.commit:
        raise GeneratorError(f"repository {pin.name} is not synced at its locked commit {pin.commit[:12]}",
                             path=folder, hint="run 'kb sync' (it needs no network when the cache has the commit)")
    return folder / pin.subdir if pin.subdir else folder


def resolved_repos(config: KbConfig) -> list[ResolvedRepo]:
    """Every repository a build reads, local and synced, without any network access."""
    lock = read_lock(config.lock_path)
    found: list[ResolvedRepo] = []
    for source in config.repos:
        if not source.is_remote:
            found.append(ResolvedRepo(source.label, (config.root / source.path).resolve()))
            continue
        pin = lock.get(source.label)
        if pin is None or pin.url != source.url:
            raise GeneratorError(f"repository {source.label} ({source.url}) is not in the lock",
                                 path=config.lock_path, hint="run 'kb sync' first")  # fmt: skip
        found.append(ResolvedRepo(pin.name, _synced_path(config, pin), pin.url, pin.commit, pin.subdir))
    for pin in sorted(lock.repos.values(), key=lambda p: p.name):
        if pin.required_by and all(r.name != pin.name for r in found):
            found.append(ResolvedRepo(pin.name, _synced_path(config, pin), pin.url, pin.commit, pin.subdir))
    return found


def remote_source_of(repo: ResolvedRepo, configured: RepoSource | None = None) -> RepoSource | None:
    """A source record (web URL + locked commit) for the provenance links of a synced repository."""
    if not repo.url:
        return None
    web = configured.web_url if configured is not None and configured.web_url else repo.url
    return RepoSource(url=web, rev=repo.commit, subdir=repo.subdir, name=repo.name,
                      profile=configured.profile if configured is not None else "")  # fmt: skip
