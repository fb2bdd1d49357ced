"""Entry jobs (CK's entry actions): add, load, list/search, update, ren, mv, cp, rm over a
workspace of repositories."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from generator.ck import edits
from generator.ck.ids import Cid, check_name, is_uid
from generator.ck.model import Entry, EntryRef
from generator.ck.resolve import Workspace
from generator.ck.search import SearchQuery
from generator.ck.store import Repo
from generator.errors import EntryNotFound, GeneratorError, UsageError


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
    alias = request.cid.entry
    if alias and is_uid(alias):  # CK: 'module:<uid>' creates a UID-only entry with that UID
        if request.uid and request.uid != alias:
            raise UsageError(f"{alias!r} is a UID but --uid says {request.uid!r}")
        alias, uid = "", alias.lower()
    else:
        uid = request.uid
    repo = workspace.repo(request.cid.repo)
    return repo.add(request.cid.module, alias, uid=uid, meta=dict(request.meta), name=request.name,
                    tags=request.tags)  # fmt: skip


def load_entry(workspace: Workspace, cid: Cid) -> Entry:
    """Load the single entry a CID names."""
    return workspace.load(cid)


def list_entries(workspace: Workspace, cid: Cid, *, tags: tuple[str, ...] = (),
                 query: SearchQuery | None = None) -> list[EntryRef]:  # fmt: skip
    """Entries matching a CID with wildcards and, like CK ``search``, the query filters."""
    query = query or SearchQuery(tags=tags)
    if tags and not query.tags:
        query = SearchQuery(tags=tags, where=query.where, search_string=query.search_string,
                            ignore_case=query.ignore_case)  # fmt: skip
    refs = list(workspace.iter_refs(cid))
    if query.is_empty:
        return refs
    return [e.ref for e in search_entries(workspace, cid, query, refs=refs)]


def search_entries(workspace: Workspace, cid: Cid, query: SearchQuery,
                   refs: list[EntryRef] | None = None) -> list[Entry]:  # fmt: skip
    """Entries matching the CID and the query, with only their meta loaded (unreadable ones are
    skipped: validate and doctor report them)."""
    refs = list(workspace.iter_refs(cid)) if refs is None else refs
    chunks = [refs[i : i + 256] for i in range(0, len(refs), 256)]

    def matching(chunk: list[EntryRef]) -> list[Entry]:
        found = []
        for ref in chunk:
            try:
                entry = workspace.repo_of(ref).load_meta(ref)
            except GeneratorError:
                continue
            if query.matches(entry):
                found.append(entry)
        return found

    with ThreadPoolExecutor(4) as pool:  # file reads release the GIL
        return [e for part in pool.map(matching, chunks) for e in part]


def _targets(workspace: Workspace, cid: Cid) -> list[EntryRef]:
    refs = list(workspace.iter_refs(cid)) if cid.is_pattern else [workspace.resolve(cid)]
    if not refs:
        raise EntryNotFound(f"no entry matches {cid}", hint=f"check with 'kb list {cid}'")
    return refs


def update_entries(workspace: Workspace, cid: Cid, meta: dict[str, Any], *, substitute: bool = False,
                   tags: tuple[str, ...] = (), name: str = "") -> list[Entry]:  # fmt: skip
    """CK ``update``: merge (or substitute) meta into every matching entry; a single missing
    entry is created, as CK does."""
    if not cid.module or not cid.entry:
        raise UsageError(f"cannot update {str(cid)!r}: name module:entry (wildcards allowed)")
    if not cid.is_pattern:
        try:
            refs = [workspace.resolve(cid)]
        except EntryNotFound:
            return [add_entry(workspace, AddRequest(cid, meta, name=name, tags=tags))]
    else:
        refs = _targets(workspace, cid)
    return [workspace.repo_of(r).update(r, meta, substitute=substitute, tags=tags, name=name)
            for r in refs]  # fmt: skip


def _new_name(target: str) -> str:
    """The new alias from 'name', ':name' or '::name' ('' = drop the alias)."""
    return Cid.parse(target).entry if ":" in target else target


def rename_entry(workspace: Workspace, cid: Cid, target: str, *, new_uid: str = "",
                 remove_alias: bool = False) -> EntryRef:  # fmt: skip
    """CK ``ren``: give an entry a new alias (the UID stays unless one is given)."""
    ref = workspace.resolve(cid)
    alias = "" if remove_alias else _new_name(target)
    if not alias and not remove_alias and not new_uid:
        raise UsageError("give the new name", hint="kb ren model:old new-name")
    return workspace.repo_of(ref).rename(ref, alias, new_uid=new_uid)


def _destination(workspace: Workspace, ref: EntryRef, target: Cid) -> tuple[Repo, str, str]:
    repo = workspace.repo(target.repo) if target.repo else workspace.repo(ref.repo)
    module = check_name(target.module, "module") if target.module else ref.module
    alias = target.entry if target.entry else ref.alias
    if target.is_pattern:
        raise UsageError(f"target {str(target)!r} cannot hold wildcards")
    return repo, module, alias


def move_entries(workspace: Workspace, cid: Cid, target: Cid) -> list[EntryRef]:
    """CK ``mv``: move entries to another repository and/or module, keeping their UIDs."""
    refs = _targets(workspace, cid)
    if len(refs) > 1 and target.entry:
        raise UsageError("several entries match; the target may not name an entry")
    moved = []
    for ref in refs:
        src = workspace.repo_of(ref)
        dst, module, alias = _destination(workspace, ref, target)
        with edits.writing(src, dst):
            fresh = src.refresh(ref)
            moved.append(edits.copy_or_move(src, fresh, dst, module, alias, move=True))
    return moved


def copy_entry(workspace: Workspace, cid: Cid, target: Cid, *, keep_uid: bool = False) -> EntryRef:
    """CK ``cp``: copy an entry (meta, info, desc, updates and files) under a new UID."""
    ref = workspace.resolve(cid)
    src = workspace.repo_of(ref)
    dst, module, alias = _destination(workspace, ref, target)
    with edits.writing(src, dst):
        return edits.copy_or_move(src, src.refresh(ref), dst, module, alias, keep_uid=keep_uid)


def remove_entries(workspace: Workspace, cid: Cid) -> list[EntryRef]:
    """Delete every entry the CID matches and return what was removed."""
    refs = _targets(workspace, cid)
    for ref in refs:
        workspace.repo_of(ref).remove(ref)
    return refs
