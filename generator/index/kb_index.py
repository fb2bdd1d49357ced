"""The search index of a set of repositories: kept up to date incrementally, rebuilt when needed.

``KbIndex.refresh`` compares each entry folder's stat signature with the manifest, hashes only
folders whose signature moved, and re-indexes only entries whose content hash changed. A missing,
stale (schema version or repository set) or corrupt index is rebuilt from scratch.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from generator.ck import layout
from generator.ck.store import Repo, entry_from_bytes
from generator.errors import GeneratorError, LockTimeout
from generator.index.cache import MANIFEST, STATE, IndexState, Manifest, check_index_folder, index_folder
from generator.index.documents import SearchDoc, content_hash_of, document_for, read_entry_files, readme_of
from generator.index.freshness import quick_signature
from generator.index.model import RefreshStats, SearchHit, SearchRequest, SearchResults
from generator.index.scan import FolderState, scan_digest, scan_repos
from generator.index.whoosh_engine import SCHEMA_VERSION, WhooshEngine

UNREADABLE = "!"  # manifest hash of an entry that could not be read (not in the index)
LOCK_SECONDS = 300
PROGRESS_EVERY = 500  # entries between progress log records of a full rebuild
BUILD_PARTS = 2  # processes sharing a full rebuild (at most one per core)
PARALLEL_FROM = 1_000  # entries from which a full rebuild is shared between processes
PartResult = tuple[dict[str, list[str]], list[str]]  # manifest values by key, unreadable keys
log = logging.getLogger(__name__)
REVALIDATE_AFTER_S = 2.0  # a query after a quick check starts a background full scan at most this often


class KbIndex:
    """The Whoosh index of some repositories, in its cache folder."""

    def __init__(self, repos: Sequence[Repo], folder: Path, *, mapped: bool = False) -> None:
        self.repos = list(repos)
        self.folder = check_index_folder(folder)  # every way in (for_repos, the background refresh) checks
        self.engine = WhooshEngine(folder, mapped=mapped)
        self._by_path = {repo.path: repo for repo in self.repos}
        self._repo_ids = sorted(str(repo.path) for repo in self.repos)
        self._ready = False
        self.revalidate_due = False

    @classmethod
    def for_repos(cls, repos: Sequence[Repo], cache_root: Path | None = None, *, mapped: bool = False) -> KbIndex:
        """The index of these repositories in the user's cache (or under ``cache_root``); ``mapped`` suits a
        long-lived process that runs many queries (one ``kb search`` opens faster without it)."""
        return cls(repos, index_folder([r.path for r in repos], cache_root), mapped=mapped)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """One process updates an index at a time (flock: released by the kernel if the holder dies)."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        path = str(self.folder) + ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(fd, path)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # -- keeping it up to date ------------------------------------------------------------------

    def forget(self) -> None:
        """Drop the manifest so the next refresh rebuilds the index from scratch."""
        for name in (STATE, MANIFEST):
            (self.folder / name).unlink(missing_ok=True)

    def refresh(self) -> RefreshStats:
        """Bring the index up to date with the repositories (under a lock shared by processes)."""
        with self._lock():
            stats = self._refresh_locked()
        self._ready = True
        return stats

    def open_current(self) -> None:
        """Get ready for queries at the cost of a few stats per module (``freshness.py``): when the quick
        signature is the one of the last full scan the index is used as it is, and
        ``revalidate_due`` says whether a background full scan should confirm it; else a full refresh."""
        state = IndexState.load(self.folder)
        quick = quick_signature(self.repos)
        if state is not None and state.quick_match(SCHEMA_VERSION, self._repo_ids, quick) and self._holds(state):
            self._ready = True
            self.revalidate_due = time.time() - state.verified_at >= REVALIDATE_AFTER_S
            return
        self.refresh()

    def _refresh_locked(self) -> RefreshStats:
        quick = quick_signature(self.repos)  # taken first: a change during the scan shows next time
        states = scan_repos(self.repos)
        digest = scan_digest(states)
        state = IndexState.load(self.folder)
        if state is not None and state.unchanged(SCHEMA_VERSION, self._repo_ids, digest) and self._holds(state):
            state.verified(quick).save(self.folder)
            return RefreshStats(rebuilt=False, unchanged=len(states))
        manifest = Manifest.load(self.folder)
        reason = self._stale_reason(manifest)
        if reason or manifest is None:
            return self._rebuild(states, digest, reason, quick)
        return self._update(states, digest, manifest, quick)

    def _holds(self, state: IndexState) -> bool:
        """Whether the index opens and holds the documents its state file counts."""
        return self.engine.try_open() and self.engine.doc_count == state.indexed

    def _stale_reason(self, manifest: Manifest | None) -> str:
        if manifest is None:
            return "missing"
        if not manifest.matches(SCHEMA_VERSION, self._repo_ids):
            return "stale"
        if not self.engine.try_open():
            return "corrupt"
        indexed = sum(1 for value in manifest.entries.values() if value[1] != UNREADABLE)
        return "" if self.engine.doc_count == indexed else "corrupt"

    def _record(self, state: FolderState, files: dict[str, bytes] | None = None) -> tuple[list[str], SearchDoc | None]:
        """The manifest value of an entry ([signature, content hash]) and its document, files read once."""
        files = read_entry_files(state.path) if files is None else files
        digest = content_hash_of(files)
        doc = self._load(state, files)
        return [state.signature, digest if doc is not None else UNREADABLE], doc

    def _load(self, state: FolderState, files: dict[str, bytes]) -> SearchDoc | None:
        repo = self._by_path.get(state.repo_path)
        ref = repo.find(state.module, state.folder) if repo is not None else None
        if repo is None or ref is None:
            return None
        meta = files.get(layout.META)
        raw = (meta, files.get(layout.LEGACY_META) if meta is None else None, files.get(layout.INFO),
               files.get(layout.DESC))  # fmt: skip
        try:
            return document_for(entry_from_bytes(ref, raw), readme=readme_of(files))
        except GeneratorError:
            return None

    def _rebuild(self, states: dict[str, FolderState], scan: str, reason: str, quick: str = "") -> RefreshStats:
        """A fresh index: the entries are split between processes (one per core, up to BUILD_PARTS), each
        reading, parsing and indexing its share (the first search of a large KB waits for this)."""
        items = list(states.values())
        count = min(BUILD_PARTS, os.cpu_count() or 1) if len(items) >= PARALLEL_FROM else 1
        parts = [self._part(items[k::count], count) for k in range(count)]
        added, results = self.engine.build_parts(parts)
        manifest = Manifest(SCHEMA_VERSION, self._repo_ids)
        skipped: list[str] = []
        for values, missing in results:
            manifest.entries.update(values)
            skipped += missing
        manifest.entries = {key: manifest.entries[key] for key in states}  # scan order, as before
        manifest.save(self.folder, scan, added, quick)
        return RefreshStats(rebuilt=True, added=added, skipped=sorted(skipped), reason=reason)

    def _part(self, share: list[FolderState], parts: int) -> Callable[[Callable[[SearchDoc], None]], PartResult]:
        """A build part: index these entries, return their manifest values and the unreadable ones."""

        def run(add: Callable[[SearchDoc], None]) -> PartResult:
            values: dict[str, list[str]] = {}
            missing: list[str] = []
            for done, state in enumerate(share):
                if done % PROGRESS_EVERY == 0:
                    log.info("indexing entries: %d of %d", done * parts, len(share) * parts)
                values[state.key], doc = self._record(state)
                if doc is None:
                    missing.append(state.key)
                else:
                    add(doc)
            return values, missing

        return run

    def _update(self, states: dict[str, FolderState], scan: str, manifest: Manifest, quick: str) -> RefreshStats:
        upserts: list[SearchDoc] = []
        added = updated = unchanged = 0
        skipped: list[str] = []
        for key, state in states.items():
            known = manifest.entries.get(key)
            if known is not None and known[0] == state.signature:
                unchanged += 1
                continue
            files = read_entry_files(state.path)
            digest = content_hash_of(files)
            if known is not None and known[1] == digest:
                manifest.entries[key] = [state.signature, digest]
                unchanged += 1
                continue
            manifest.entries[key], doc = self._record(state, files)
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
        manifest.save(self.folder, scan, self.engine.doc_count, quick)
        return RefreshStats(rebuilt=False, added=added, updated=updated, removed=len(gone),
                            unchanged=unchanged, skipped=skipped)  # fmt: skip

    # -- queries ----------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        """Run a query (after a full refresh unless ``open_current`` ran), recovering from an index
        that breaks while being read: reopen once (a background scan may have committed), then rebuild."""
        if not self._ready:
            self.refresh()
        for reopened in (False, True):
            try:
                return self.engine.search(request)
            except GeneratorError:
                raise
            except Exception:  # Whoosh raises almost anything on a damaged index
                if reopened or not self.engine.try_open():
                    break
        self._rebuild_now()
        return self.engine.search(request)

    def related(self, key: str, k: int = 5) -> list[SearchHit]:
        """Entries most like the entry with this key (Whoosh more-like-this)."""
        if not self._ready:
            self.refresh()
        return self.engine.more_like(key, k)

    def _rebuild_now(self) -> None:
        with self._lock():
            quick = quick_signature(self.repos)
            states = scan_repos(self.repos)
            self._rebuild(states, scan_digest(states), "corrupt", quick)

    def close(self) -> None:
        """Release open index files."""
        self.engine.close()


def _flock(fd: int, path: str) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking, the index is only a cache
        return
    deadline = time.monotonic() + LOCK_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(f"another kb process has held the search index lock for {LOCK_SECONDS} s",
                                  path=path, hint="wait for it to finish and retry") from None  # fmt: skip
            time.sleep(0.05)
