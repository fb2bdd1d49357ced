"""Reads and writes one CK repository on disk: the only code that touches entry files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from generator.ck import journal, layout
from generator.ck.ids import check_name, check_uid, is_uid, new_uid
from generator.ck.jsonio import (
    decode_json_bytes,
    decode_object_fast,
    read_bytes_nofollow,
    read_json_object,
    write_json_atomic,
)
from generator.ck.listing import (  # read_alias_file is re-exported: part of this module's API
    ALIAS_A,
    alias_and_uid,
    folder_names,
    holds_entry,
    read_alias_file,
    real_dir,
    repo_alias,
    sub_folders,
)
from generator.ck.model import KNOWN_MODULE_UIDS, Entry, EntryRef, RepoInfo
from generator.ck.profile import PROFILE_KEY, REEF
from generator.errors import BadJSON, EntryExists, RepoError, UsageError


def _read_cm(path: str, warnings: list[str], *, optional: bool = True) -> dict[str, Any] | None:
    """One ``.cm`` JSON object; duplicate keys keep the last value (as CK) and become warnings."""
    return _decode_cm(read_bytes_nofollow(path, missing_ok=optional), path, warnings)


def _decode_cm(raw: bytes | None, path: str, warnings: list[str]) -> dict[str, Any] | None:
    if raw is None:
        return None
    fast = decode_object_fast(raw)
    if fast is not None:
        return fast
    duplicates: list[str] = []
    data = decode_json_bytes(raw, path, duplicates=duplicates)
    if not isinstance(data, dict):
        raise BadJSON(f"expected a JSON object, found {type(data).__name__}", path=path,
                      hint="wrap the content in { }")  # fmt: skip
    if duplicates:
        keys = ", ".join(repr(k) for k in dict.fromkeys(duplicates))
        warnings.append(f"{path}: duplicate key {keys}; the last value is used, as CK does")
    return data


RawCm = tuple[bytes | None, bytes | None, bytes | None, bytes | None]


def read_cm_bytes(entry_dir: Path | str) -> RawCm:
    """The bytes of an entry's meta.json (or legacy data.json when meta is missing), info.json and
    desc.json, None for each missing one; raises BadJSON when a file cannot be read. With
    ``entry_from_bytes`` it is ``Repo.load(ref, updates=False)`` cut in two: bulk loads read in
    one process and parse in another."""
    cm = f"{entry_dir}{os.sep}{layout.CM}{os.sep}"
    meta = read_bytes_nofollow(cm + layout.META, missing_ok=True)
    legacy = read_bytes_nofollow(cm + layout.LEGACY_META, missing_ok=True) if meta is None else None
    info = read_bytes_nofollow(cm + layout.INFO, missing_ok=True)
    return meta, legacy, info, read_bytes_nofollow(cm + layout.DESC, missing_ok=True)


def entry_from_bytes(ref: EntryRef, raw: RawCm) -> Entry:
    """Parse what ``read_cm_bytes`` read into the Entry ``Repo.load(ref, updates=False)`` gives."""
    cm = f"{ref.path}{os.sep}{layout.CM}{os.sep}"
    warnings: list[str] = []
    meta = _decode_cm(raw[0], cm + layout.META, warnings)
    if meta is None:
        meta = _decode_cm(raw[1], cm + layout.LEGACY_META, warnings) or {}
    info = _decode_cm(raw[2], cm + layout.INFO, warnings) or {}
    desc = _decode_cm(raw[3], cm + layout.DESC, warnings) or {}
    return Entry(ref, meta, info, desc, {}, tuple(warnings) if warnings else ())


class Candidate(NamedTuple):
    """A folder that may hold an entry, with what its ref needs (see ``Repo.candidates``)."""

    module: str
    module_uid: str
    folder: Path
    name: str
    alias_prefix: str


def split_name(name: str, number: int) -> tuple[str, str]:
    """CK's split_name: the sub-folder and the rest of a name in a split-directory module."""
    if not number:
        return name, ""
    return (name[:number], name[number:]) if len(name) > number else ("_", name)


class Repo:
    """One CK repository folder (``.ckr.json`` plus module folders)."""

    def __init__(self, info: RepoInfo) -> None:
        self.info = info
        self.path = info.path
        self._module_uid_cache: dict[str, str] = {}

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, recover: bool = True) -> Repo:
        """Open an existing repository, reading its ``.ckr.json``; an interrupted change is
        finished first when no writer holds the lock (read-only folders are left alone)."""
        root = Path(path).resolve()
        desc_file = root / layout.REPO_FILE
        if not root.is_dir():
            raise RepoError("repository folder does not exist", path=root)
        if not desc_file.is_file():
            raise RepoError("not a CK repository: .ckr.json is missing", path=root,
                            hint="run 'kb repo init' in that folder to make it one")  # fmt: skip
        data = read_json_object(desc_file, duplicates=[])
        alias = repo_alias(data, root)
        uid = str(data.get("data_uid") or "")
        extra = data.get("dict") if isinstance(data.get("dict"), dict) else {}
        if "repo_deps" in data and "repo_deps" not in extra:  # old repos keep deps at top level
            extra = {**extra, "repo_deps": data["repo_deps"]}
        name = str(data.get("data_name") or alias)
        if recover and journal.pending(root):
            _recover_if_free(root)
        return cls(RepoInfo(alias=alias, uid=uid, path=root, name=name, dict=extra))

    @classmethod
    def init(cls, path: Path | str, alias: str = "", *, uid: str = "", url: str = "",
             desc: str = "", deps: list[str] | None = None, profile: str = REEF) -> Repo:  # fmt: skip
        """Create a repository's ``.ckr.json`` the way ``ck add repo`` writes it; a kb repository
        declares the Reef profile (``kb_profile``) unless ``profile`` is 'ck' or ''."""
        root = Path(path).resolve()
        alias = check_name(alias or root.name, "repository")
        uid = check_uid(uid) if uid else new_uid()
        if (root / layout.REPO_FILE).exists():
            raise EntryExists("a CK repository already exists here", path=root)
        extra: dict[str, Any] = {}
        if desc:
            extra["desc"] = desc
        if url:
            extra.update(shared="git", url=url)
        if deps:
            extra["repo_deps"] = [{"repo_uoa": d} for d in deps]
        if profile == REEF:
            extra[PROFILE_KEY] = REEF
        # CK writes .ckr.json in insertion order, not sorted.
        data = {"data_uoa": alias, "data_uid": uid, "data_alias": alias, "data_name": alias,
                "dict": extra}  # fmt: skip
        try:
            root.mkdir(parents=True, exist_ok=True)
            write_json_atomic(root / layout.REPO_FILE, data, sort_keys=False)
        except OSError as exc:  # /proc/x, a path under a file, a read-only or full disk
            raise UsageError(f"cannot create a repository here: {exc.strerror}", path=root,
                             hint="choose a folder you can write to") from None  # fmt: skip
        return cls.open(root)

    @property
    def repo_deps(self) -> list[dict[str, Any]]:
        """``repo_deps`` from ``.ckr.json`` as a list of dicts (CK also accepts a bare name)."""
        deps = self.info.dict.get("repo_deps", [])
        if isinstance(deps, dict):  # module-style {name: uid}
            return [{"repo_uoa": k, "repo_uid": v} for k, v in deps.items()]
        if not isinstance(deps, list):
            return []
        return [d if isinstance(d, dict) else {"repo_uoa": str(d)} for d in deps]

    # -- modules ------------------------------------------------------------------------

    def module_names(self) -> list[str]:
        """Module folders in this repository, sorted."""
        try:
            children = list(os.scandir(self.path))
        except OSError as exc:
            raise RepoError(f"cannot list repository: {exc.strerror}", path=self.path) from None
        return folder_names(children)

    def module_uid(self, module: str) -> str:
        """The module's UID from the repository's alias file, the kernel table, or ''."""
        if module not in self._module_uid_cache:
            lines = read_alias_file(layout.alias_a(self.path, module))
            self._module_uid_cache[module] = lines[0] if lines else KNOWN_MODULE_UIDS.get(module, "")
        return self._module_uid_cache[module]

    def module_listed(self, module: str) -> bool:
        """Whether CK finds this module folder (``find_path_to_entry`` in the repository root): it
        has an alias file there, or its name is a UID."""
        return bool(alias_and_uid(os.path.join(self.path, layout.CM, ALIAS_A), module)[1])

    def forget_module_cache(self, module: str) -> None:
        """Drop a cached module UID after a write created the module."""
        self._module_uid_cache.pop(module, None)

    def split_number(self, module: str) -> int:
        """CK's split-directory depth for a module (0 = entries directly in the module folder)."""
        def _int(value: Any) -> int:
            try:
                return int(value)
            except (TypeError, ValueError):
                return 0

        split_all = _int(self.info.dict.get("split_all_dirs"))
        if split_all:
            return split_all
        table = self.info.dict.get("split_dirs")
        if isinstance(table, dict):
            return _int(table.get(self.module_uid(module))) or _int(table.get(module))
        return 0

    def refuse_split_writes(self) -> None:
        """Split-directory repositories are read-only in kb."""
        if self.info.dict.get("split_all_dirs") or self.info.dict.get("split_dirs"):
            raise RepoError("repositories with split directories are read-only in kb", path=self.path,
                            hint="write to this repository with CK itself")  # fmt: skip

    # -- reading entries ------------------------------------------------------------------

    def iter_refs(self, module: str) -> Iterator[EntryRef]:
        """Every entry folder of a module (a sub-folder that holds ``.cm``), sorted by name."""
        for candidate in self.candidates(module):
            ref = self.ref_for(candidate)
            if ref is not None:
                yield ref

    def candidates(self, module: str) -> list[Candidate]:
        """The module's sub-folders that may be entries, in listing order, found without a stat
        per folder (``ref_for`` checks each; bulk loads split this list between processes)."""
        module_dir = self.path / module
        module_uid = self.module_uid(module)
        split = self.split_number(module)
        folders = [module_dir] if not split else [module_dir / name for name in sub_folders(module_dir)]
        alias_prefix = os.path.join(module_dir, layout.CM, ALIAS_A)
        return [Candidate(module, module_uid, folder, name, alias_prefix)
                for folder in folders for name in sub_folders(folder)]  # fmt: skip

    def ref_for(self, candidate: Candidate) -> EntryRef | None:
        """The candidate's ref when it is an entry: it holds a real ``.cm`` folder (one lstat)."""
        folder, name = candidate.folder, candidate.name
        if not holds_entry(str(folder), name):
            return None
        return self._ref_for_dir(candidate.module, candidate.module_uid, name, folder / name, candidate.alias_prefix)

    def _ref_for_dir(self, module: str, module_uid: str, name: str, path: Path | None = None,
                     alias_prefix: str = "") -> EntryRef:  # fmt: skip
        prefix = alias_prefix or os.path.join(self.path, module, layout.CM, ALIAS_A)
        alias, uid = alias_and_uid(prefix, name)  # an inconsistent entry (uid '') stays readable
        return EntryRef(self.info.alias, module, module_uid, alias, uid, path or self.path / module / name)

    def _entry_dir(self, module: str, name: str) -> Path:
        sub, rest = split_name(name, self.split_number(module))
        return self.path / module / sub / name if rest else self.path / module / name

    def find(self, module: str, uoa: str) -> EntryRef | None:
        """Resolve an alias or UID inside one module the way CK's find_path_to_entry does."""
        module_dir = self.path / module
        if not uoa or not module_dir.is_dir() or not layout.is_entry_candidate(uoa) or "/" in uoa:
            return None
        module_uid = self.module_uid(module)
        if is_uid(uoa):
            aliases = read_alias_file(layout.alias_u(module_dir, uoa))
            if aliases and _is_entry_dir(self._entry_dir(module, aliases[0])):
                path = self._entry_dir(module, aliases[0])
                return EntryRef(self.info.alias, module, module_uid, aliases[0], uoa, path)
            if _is_entry_dir(self._entry_dir(module, uoa)):
                return self._ref_for_dir(module, module_uid, uoa, self._entry_dir(module, uoa))
        if _is_entry_dir(self._entry_dir(module, uoa)):
            return self._ref_for_dir(module, module_uid, uoa, self._entry_dir(module, uoa))
        return None

    def aliases_of(self, module: str, uid: str) -> list[str]:
        """Aliases recorded for a UID (newest first; several after CK's multiple-alias renames)."""
        return read_alias_file(layout.alias_u(self.path / module, uid))

    def alias_target(self, module: str, alias: str) -> str:
        """The UID an alias file points to ('' when there is none)."""
        lines = read_alias_file(layout.alias_a(self.path / module, alias))
        return lines[0] if lines else ""

    def load(self, ref: EntryRef, *, updates: bool = True) -> Entry:
        """Read an entry's ``.cm`` files (meta or legacy data.json, info, desc and, unless
        ``updates=False`` as in bulk loads, the change history in updates.json)."""
        cm = f"{ref.path}{os.sep}{layout.CM}{os.sep}"
        warnings: list[str] = []
        meta = _read_cm(cm + layout.META, warnings)
        if meta is None:
            meta = _read_cm(cm + layout.LEGACY_META, warnings) or {}
        info = _read_cm(cm + layout.INFO, warnings) or {}
        desc = _read_cm(cm + layout.DESC, warnings) or {}
        history = (_read_cm(cm + layout.UPDATES, warnings) or {}) if updates else {}
        return Entry(ref, meta, info, desc, history, tuple(warnings) if warnings else ())

    def load_meta(self, ref: EntryRef) -> Entry:
        """Only an entry's meta (what search filters need), as a light Entry."""
        cm = os.path.join(ref.path, layout.CM)
        warnings: list[str] = []
        meta = _read_cm(os.path.join(cm, layout.META), warnings)
        if meta is None:
            meta = _read_cm(os.path.join(cm, layout.LEGACY_META), warnings) or {}
        return Entry(ref=ref, meta=meta, warnings=tuple(warnings))

    @staticmethod
    def load_info_only(entry_dir: Path) -> dict[str, Any]:
        """Just an entry's ``info.json`` (the doctor's UID cross-check)."""
        return _read_cm(os.path.join(entry_dir, layout.CM, layout.INFO), []) or {}

    # -- writing entries (each one locked and journaled; see ck/edits.py) --------------------

    def add(self, module: str, alias: str = "", *, uid: str = "", meta: dict[str, Any] | None = None,
            name: str = "", desc: dict[str, Any] | None = None,
            control: dict[str, Any] | None = None, tags: tuple[str, ...] = ()) -> Entry:  # fmt: skip
        """Create an entry exactly as CK 2.6.4's ``add`` lays it out."""
        from generator.ck import edits

        check_name(module, "module")
        if alias:
            check_name(alias, "entry")
        uid = check_uid(uid) if uid else new_uid()
        meta = dict(meta or {})
        edits.add_tags(meta, tags)
        info = build_info(uid, module, edits.module_uid_for(self, module), name or alias, control)
        new = edits.NewEntry(module, alias, uid, meta, info, desc or {})
        staged = edits.stage_entry(self.path / module, new)  # slow file writes happen unlocked
        try:
            with edits.writing(self):
                ref = edits.add(self, new, staged)
        finally:
            if staged.exists() and not journal.pending(self.path):
                journal.remove_path(staged)
        return self.load(ref)

    def update(self, ref: EntryRef, meta: dict[str, Any], **options: Any) -> Entry:
        """Merge (or with substitute=True replace) an entry's meta like CK ``update``."""
        from generator.ck import edits

        with edits.writing(self):
            ref = self.refresh(ref)
            edits.update(self, ref, meta, **options)
        return self.load(ref)

    def rename(self, ref: EntryRef, new_alias: str, *, new_uid: str = "") -> EntryRef:
        """CK ``ren``: new alias (or UID-only when empty), same UID unless one is given."""
        from generator.ck import edits

        with edits.writing(self):
            return edits.rename(self, self.refresh(ref), new_alias, new_uid=new_uid)

    def remove(self, ref: EntryRef) -> None:
        """Delete an entry folder and both of its alias files."""
        from generator.ck import edits

        with edits.writing(self):
            edits.remove(self, self.refresh(ref))

    def refresh(self, ref: EntryRef) -> EntryRef:
        """Re-resolve a ref under the lock (another writer may have changed it)."""
        from generator.errors import EntryNotFound

        found = self.find(ref.module, ref.uid or ref.alias) if ref.uid else self.find(ref.module, ref.alias)
        if found is None:
            raise EntryNotFound(f"entry {ref.cid} no longer exists", path=ref.path)
        return found


def _is_entry_dir(path: Path) -> bool:
    """An entry folder: a real folder holding a real ``.cm`` folder (links are refused)."""
    return real_dir(path) and real_dir(path / layout.CM)


def _recover_if_free(root: Path) -> None:
    from generator.ck.lock import try_lock  # here: only an interrupted change needs the lock

    lock = try_lock(root)
    if lock is None:
        return  # a live writer is mid-change; it finishes itself
    try:
        journal.recover(root)
    except (OSError, RepoError):
        pass  # read-only checkout or unreadable journal: readers go on, 'kb doctor' reports it
    finally:
        lock.release()


def build_info(uid: str, module: str, module_uid: str, name: str,
               control: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The ``info.json`` CK writes on add: backups, control block, data_name when aliased."""
    import datetime as _dt

    info: dict[str, Any] = {
        "backup_data_uid": uid,
        "backup_module_uid": module_uid,
        "backup_module_uoa": module,
        "control": {
            **(control or {}),
            "engine": "CK",
            "iso_datetime": _dt.datetime.now().isoformat(),
            "version": list(layout.CK_VERSION),
        },
    }
    if name:
        info["data_name"] = name
    return info
