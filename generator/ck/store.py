"""Reads and writes one CK repository on disk: the only code that touches entry files."""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.ids import check_name, check_uid, is_uid, new_uid
from generator.ck.jsonio import read_json_object, write_json_atomic, write_text_atomic
from generator.ck.model import KNOWN_MODULE_UIDS, Entry, EntryRef, RepoInfo
from generator.errors import EntryExists, GeneratorError, RepoError


def read_alias_file(path: Path) -> list[str]:
    """Lines of an alias file (an alias-u file may list several aliases, newest first)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read_optional(path: Path) -> dict[str, Any]:
    return read_json_object(path) if path.is_file() else {}


class Repo:
    """One CK repository folder (``.ckr.json`` plus module folders)."""

    def __init__(self, info: RepoInfo) -> None:
        self.info = info
        self.path = info.path
        self._module_uid_cache: dict[str, str] = {}

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Repo:
        """Open an existing repository, reading its ``.ckr.json``."""
        root = Path(path).resolve()
        desc_file = root / layout.REPO_FILE
        if not root.is_dir():
            raise RepoError("repository folder does not exist", path=root)
        if not desc_file.is_file():
            raise RepoError("not a CK repository: .ckr.json is missing", path=root,
                            hint="run 'kb repo init' in that folder to make it one")  # fmt: skip
        data = read_json_object(desc_file)
        alias = str(data.get("data_alias") or data.get("data_uoa") or root.name)
        uid = str(data.get("data_uid") or "")
        extra = data.get("dict") if isinstance(data.get("dict"), dict) else {}
        if "repo_deps" in data and "repo_deps" not in extra:  # old repos keep deps at top level
            extra = {**extra, "repo_deps": data["repo_deps"]}
        name = str(data.get("data_name") or alias)
        return cls(RepoInfo(alias=alias, uid=uid, path=root, name=name, dict=extra))

    @classmethod
    def init(cls, path: Path | str, alias: str = "", *, uid: str = "", url: str = "",
             desc: str = "", deps: list[str] | None = None) -> Repo:  # fmt: skip
        """Create a repository's ``.ckr.json`` the way ``ck add repo`` writes it."""
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
        # CK writes .ckr.json in insertion order, not sorted.
        data = {"data_uoa": alias, "data_uid": uid, "data_alias": alias, "data_name": alias,
                "dict": extra}  # fmt: skip
        root.mkdir(parents=True, exist_ok=True)
        write_json_atomic(root / layout.REPO_FILE, data, sort_keys=False)
        return cls.open(root)

    # -- modules ------------------------------------------------------------------------

    def module_names(self) -> list[str]:
        """Module folders in this repository, sorted."""
        try:
            children = list(os.scandir(self.path))
        except OSError as exc:
            raise RepoError(f"cannot list repository: {exc.strerror}", path=self.path) from None
        names = [c.name for c in children if layout.is_entry_candidate(c.name)
                 and c.is_dir(follow_symlinks=False)]  # fmt: skip
        return sorted(names)

    def module_uid(self, module: str) -> str:
        """The module's UID from the repository's alias file, the kernel table, or ''."""
        if module not in self._module_uid_cache:
            lines = read_alias_file(layout.alias_a(self.path, module))
            self._module_uid_cache[module] = lines[0] if lines else KNOWN_MODULE_UIDS.get(module, "")
        return self._module_uid_cache[module]

    # -- reading entries ------------------------------------------------------------------

    def iter_refs(self, module: str) -> Iterator[EntryRef]:
        """Every entry folder of a module (a sub-folder that holds ``.cm``), sorted by name."""
        module_dir = self.path / module
        try:
            children = sorted(os.scandir(module_dir), key=lambda c: c.name)
        except OSError:
            return
        module_uid = self.module_uid(module)
        for child in children:
            if not layout.is_entry_candidate(child.name) or not child.is_dir(follow_symlinks=False):
                continue
            if not os.path.isdir(os.path.join(child.path, layout.CM)):
                continue
            yield self._ref_for_dir(module, module_uid, child.name)

    def _ref_for_dir(self, module: str, module_uid: str, name: str) -> EntryRef:
        module_dir = self.path / module
        lines = read_alias_file(layout.alias_a(module_dir, name))
        if lines:
            alias, uid = name, lines[0]
        elif is_uid(name):
            alias, uid = "", name
        else:  # alias folder without alias-a file: CK's "inconsistent entry"; keep it readable
            alias, uid = name, ""
        return EntryRef(self.info.alias, module, module_uid, alias, uid, module_dir / name)

    def find(self, module: str, uoa: str) -> EntryRef | None:
        """Resolve an alias or UID inside one module the way CK's find_path_to_entry does."""
        module_dir = self.path / module
        if not module_dir.is_dir():
            return None
        module_uid = self.module_uid(module)
        if is_uid(uoa):
            aliases = read_alias_file(layout.alias_u(module_dir, uoa))
            if aliases and (module_dir / aliases[0] / layout.CM).is_dir():
                return EntryRef(self.info.alias, module, module_uid, aliases[0], uoa, module_dir / aliases[0])
            if (module_dir / uoa / layout.CM).is_dir():
                return self._ref_for_dir(module, module_uid, uoa)
        if layout.is_entry_candidate(uoa) and (module_dir / uoa / layout.CM).is_dir():
            return self._ref_for_dir(module, module_uid, uoa)
        return None

    def load(self, ref: EntryRef) -> Entry:
        """Read an entry's ``.cm`` files (meta or legacy data.json, info, desc, updates)."""
        meta_file = layout.cm_file(ref.path, layout.META)
        if not meta_file.is_file() and layout.cm_file(ref.path, layout.LEGACY_META).is_file():
            meta_file = layout.cm_file(ref.path, layout.LEGACY_META)
        meta = read_json_object(meta_file) if meta_file.is_file() else {}
        info = _read_optional(layout.cm_file(ref.path, layout.INFO))
        desc = _read_optional(layout.cm_file(ref.path, layout.DESC))
        updates = _read_optional(layout.cm_file(ref.path, layout.UPDATES))
        return Entry(ref=ref, meta=meta, info=info, desc=desc, updates=updates)

    # -- writing entries ------------------------------------------------------------------

    def add(self, module: str, alias: str = "", *, uid: str = "", meta: dict[str, Any] | None = None,
            name: str = "", desc: dict[str, Any] | None = None,
            control: dict[str, Any] | None = None) -> Entry:  # fmt: skip
        """Create an entry exactly as CK 2.6.4's ``add`` lays it out."""
        check_name(module, "module")
        if alias:
            check_name(alias, "entry")
        uid = check_uid(uid) if uid else new_uid()
        self._refuse_existing(module, alias, uid)
        module_uid = self._ensure_module(module)
        module_dir = self.path / module
        target = module_dir / (alias or uid)
        info = build_info(uid, module, module_uid, name or alias, control)
        staged = _stage_entry(module_dir, meta or {}, info, desc or {})
        try:
            os.rename(staged, target)
        except OSError as exc:
            shutil.rmtree(staged, ignore_errors=True)
            raise EntryExists(f"cannot create entry folder: {exc.strerror}", path=target) from None
        if alias:
            write_text_atomic(layout.alias_u(module_dir, uid), alias + "\n")
            write_text_atomic(layout.alias_a(module_dir, alias), uid + "\n")
        ref = EntryRef(self.info.alias, module, module_uid, alias, uid, target)
        return self.load(ref)

    def _refuse_existing(self, module: str, alias: str, uid: str) -> None:
        module_dir = self.path / module
        for candidate in filter(None, (alias, uid)):
            existing = self.find(module, candidate)
            if existing is not None:
                raise EntryExists(f"entry {self.info.alias}:{module}:{candidate} already exists",
                                  path=existing.path)  # fmt: skip
        if alias and module_dir.is_dir():
            folded = alias.casefold()
            for child in os.listdir(module_dir):
                if child.casefold() == folded:
                    raise EntryExists(f"an entry named {child!r} differs from {alias!r} only in case",
                                      path=module_dir / child)  # fmt: skip

    def _ensure_module(self, module: str) -> str:
        """Create the module folder and its repo-level alias files on first use, like CK."""
        uid = self.module_uid(module)
        if not uid:
            uid = KNOWN_MODULE_UIDS.get(module) or new_uid()
        if not layout.alias_a(self.path, module).is_file():
            write_text_atomic(layout.alias_a(self.path, module), uid + "\n")
            write_text_atomic(layout.alias_u(self.path, uid), module + "\n")
        (self.path / module).mkdir(exist_ok=True)
        self._module_uid_cache[module] = uid
        return uid

    def remove(self, ref: EntryRef) -> None:
        """Delete an entry folder and both of its alias files."""
        module_dir = self.path / ref.module
        if ref.alias:
            layout.alias_a(module_dir, ref.alias).unlink(missing_ok=True)
        if ref.uid:
            layout.alias_u(module_dir, ref.uid).unlink(missing_ok=True)
        graveyard = Path(tempfile.mkdtemp(prefix=".kb-rm-", dir=module_dir))
        try:
            os.rename(ref.path, graveyard / "entry")
        except OSError as exc:
            raise GeneratorError(f"cannot remove entry: {exc.strerror}", path=ref.path) from None
        shutil.rmtree(graveyard, ignore_errors=True)


def build_info(uid: str, module: str, module_uid: str, name: str,
               control: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The ``info.json`` CK writes on add: backups, control block, data_name when aliased."""
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


def _stage_entry(module_dir: Path, meta: dict[str, Any], info: dict[str, Any],
                 desc: dict[str, Any]) -> Path:  # fmt: skip
    """Write a complete entry into a hidden temp folder, ready to be renamed into place."""
    module_dir.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".kb-new-", dir=module_dir))
    try:
        write_json_atomic(layout.cm_file(staged, layout.META), meta)
        write_json_atomic(layout.cm_file(staged, layout.INFO), info)
        write_json_atomic(layout.cm_file(staged, layout.DESC), desc)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged
