"""Entry jobs: add, load, list, find and remove, over a workspace of repositories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.ck.ids import Cid
from generator.ck.model import Entry, EntryRef
from generator.ck.resolve import Workspace
from generator.errors import EntryNotFound, UsageError


@dataclass(frozen=True)
class AddRequest:
    """What to create: where (CID), the meta, and optional identity fields."""

    cid: Cid
    meta: dict[str, Any]
    uid: str = ""
    name: str = ""
    tags: tuple[str, ...] = ()


def add_entry(workspace: Workspace, request: AddRequest) -> Entry:
    """Create one entry; tags given separately are appended to the meta's tags."""
    if not request.cid.module or request.cid.is_pattern:
        raise UsageError(f"cannot add {str(request.cid)!r}: name a module and no wildcards")
    meta = dict(request.meta)
    if request.tags:
        existing = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        meta["tags"] = list(dict.fromkeys([*existing, *request.tags]))
    repo = workspace.repo(request.cid.repo)
    return repo.add(request.cid.module, request.cid.entry, uid=request.uid, meta=meta,
                    name=request.name)  # fmt: skip


def load_entry(workspace: Workspace, cid: Cid) -> Entry:
    """Load the single entry a CID names."""
    return workspace.load(cid)


def list_entries(workspace: Workspace, cid: Cid, *, tags: tuple[str, ...] = ()) -> list[EntryRef]:
    """Entries matching a CID with wildcards (and, if given, carrying all the tags)."""
    refs = list(workspace.iter_refs(cid))
    if not tags:
        return refs
    wanted = set(tags)
    return [r for r in refs if wanted <= set(workspace.repo_of(r).load(r).tags)]


def remove_entries(workspace: Workspace, cid: Cid) -> list[EntryRef]:
    """Delete every entry the CID matches and return what was removed."""
    refs = list(workspace.iter_refs(cid)) if cid.is_pattern else [workspace.resolve(cid)]
    if not refs:
        raise EntryNotFound(f"no entry matches {cid}")
    for ref in refs:
        workspace.repo_of(ref).remove(ref)
    return refs
