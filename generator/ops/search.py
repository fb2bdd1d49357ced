"""Search jobs: query the workspace's index (kept up to date on every call) and find related entries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.ck.ids import Cid
from generator.ck.resolve import Workspace
from generator.errors import UsageError
from generator.index import revalidate
from generator.index.documents import doc_key
from generator.index.kb_index import KbIndex
from generator.index.model import RefreshStats, SearchHit, SearchRequest, SearchResults


def open_index(workspace: Workspace, cache_root: Path | None = None) -> KbIndex:
    """The search index of a workspace's repositories (in the cache folder, not yet refreshed)."""
    return KbIndex.for_repos(workspace.repos, cache_root)


def search(workspace: Workspace, text: str = "", *, modules: Sequence[str] = (), tags: Sequence[str] = (),
           limit: int | None = 10, facets: bool = False, fresh: bool = False,
           cache_root: Path | None = None) -> SearchResults:  # fmt: skip
    """Ranked entries for a query (free text plus field syntax such as ``module:model tag:resnet``).

    The index is checked with the quick signature (a few stats per module) unless ``fresh`` asks for
    the full per-entry scan first; after a quick check a background full scan keeps it honest.
    ``limit`` None returns every match.
    """
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, got {limit}", hint="use --all for every match")
    request = SearchRequest(text=text.strip(), modules=tuple(modules), tags=tuple(tags), limit=limit,
                            facets=facets)  # fmt: skip
    index = open_index(workspace, cache_root)
    try:
        if fresh:
            index.refresh()
        else:
            index.open_current()
        results = index.search(request)
    finally:
        index.close()
    if index.revalidate_due:
        revalidate.spawn(index)
    return results


def related(workspace: Workspace, cid: Cid, k: int = 5, cache_root: Path | None = None) -> list[SearchHit]:
    """Entries most like the one a CID names (more-like-this over the index)."""
    ref = workspace.resolve(cid)
    index = open_index(workspace, cache_root)
    try:
        return index.related(doc_key(ref.repo, ref.module, ref.path.name), k)
    finally:
        index.close()


def reindex(workspace: Workspace, *, full: bool = False, cache_root: Path | None = None) -> RefreshStats:
    """Bring the index up to date now (``full`` forgets the cached index and rebuilds it)."""
    index = open_index(workspace, cache_root)
    try:
        if full:
            index.forget()
        return index.refresh()
    finally:
        index.close()
