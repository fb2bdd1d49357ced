"""The search index of a set of repositories: kept up to date incrementally, rebuilt when needed.

``KbIndex.refresh`` compares each entry folder's stat signature with the manifest, hashes only
folders whose signature moved, and re-indexes only entries whose content hash changed. A missing,
stale (schema version or repository set) or corrupt index is rebuilt from scratch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

from generator.ck.store import Repo
from generator.errors import GeneratorError, LockTimeout
from generator.index.cache import Manifest, index_folder
from generator.index.documents import SearchDoc, content_hash, document_for
from generator.index.model import RefreshStats, SearchHit, SearchRequest, SearchResults
from generator.index.scan import FolderState, scan_repos
from generator.index.whoosh_engine import SCHEMA_VERSION, WhooshEngine

UNREADABLE = "!"  # manifest hash of an entry that could not be read (not in the index)
LOCK_SECONDS = 300


class KbIndex:
    """The Whoosh index of some repositories, in its cache folder."""

    def __init__(self, repos: Sequence[Repo], folder: Path) -> None:
        self.repos = list(repos)
        self.folder = folder
        self.engine = WhooshEngine(folder)
        self._by_path = {repo.path: repo for repo in self.repos}
        self._repo_ids = sorted(str(repo.path) for repo in self.repos)
        self._ready = False

    @classmethod
    def for_repos(cls, repos: Sequence[Repo], cache_root: Path | None = None) -> KbIndex:
        """The index of these repositories in the user's cache (or under ``cache_root``)."""
        return cls(repos, index_folder([r.path for r in repos], cache_root))

    def _lock(self) -> FileLock:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.folder) + ".lock", timeout=LOCK_SECONDS)

    # -- keeping it up to date ------------------------------------------------------------------

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the repositories (under a lock shared by processes)."""
        try:
            with self._lock():
                stats = self._refresh_locked()
        except Timeout:
            raise LockTimeout(f"another kb process has held the search index lock for {LOCK_SECONDS} s",
                              path=str(self.folder) + ".lock",
                              hint="wait for it, or delete the lock file if no kb runs") from None  # fmt: skip
        self._ready = True
        return stats

    def _refresh_locked(self) -> RefreshStats:
        states = scan_repos(self.repos)
        manifest = Manifest.load(self.folder)
        reason = self._stale_reason(manifest)
        if reason or manifest is None:
            return self._rebuild(states, reason)
        return self._update(states, manifest)

    def _stale_reason(self, manifest: Manifest | None) -> str:
        if manifest is None:
            return "missing"
        if not manifest.matches(SCHEMA_VERSION, self._repo_ids):
            return "stale"
        if not self.engine.try_open():
            return "corrupt"
        indexed = sum(1 for _, digest in manifest.entries.values() if digest != UNREADABLE)
        return "" if self.engine.doc_count == indexed else "corrupt"

    def _load(self, state: FolderState) -> SearchDoc | None:
        repo = self._by_path.get(state.repo_path)
        ref = repo.find(state.module, state.folder) if repo is not None else None
        if repo is None or ref is None:
            return None
        try:
            return document_for(repo.load(ref))
        except GeneratorError:
            return None

    def _rebuild(self, states: dict[str, FolderState], reason: str) -> RefreshStats:
        manifest = Manifest(SCHEMA_VERSION, self._repo_ids)
        skipped: list[str] = []

        def documents() -> Iterator[SearchDoc]:
            for key, state in states.items():
                digest = content_hash(state.path)
                doc = self._load(state)
                manifest.entries[key] = [state.signature, digest if doc is not None else UNREADABLE]
                if doc is None:
                    skipped.append(key)
                else:
                    yield doc

        count = self.engine.build(documents(), len(states))
        manifest.save(self.folder)
        return RefreshStats(rebuilt=True, added=count, skipped=skipped, reason=reason)

    def _update(self, states: dict[str, FolderState], manifest: Manifest) -> RefreshStats:
        upserts: list[SearchDoc] = []
        added = updated = unchanged = 0
        skipped: list[str] = []
        dirty = False
        for key, state in states.items():
            known = manifest.entries.get(key)
            if known is not None and known[0] == state.signature:
                unchanged += 1
                continue
            digest = content_hash(state.path)
            dirty = True
            if known is not None and known[1] == digest:
                manifest.entries[key] = [state.signature, digest]
                unchanged += 1
                continue
            doc = self._load(state)
            manifest.entries[key] = [state.signature, digest if doc is not None else UNREADABLE]
            if doc is None:
                skipped.append(key)
                continue
            upserts.append(doc)
            if known is None or known[1] == UNREADABLE:
                added += 1
            else:
                updated += 1
        gone = [key for key in manifest.entries if key not in states]
        deletes = [key for key in gone if manifest.entries[key][1] != UNREADABLE]
        deletes += [key for key in skipped if key in manifest.entries]
        for key in gone:
            del manifest.entries[key]
        if upserts or deletes:
            self.engine.update(upserts, deletes)
        if dirty or gone:
            manifest.save(self.folder)
        return RefreshStats(rebuilt=False, added=added, updated=updated, removed=len(gone),
                            unchanged=unchanged, skipped=skipped)  # fmt: skip

    # -- queries ----------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        """Run a query, recovering once from an index that breaks while being read."""
        if not self._ready:
            self.refresh()
        try:
            return self.engine.search(request)
        except GeneratorError:
            raise
        except Exception:  # a segment damaged after opening: rebuild and ask again
            self._rebuild_now()
            return self.engine.search(request)

    def related(self, key: str, k: int = 5) -> list[SearchHit]:
        """Entries most like the entry with this key (Whoosh more-like-this)."""
        if not self._ready:
            self.refresh()
        return self.engine.more_like(key, k)

    def _rebuild_now(self) -> None:
        with self._lock():
            self._rebuild(scan_repos(self.repos), "corrupt")

    def close(self) -> None:
        """Release open index files."""
        self.engine.close()
