"""Sync remote CK repositories into a cache at pinned revisions, following ``repo_deps`` like CK.

Two phases keep failures harmless: first every repository is fetched (new ones into a hidden
temp clone) and its revision resolved and checked (``.ckr.json`` present) without touching any
checkout; then the checkouts are moved and the lock rewritten. A repository that fails (a refused
URL, any Git error) is one error in the outcome: it keeps its old pin and checkout, its repo_deps
are not followed, and every other repository is synced all the same. URLs an upstream names are
held to ``remote_urls.UrlPolicy``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from generator.ck.jsonio import decode_json_bytes
from generator.config import KbConfig
from generator.errors import BadJSON, GeneratorError
from generator.provenance.lockfile import LockedRepo, LockFile, read_lock, write_lock
from generator.provenance.remote_urls import UrlPolicy
from generator.provenance.synced import cache_folder
from generator.provenance.tree_changes import EntryChanges, entry_changes

ProgressFn = Callable[[str, str, float], None]
DEFAULT_REPO_URL = "https://github.com/ctuning/{repo_uoa}"
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_LFS_SKIP_SMUDGE": "1", "GIT_ASKPASS": "true"}


@dataclass(frozen=True)
class RepoWant:
    """A repository to sync: configured, or required by another one's ``repo_deps``."""

    name: str
    url: str
    requested: str = ""
    subdir: str = ""
    chain: tuple[str, ...] = ()  # names of the repositories that led here (for cycle reports)
    from_config: bool = True  # the URL is written in mkdocs.yml (repos or repo_map), not by an upstream

    @property
    def required_by(self) -> str:
        """The repository whose repo_deps named this one ('' when configured)."""
        return self.chain[-1] if self.chain else ""


@dataclass
class _Staged:
    want: RepoWant
    repo: git.Repo
    commit: str
    deps: list[RepoWant]
    temp_dir: Path | None  # a fresh clone waiting to be moved into the cache
    fetched: bool


@dataclass
class SyncOutcome:
    """What a sync did: the new lock, moved pins with their entry changes, fetches and warnings."""

    lock: LockFile
    changes: dict[str, EntryChanges] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one per repository that could not be synced


class _Progress(git.RemoteProgress):
    """Forwards GitPython's clone/fetch progress to a callback (the CLI draws it)."""

    def __init__(self, name: str, callback: ProgressFn | None) -> None:
        super().__init__()
        self._name, self._callback = name, callback

    def update(self, op_code: int, cur_count: Any, max_count: Any = None, message: str = "") -> None:
        if self._callback is not None:
            fraction = float(cur_count) / float(max_count) if max_count else 0.0
            self._callback(self._name, message or "transferring", min(fraction, 1.0))


def _fail(want: RepoWant, what: str, hint: str = "") -> GeneratorError:
    via = f", required by {want.required_by}" if want.required_by else ""
    return GeneratorError(f"repository {want.name} ({want.url}{via}): {what}", hint=hint)


def _git_error_text(exc: Exception, progress: git.RemoteProgress | None = None) -> str:
    """The telling line of a Git or GitPython error (with a progress handler, Git's stderr went to
    it: its first 'fatal:'/'error:' line)."""
    if progress is not None and progress.error_lines:
        return progress.error_lines[0].strip()[:300]
    text = str(exc.stderr or exc) if isinstance(exc, git.GitCommandError) else str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1].strip("'")[:300] if lines else type(exc).__name__


GIT_FAILURES = (git.exc.GitError, OSError, ValueError)  # everything GitPython and Git can raise on bad input


def _env(url: str, policy: UrlPolicy) -> dict[str, str]:
    """Git's environment for one repository: no prompts, no LFS, and only the URL's own protocol
    (redirects and anything else Git would open on the way included)."""
    return {**_GIT_ENV, "GIT_ALLOW_PROTOCOL": policy.git_protocols(url)}


def _clone(want: RepoWant, cache_dir: Path, env: dict[str, str], progress: ProgressFn | None) -> tuple[git.Repo, Path]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".tmp-clone-", dir=cache_dir))
    reporter = _Progress(want.name, progress)
    try:
        repo = git.Repo.clone_from(want.url, temp / "repo", no_checkout=True, env=env, progress=reporter)
        with repo.config_writer() as cfg:  # before any checkout: links become plain files
            cfg.set_value("core", "symlinks", "false")
    except GIT_FAILURES as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise _fail(want, f"cannot clone: {_git_error_text(exc, reporter)}", "check the URL and your network") from None
    return repo, temp


def _fetch(want: RepoWant, repo: git.Repo, env: dict[str, str], progress: ProgressFn | None) -> None:
    reporter = _Progress(want.name, progress)
    try:
        with repo.git.custom_environment(**env):
            repo.remote("origin").fetch(progress=reporter, tags=True, force=True)
    except GIT_FAILURES as exc:
        raise _fail(want, f"cannot fetch: {_git_error_text(exc, reporter)}", "check the URL and your network") from None


def _has_commit(repo: git.Repo, sha: str) -> bool:
    try:
        repo.git.cat_file("-e", f"{sha}^{{commit}}")
    except git.GitCommandError:
        return False
    return True


def _resolve(repo: git.Repo, want: RepoWant) -> str:
    """The commit a requested branch, tag or commit names ('' = the remote's default branch)."""
    candidates = [f"origin/{want.requested}", f"refs/tags/{want.requested}", want.requested]
    if not want.requested:
        candidates = ["refs/remotes/origin/HEAD", "origin/main", "origin/master"]
    for candidate in candidates:
        try:
            return str(repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}"))
        except git.GitCommandError:
            continue
    raise _fail(want, f"revision {want.requested or 'HEAD'!r} not found",
                "check the branch, tag or commit in mkdocs.yml")  # fmt: skip


def _read_ckr(repo: git.Repo, commit: str, want: RepoWant) -> dict[str, Any]:
    path = "/".join(p for p in (want.subdir.strip("/"), ".ckr.json") if p)
    try:
        blob = repo.commit(commit).tree / path
    except KeyError:
        raise _fail(want, f"no .ckr.json at {path!r} in commit {commit[:12]}: not a CK repository",
                    "set 'subdir' to the folder that holds .ckr.json") from None  # fmt: skip
    try:
        data = decode_json_bytes(blob.data_stream.read(), f"{want.name}:{path}")
    except BadJSON as exc:
        raise _fail(want, f"unreadable .ckr.json: {exc.message}") from None
    return data if isinstance(data, dict) else {}


def dep_wants(ckr: dict[str, Any], parent: RepoWant, options: dict[str, Any]) -> list[RepoWant]:
    """Repositories a ``.ckr.json`` depends on, with URLs resolved like CK (or by the config's map)."""
    extra = ckr.get("dict") if isinstance(ckr.get("dict"), dict) else {}
    deps = extra.get("repo_deps", ckr.get("repo_deps", []))
    repo_map = options.get("repo_map") or {}
    template = str(options.get("default_repo_url") or DEFAULT_REPO_URL)
    wants = []
    for dep in deps if isinstance(deps, list) else []:
        uoa = dep.get("repo_uoa") if isinstance(dep, dict) else None
        if not isinstance(uoa, str) or not uoa:
            continue
        mapped = repo_map.get(uoa) if isinstance(repo_map, dict) else None
        url = mapped or dep.get("repo_url") or dep.get("url") or template.format(repo_uoa=uoa)
        wants.append(RepoWant(name=uoa, url=str(url), chain=(*parent.chain, parent.name), from_config=bool(mapped)))
    return wants


class _Syncer:
    """One sync run: stages every repository, then commits the checkouts and the lock."""

    def __init__(self, config: KbConfig, update: bool | Collection[str], progress: ProgressFn | None) -> None:
        self.config, self.update, self.progress = config, update, progress
        self.cache_dir = config.cache_dir
        self.old = read_lock(config.lock_path)
        self.staged: dict[str, _Staged] = {}
        self.outcome = SyncOutcome(lock=LockFile())
        self.local_aliases = {s.label for s in config.repos if not s.is_remote}
        repo_map = config.options.get("repo_map") or {}
        named = [s.url for s in config.repos if s.is_remote] + [str(u) for u in dict(repo_map).values()]
        self.policy = UrlPolicy.from_options(config.options, named)
        self.failed: set[str] = set()

    def _moving(self, want: RepoWant) -> bool:
        pinned = self.old.get(want.name)
        asked = self.update is True or (not isinstance(self.update, bool) and want.name in self.update)
        changed = pinned is None or pinned.url != want.url or pinned.requested != want.requested
        return asked or changed or pinned.subdir != want.subdir

    def _open(self, want: RepoWant) -> tuple[git.Repo, Path | None, bool]:
        folder = cache_folder(self.cache_dir, want.name, want.url)
        if (folder / ".git").is_dir():
            try:
                return git.Repo(folder), None, False
            except GIT_FAILURES as exc:
                raise _fail(want, f"the cached clone is damaged: {_git_error_text(exc)}",
                            f"delete {folder} and sync again") from None  # fmt: skip
        repo, temp = _clone(want, self.cache_dir, _env(want.url, self.policy), self.progress)
        return repo, temp, True

    def stage(self, want: RepoWant) -> _Staged:
        """Check the URL, fetch as needed and resolve the commit, leaving every checkout as it was."""
        refusal = self.policy.refusal(want.url, from_config=want.from_config)
        if refusal:
            raise _fail(want, f"refused: {refusal}", "name the repository in mkdocs.yml if you trust it")
        repo, temp, fetched = self._open(want)
        try:
            staged = self._stage_in(want, repo, fetched, temp)
        except GIT_FAILURES as exc:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
            raise _fail(want, f"git failed: {_git_error_text(exc)}") from None
        except BaseException:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
            raise
        self.staged[want.name] = staged
        return staged

    def _stage_in(self, want: RepoWant, repo: git.Repo, fetched: bool, temp: Path | None) -> _Staged:
        env = _env(want.url, self.policy)
        pinned = self.old.get(want.name)
        if not self._moving(want) and pinned is not None:
            if not _has_commit(repo, pinned.commit) and not fetched:
                _fetch(want, repo, env, self.progress)
                fetched = True
            if not _has_commit(repo, pinned.commit):
                raise _fail(want, f"locked commit {pinned.commit[:12]} is no longer upstream "
                                  "(was the branch force-pushed?)",
                            f"run 'kb sync --update {want.name}' to pin the current revision")  # fmt: skip
            commit = pinned.commit
        else:
            if not fetched:
                _fetch(want, repo, env, self.progress)
                fetched = True
            commit = _resolve(repo, want)
        deps = dep_wants(_read_ckr(repo, commit, want), want, self.config.options)
        return _Staged(want, repo, commit, deps, temp, fetched)

    def run(self) -> SyncOutcome:
        """Stage all (breadth-first over repo_deps), then check out and write the lock; a repository
        that fails becomes one error and the others go on."""
        queue = [RepoWant(s.label, s.url, s.wanted, s.subdir) for s in self.config.repos if s.is_remote]
        try:
            while queue:
                want = queue.pop(0)
                if want.name in want.chain:
                    cycle = " → ".join([*want.chain[want.chain.index(want.name):], want.name])
                    self.outcome.warnings.append(f"repo_deps cycle: {cycle} (each repository is synced once)")
                    continue
                if want.name in self.staged or want.name in self.failed or want.name in self.local_aliases:
                    continue
                try:
                    staged = self.stage(want)
                except GeneratorError as exc:
                    self._failed(want, exc)
                    continue
                queue.extend(staged.deps)
        except BaseException:
            for staged in self.staged.values():
                if staged.temp_dir is not None:
                    shutil.rmtree(staged.temp_dir, ignore_errors=True)
            raise
        self._commit()
        return self.outcome

    def _failed(self, want: RepoWant, exc: GeneratorError) -> None:
        self.failed.add(want.name)
        self.outcome.errors.append(exc.headline() + (f" (hint: {exc.hint})" if exc.hint else ""))

    def _commit(self) -> None:
        for name, staged in self.staged.items():
            try:
                self._check_out(name, staged)
            except GIT_FAILURES as exc:
                self._failed(staged.want, _fail(staged.want, f"cannot check out: {_git_error_text(exc)}"))
                continue
            self._record(staged)
        self._keep_old_pins()
        write_lock(self.config.lock_path, self.outcome.lock)

    def _check_out(self, name: str, staged: _Staged) -> None:
        folder = cache_folder(self.cache_dir, name, staged.want.url)
        if staged.temp_dir is not None:
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(staged.temp_dir / "repo", folder)
            shutil.rmtree(staged.temp_dir, ignore_errors=True)
            staged.repo = git.Repo(folder)
        _checkout(staged.repo, staged.commit)

    def _keep_old_pins(self) -> None:
        """A failed repository, and what it pulled in before, keeps its old pin: its checkout was not touched."""
        carried = set(self.failed)
        grew = True
        while grew:
            grew = False
            for pin in self.old.repos.values():
                if pin.name not in self.outcome.lock.repos and (pin.name in carried or pin.required_by in carried):
                    self.outcome.lock.repos[pin.name] = pin
                    carried.add(pin.name)
                    grew = True

    def _record(self, staged: _Staged) -> None:
        want = staged.want
        old = self.old.get(want.name)
        if staged.fetched:
            self.outcome.fetched.append(want.name)
        if old is not None and old.commit != staged.commit and _has_commit(staged.repo, old.commit):
            self.outcome.changes[want.name] = entry_changes(staged.repo, old.commit, staged.commit, want.subdir)
        elif old is None:
            self.outcome.changes[want.name] = entry_changes(staged.repo, None, staged.commit, want.subdir)
        self.outcome.lock.repos[want.name] = LockedRepo(
            name=want.name, url=want.url, commit=staged.commit, requested=want.requested,
            subdir=want.subdir, required_by=want.required_by, repo_deps=tuple(d.name for d in staged.deps))  # fmt: skip


def _checkout(repo: git.Repo, commit: str) -> None:
    """Put the work tree exactly at the commit (a fresh --no-checkout clone looks clean but is empty)."""
    repo.git.checkout("--detach", "--force", commit)
    repo.git.clean("-ffdx")


def sync_repositories(config: KbConfig, *, update: bool | Collection[str] = False,
                      progress: ProgressFn | None = None) -> SyncOutcome:  # fmt: skip
    """Clone or fetch every remote repository (and its repo_deps), check out the pins, write the lock."""
    return _Syncer(config, update, progress).run()
