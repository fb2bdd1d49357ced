"""Entry writes as CK 2.6.4 does them (add, update, ren, cp, mv, rm), each under the repository
lock and through the intent journal, so a crash leaves the old state or the new one."""

from __future__ import annotations

import copy
import datetime as _dt
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.ck import journal, layout
from generator.ck.ids import check_name, check_uid, is_uid, new_uid
from generator.ck.inherit import merge_dicts
from generator.ck.jsonio import dumps_ck, fsync_dir, fsync_enabled, stage_text
from generator.ck.lock import RepoLock, lock_path
from generator.ck.model import KNOWN_MODULE_UIDS, EntryRef
from generator.ck.tempfiles import FILE_MODE, create_temp_dir
from generator.errors import EntryExists, GeneratorError, RepoError, UsageError

if TYPE_CHECKING:
    from generator.ck.store import Repo


@contextmanager
def writing(*repos: Repo) -> Iterator[None]:
    """Lock the repositories (in path order, so two writers never deadlock) and finish any
    interrupted change before writing. Nested inside another ``writing`` of this thread (a bulk
    import holds the lock for all its adds), a repository already recovered is only checked for a
    journal, not listed again for temp leftovers."""
    with ExitStack() as stack:
        for root in sorted({r.path for r in repos}):
            stack.enter_context(RepoLock(root))
        recovered: set[Path] = getattr(_names, "recovered", set()) if getattr(_names, "depth", 0) else set()
        for root in sorted({r.path for r in repos}):
            if root not in recovered or journal.pending(root):
                journal.recover(root)
                recovered.add(root)
        for repo in repos:
            repo.refuse_split_writes()
        changes = journal.change_count()
        if not getattr(_names, "depth", 0):
            _names.folded = {}
        _names.depth = getattr(_names, "depth", 0) + 1
        _names.recovered = recovered
        try:
            yield
        finally:
            _names.depth -= 1
            if not _names.depth:
                _names.folded, _names.recovered = {}, set()
            if journal.change_count() != changes:  # a no-op (re-import of the same rows) stamps nothing
                for root in {r.path for r in repos}:
                    stamp_write(root)


# Folder names per module folder, case-folded, for the case-duplicate check of aliased adds: kept
# while this thread holds the write lock (no other kb writer can add a name meanwhile), updated by
# our own adds and dropped after any other change, so a bulk import lists each module once.
_names = threading.local()


def _folded_names(module_dir: Path) -> dict[str, str]:
    cache: dict[Path, dict[str, str]] | None = getattr(_names, "folded", None) if getattr(
        _names, "depth", 0) else None  # fmt: skip
    if cache is not None and module_dir in cache:
        return cache[module_dir]
    names = {child.casefold(): child for child in sorted(os.listdir(module_dir), reverse=True)}
    if cache is not None:
        cache[module_dir] = names
    return names


def _names_changed(module_dir: Path, added: str = "") -> None:
    """Keep the name cache true after a write: note an added name, or forget everything."""
    cache = getattr(_names, "folded", None)
    if not cache:
        return
    if added and module_dir in cache:
        cache[module_dir].setdefault(added.casefold(), added)
    else:
        cache.clear()


def stamp_write(root: Path) -> None:
    """Move the lock file's mtime after a write: the search index's quick freshness check reads it
    (an in-place ``update`` changes no folder that check looks at)."""
    with suppress(OSError):  # read-only or vanished: the index's full scan still sees the change
        os.utime(lock_path(root))


def control_block(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``control`` record CK stamps on add/update (engine, date, writer version)."""
    return {**(extra or {}), "engine": "CK", "iso_datetime": _dt.datetime.now().isoformat(),
            "version": list(layout.CK_VERSION)}  # fmt: skip


@dataclass
class NewEntry:
    """Everything an entry folder will hold once created (``payload`` = folder to copy files from)."""

    module: str
    alias: str
    uid: str
    meta: dict[str, Any]
    info: dict[str, Any]
    desc: dict[str, Any] = field(default_factory=dict)
    updates: dict[str, Any] = field(default_factory=dict)
    payload: Path | None = None


# -- add ------------------------------------------------------------------------------------


def add(repo: Repo, new: NewEntry, staged: Path | None = None) -> EntryRef:
    """Create one entry (the caller holds the lock): stage (unless already staged), then journal
    the alias files and the rename into place."""
    steps, staged, target, module_uid = _add_plan(repo, new, staged)
    try:
        journal.run(repo.path, f"add {new.module}:{new.alias or new.uid}", steps)
    except BaseException:
        _names_changed(target.parent)
        if staged.exists() and not journal.pending(repo.path):
            shutil.rmtree(staged, ignore_errors=True)
        raise
    _names_changed(target.parent, target.name)
    repo.forget_module_cache(new.module)
    return EntryRef(repo.info.alias, new.module, module_uid, new.alias, new.uid, target)


def module_uid_for(repo: Repo, module: str) -> str:
    """The UID a module has (or will get) in this repository."""
    return repo.module_uid(module) or KNOWN_MODULE_UIDS.get(module) or new_uid()


def _add_plan(repo: Repo, new: NewEntry,
              staged: Path | None = None) -> tuple[list[journal.Step], Path, Path, str]:  # fmt: skip
    check_name(new.module, "module")
    if new.alias:
        check_name(new.alias, "entry")
    check_uid(new.uid)
    refuse_existing(repo, new.module, new.alias, new.uid)
    repo.forget_module_cache(new.module)  # another writer may have created it meanwhile
    module_uid = module_uid_for(repo, new.module)
    module_dir = repo.path / new.module
    if new.info.get("backup_module_uid") != module_uid or staged is None:
        new.info.update(backup_data_uid=new.uid, backup_module_uid=module_uid, backup_module_uoa=new.module)
        if staged is None:
            staged = stage_entry(module_dir, new)
        else:
            info_file = staged / layout.CM / layout.INFO
            os.replace(stage_text(info_file, dumps_ck(new.info)), info_file)
    steps: list[journal.Step] = []
    if not layout.alias_a(repo.path, new.module).is_file():
        steps += [journal.write_step(layout.alias_a(repo.path, new.module), module_uid + "\n"),
                  journal.write_step(layout.alias_u(repo.path, module_uid), new.module + "\n")]  # fmt: skip
    if new.alias:  # alias files first: a reader never sees the folder without them
        steps += [journal.write_step(layout.alias_u(module_dir, new.uid), new.alias + "\n"),
                  journal.write_step(layout.alias_a(module_dir, new.alias), new.uid + "\n")]  # fmt: skip
    target = module_dir / (new.alias or new.uid)
    steps.append(journal.rename_step(staged, target))
    return steps, staged, target, module_uid


def refuse_existing(repo: Repo, module: str, alias: str, uid: str, *, except_path: Path | None = None) -> None:
    """Refuse an alias or UID already used in the module, or an alias differing only in case."""
    module_dir = repo.path / module
    for candidate in filter(None, (alias, uid)):
        existing = repo.find(module, candidate)
        if existing is not None and existing.path != except_path:
            raise EntryExists(f"entry {repo.info.alias}:{module}:{candidate} already exists",
                              path=existing.path)  # fmt: skip
    if uid and layout.alias_u(module_dir, uid).is_file() and except_path is None:
        raise EntryExists(f"UID {uid} is already used in {repo.info.alias}:{module}",
                          path=layout.alias_u(module_dir, uid))  # fmt: skip
    if alias and module_dir.is_dir():
        folded = alias.casefold()
        child = _folded_names(module_dir).get(folded)
        if child is not None and except_path is not None and child == except_path.name:
            child = next((c for c in os.listdir(module_dir)  # the entry itself: look for another one
                          if c.casefold() == folded and c != except_path.name), None)  # fmt: skip
        if child is not None:
            raise EntryExists(f"an entry named {child!r} differs from {alias!r} only in case",
                              path=module_dir / child)  # fmt: skip


def stage_entry(module_dir: Path, new: NewEntry) -> Path:
    """Write a complete entry into a hidden temp folder, ready to be renamed into place."""
    module_dir.mkdir(parents=True, exist_ok=True)
    staged = create_temp_dir(module_dir, journal.staging_prefix("new"))  # umask applies, as in CK
    try:
        if new.payload is not None:
            shutil.copytree(new.payload, staged, symlinks=True, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(layout.CM))  # fmt: skip
        cm = staged / layout.CM
        cm.mkdir()
        files = {layout.META: new.meta, layout.INFO: new.info, layout.DESC: new.desc}
        if new.updates:
            files[layout.UPDATES] = new.updates
        for name, data in files.items():  # the folder is hidden until renamed: write directly
            _write_new(cm / name, dumps_ck(data))
        fsync_dir(cm)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(fd, data):]
        if fsync_enabled():
            os.fsync(fd)
    finally:
        os.close(fd)


# -- update ---------------------------------------------------------------------------------


def update(repo: Repo, ref: EntryRef, meta: dict[str, Any], *, substitute: bool = False,
           tags: tuple[str, ...] = (), name: str = "", desc: dict[str, Any] | None = None,
           record: bool = True) -> EntryRef:  # fmt: skip
    """CK ``update``: merge (or substitute) meta and desc, append tags, record the change in
    ``updates.json`` (the first control block lives in ``info.json``)."""
    entry = repo.load(ref)
    new_meta = copy.deepcopy(meta) if substitute else merge_dicts(copy.deepcopy(entry.meta), meta)
    new_desc = copy.deepcopy(desc or {}) if substitute else merge_dicts(copy.deepcopy(entry.desc), desc or {})
    add_tags(new_meta, tags)
    info, updates = copy.deepcopy(entry.info), copy.deepcopy(entry.updates)
    info.update(backup_module_uoa=ref.module, backup_module_uid=ref.module_uid or info.get(
        "backup_module_uid", ""), backup_data_uid=ref.uid or info.get("backup_data_uid", ""))  # fmt: skip
    data_name = name or info.get("data_name", "") or (ref.alias if ref.alias else "")
    if data_name:
        info["data_name"] = data_name
    if record:
        if info.get("control"):
            updates.setdefault("control", []).append(control_block())
        else:
            info["control"] = control_block()
    files = {layout.META: new_meta, layout.INFO: info, layout.DESC: new_desc}
    if updates:
        files[layout.UPDATES] = updates
    replace_cm_files(repo, ref, files, op=f"update {ref.module}:{ref.uoa}")
    return ref


def add_tags(meta: dict[str, Any], tags: tuple[str, ...] | list[str]) -> None:
    """Append tags CK-style: keep existing order, add new ones at the end, no duplicates."""
    if not tags:
        return
    existing = meta.get("tags") if isinstance(meta.get("tags"), list) else []
    for tag in (t.strip() for t in tags):
        if tag and tag not in existing:
            existing.append(tag)
    meta["tags"] = existing


def replace_cm_files(repo: Repo, ref: EntryRef, files: dict[str, dict[str, Any]], *, op: str) -> None:
    """Stage new ``.cm`` files, then journal their renames into place."""
    cm = ref.path / layout.CM
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            staged.append((stage_text(cm / name, dumps_ck(data)), cm / name))
        journal.run(repo.path, op, [journal.rename_step(tmp, dst) for tmp, dst in staged])
    except BaseException:
        if not journal.pending(repo.path):
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
        raise


# -- rename ---------------------------------------------------------------------------------


def rename(repo: Repo, ref: EntryRef, new_alias: str, *, new_uid: str = "") -> EntryRef:
    """CK ``ren``: move the folder to the new alias (or to the UID when ``new_alias`` is empty),
    rewrite the alias files, keep the UID unless one is given; data_name follows the alias
    when it was equal to it."""
    uid = check_uid(new_uid) if new_uid else ref.uid
    if not uid:
        raise RepoError("entry has no UID (alias file missing)", path=ref.path, hint="run 'kb doctor --fix'")
    if new_alias:
        check_name(new_alias, "entry")
        if is_uid(new_alias):
            raise UsageError(f"new alias {new_alias!r} looks like a UID", hint="choose a name with letters")
    if new_alias == ref.alias and uid == ref.uid:
        raise UsageError(f"{ref.cid} already has that name")
    module_dir = ref.path.parent
    refuse_existing(repo, ref.module, new_alias if new_alias != ref.alias else "",
                    uid if uid != ref.uid else "", except_path=ref.path)  # fmt: skip
    target = module_dir / (new_alias or uid)
    steps: list[journal.Step] = []
    info = repo.load(ref).info
    changed_info = dict(info)
    if info.get("data_name", "") == ref.alias:  # CK: the name follows the alias (also from '' )
        changed_info["data_name"] = new_alias or uid
    if uid != ref.uid:
        changed_info["backup_data_uid"] = uid
    staged_info = None
    if changed_info != info:
        staged_info = stage_text(ref.path / layout.CM / layout.INFO, dumps_ck(changed_info))
        steps.append(journal.rename_step(staged_info, ref.path / layout.CM / layout.INFO))
    if new_alias:
        steps += [journal.write_step(layout.alias_a(module_dir, new_alias), uid + "\n"),
                  journal.write_step(layout.alias_u(module_dir, uid), new_alias + "\n")]  # fmt: skip
    if target != ref.path:
        steps.append(journal.rename_step(ref.path, target))
    if ref.alias and ref.alias != new_alias:
        steps.append(journal.unlink_step(layout.alias_a(module_dir, ref.alias)))
    if uid != ref.uid or not new_alias:
        steps.append(journal.unlink_step(layout.alias_u(module_dir, ref.uid)))
    _names_changed(module_dir)  # names change below (whether or not the rename completes)
    try:
        journal.run(repo.path, f"ren {ref.module}:{ref.uoa}", steps)
    except BaseException:
        if staged_info is not None and not journal.pending(repo.path):
            staged_info.unlink(missing_ok=True)
        raise
    return EntryRef(ref.repo, ref.module, ref.module_uid, new_alias, uid, target)


# -- copy / move / remove -------------------------------------------------------------------


def copy_or_move(src_repo: Repo, ref: EntryRef, dst_repo: Repo, module: str, alias: str, *,
                 move: bool = False, keep_uid: bool = False) -> EntryRef:  # fmt: skip
    """CK ``cp`` (new UID, fresh control date) or ``mv`` (same UID, source removed in the same
    journal, so the entry is in exactly one place after a crash)."""
    entry = src_repo.load(ref)
    uid = ref.uid if (move or keep_uid) else new_uid()
    if not uid:
        raise RepoError("entry has no UID (alias file missing)", path=ref.path, hint="run 'kb doctor --fix'")
    if dst_repo.path == src_repo.path and module == ref.module and uid == ref.uid:
        raise UsageError("moving within the same module: use 'kb ren' instead")
    info = copy.deepcopy(entry.info)
    if not move:
        info["control"] = {**info.get("control", {}), "version": list(layout.CK_VERSION),
                           "iso_datetime": _dt.datetime.now().isoformat()}  # fmt: skip
    if alias and not is_uid(alias):
        info["data_name"] = alias
    new = NewEntry(module, alias, uid, copy.deepcopy(entry.meta), info, copy.deepcopy(entry.desc),
                   copy.deepcopy(entry.updates), payload=ref.path)  # fmt: skip
    steps, staged, target, module_uid = _add_plan(dst_repo, new)
    if move:
        steps += remove_steps(src_repo, ref)
    _names_changed(target.parent)
    try:
        journal.run(dst_repo.path, f"{'mv' if move else 'cp'} {ref.cid}", steps,
                    peers=[src_repo.path] if move else [])  # the source side learns of the move too
    except BaseException:
        if staged.exists() and not journal.pending(dst_repo.path):
            shutil.rmtree(staged, ignore_errors=True)
        raise
    return EntryRef(dst_repo.info.alias, module, module_uid, alias, uid, target)


def remove_steps(repo: Repo, ref: EntryRef) -> list[journal.Step]:
    """Retire the folder first (readers stop seeing it at once), then its alias files."""
    module_dir = ref.path.parent if ref.path.parent.name == ref.module else repo.path / ref.module
    graveyard = module_dir / f".kb-rm-{ref.uid or new_uid()}-{new_uid()[:6]}"
    steps = [journal.rename_step(ref.path, graveyard)]
    if ref.alias:
        steps.append(journal.unlink_step(layout.alias_a(module_dir, ref.alias)))
    if ref.uid:
        for old in repo.aliases_of(ref.module, ref.uid)[1:]:  # older aliases of a renamed entry
            if repo.alias_target(ref.module, old) == ref.uid:
                steps.append(journal.unlink_step(layout.alias_a(module_dir, old)))
        steps.append(journal.unlink_step(layout.alias_u(module_dir, ref.uid)))
    steps.append(journal.rmtree_step(graveyard))
    return steps


def remove(repo: Repo, ref: EntryRef) -> None:
    """CK ``rm``: delete the entry folder and its alias files as one journaled change."""
    if not os.path.isdir(ref.path):
        raise GeneratorError("entry folder is gone", path=ref.path)
    _names_changed(ref.path.parent)
    journal.run(repo.path, f"rm {ref.module}:{ref.uoa}", remove_steps(repo, ref))
