"""The layout CK itself depends on: alias files against folders and info.json, and the ``.cm`` files
``ck add`` always writes. One set of checks for ``kb doctor`` (which repairs) and ``kb validate``
(which reports), so the two always agree.

Judged as CK 2.6.4 resolves names (``find_path_to_entry``): an alias folder without its
``alias-a-<alias>`` file is an "inconsistent entry" CK refuses to load and leaves out of ``ck list``
(an error); an ``alias-u-<uid>`` file naming another existing folder makes CK find that one by the
UID (an error); alias files left behind by a rename or a deletion only make an old name or a stale
UID fail (a warning). Module folders are checked the same way in the repository's root ``.cm``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck import layout
from generator.ck.ids import is_strict_uid, is_uid
from generator.ck.model import KNOWN_MODULE_UIDS
from generator.ck.store import read_alias_file
from generator.diagnostics import Diagnostic, Severity

ALIAS_A = "alias-a-"
ALIAS_U = "alias-u-"
META_FILES = (layout.META, layout.LEGACY_META)


@dataclass
class Finding:
    """One layout problem and, when a safe repair exists, how to make it."""

    code: str
    severity: Severity
    path: Path
    message: str
    hint: str = ""
    fix: str = ""  # human description of the repair ('' = none is safe)
    actions: list[tuple[str, Path, str]] = field(default_factory=list)  # (write|unlink|remove|recover, path, text)
    json_path: str = "$"

    def diagnostic(self) -> Diagnostic:
        """The shared diagnostic form (validate's report, doctor's --json)."""
        return Diagnostic(code=self.code, severity=self.severity, path=str(self.path), message=self.message,
                          json_path=self.json_path, hint=self.hint or self.fix)  # fmt: skip


class AliasFolder:
    """A folder whose children CK names through ``.cm/alias-*`` files: a module folder (children are
    entries, folders holding ``.cm``) or a repository root (children are modules). Read lazily, once."""

    def __init__(self, parent: Path, what: str) -> None:
        self.parent = parent
        self.what = what  # "entry" or "module"
        self.cm = parent / layout.CM
        self._cm_names: set[str] | None = None
        self._lines: dict[str, list[str]] = {}
        self._is_folder: dict[str, bool] = {}

    def cm_names(self) -> set[str]:
        """Names in the folder's ``.cm``."""
        if self._cm_names is None:
            try:
                self._cm_names = set(os.listdir(self.cm))
            except OSError:
                self._cm_names = set()
        return self._cm_names

    def _read(self, name: str) -> list[str]:
        if name not in self._lines:
            self._lines[name] = read_alias_file(f"{self.cm}{os.sep}{name}") if name in self.cm_names() else []
        return self._lines[name]

    def has_alias_a(self, alias: str) -> bool:
        """True when ``alias-a-<alias>`` exists."""
        return ALIAS_A + alias in self.cm_names()

    def uid_of(self, alias: str) -> str:
        """First line of ``alias-a-<alias>`` ('' when missing)."""
        return (self._read(ALIAS_A + alias) or [""])[0]

    def aliases_of(self, uid: str) -> list[str]:
        """Lines of ``alias-u-<uid>`` (newest alias first)."""
        return self._read(ALIAS_U + uid)

    def is_folder(self, name: str) -> bool:
        """A child CK would take: a real folder (holding a real ``.cm`` for entries)."""
        if name not in self._is_folder:
            path = f"{self.parent}{os.sep}{name}"
            ok = layout.is_entry_candidate(name) and _real_dir(path)
            self._is_folder[name] = ok and (self.what == "module" or _real_dir(f"{path}{os.sep}{layout.CM}"))
        return self._is_folder[name]

    def folders(self) -> list[str]:
        """Every child CK would take, sorted."""
        try:
            names = sorted(e.name for e in os.scandir(self.parent) if e.is_dir(follow_symlinks=False))
        except OSError:
            return []
        return [n for n in names if self.is_folder(n)]


def _real_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def folder_findings(view: AliasFolder, name: str, info_uid: str = "") -> list[Finding]:
    """Alias-file problems of one child folder (entry or module), as CK resolves its name and UID;
    ``info_uid`` is the entry's info.json ``backup_data_uid`` ('' when unknown)."""
    if view.has_alias_a(name):
        return _aliased(view, name, view.uid_of(name), info_uid)
    if is_uid(name):
        return _uid_mismatch(view, name, name, info_uid)
    return [_missing_alias_a(view, name, info_uid)]


def _aliased(view: AliasFolder, name: str, uid: str, info_uid: str) -> list[Finding]:
    what, alias_a, alias_u = view.what, view.cm / f"{ALIAS_A}{name}", view.cm / f"{ALIAS_U}{uid}"
    if not is_uid(uid):
        return [Finding("alias-mismatch", Severity.ERROR, alias_a,
                        f"alias file .cm/{ALIAS_A}{name} holds {uid[:40]!r}, not a UID: CK cannot tell "
                        f"which {what} {name!r} is", hint="write the UID of the folder into it")]  # fmt: skip
    back = view.aliases_of(uid)
    found: list[Finding] = []
    if not back:
        found.append(Finding("alias-mismatch", Severity.ERROR, alias_u,
                             f"alias file .cm/{ALIAS_U}{uid} is missing: CK cannot find {what} {name!r} by its "
                             f"UID", fix=f"write .cm/{ALIAS_U}{uid} = {name}",
                             actions=[("write", alias_u, name + "\n")]))  # fmt: skip
    elif back[0] != name and view.is_folder(back[0]):
        found.append(Finding("alias-mismatch", Severity.ERROR, alias_u,
                             f"alias file .cm/{ALIAS_U}{uid} names {back[0]!r} but the folder with that UID is "
                             f"{name!r}: CK finds {back[0]!r} by this UID",
                             hint=f"make both alias files agree with the folder {name!r}"))  # fmt: skip
    elif back[0] != name:
        found.append(Finding("stale-alias", Severity.WARNING, alias_u,
                             f"alias files still name {back[0]!r}, an old name of {name!r}: .cm/{ALIAS_U}{uid} "
                             f"holds it and that folder is gone, so CK cannot find {name!r} by its UID",
                             fix=f"write {name!r} first into .cm/{ALIAS_U}{uid}",
                             actions=[("write", alias_u, "\n".join([name, *(a for a in back if a != name)]) + "\n")]))
    return found + _uid_mismatch(view, name, uid, info_uid)


def _uid_mismatch(view: AliasFolder, name: str, uid: str, info_uid: str) -> list[Finding]:
    if not info_uid or info_uid.lower() == uid.lower():
        return []
    return [Finding("uid-mismatch", Severity.WARNING, view.parent / name / layout.CM / layout.INFO,
                    f"info.json backup_data_uid is {info_uid!r} but the alias files say {uid!r}",
                    hint="CK trusts the alias files (and rewrites the backup on its next update); fix info.json "
                         "or the alias files by hand", json_path="$.backup_data_uid")]  # fmt: skip


def _missing_alias_a(view: AliasFolder, name: str, info_uid: str) -> Finding:
    what, alias_a = view.what, view.cm / f"{ALIAS_A}{name}"
    uid = info_uid if view.what == "entry" else KNOWN_MODULE_UIDS.get(name, "")
    message = (f"{what} folder {name!r} has no alias file .cm/{ALIAS_A}{name}: CK calls it an inconsistent "
               f"entry, refuses to load {'it' if what == 'entry' else 'its entries'} and leaves it out of ck list")
    taken = view.aliases_of(uid)[:1] if uid else []
    if uid and is_strict_uid(uid) and (not taken or taken == [name] or not view.is_folder(taken[0])):
        alias_u = view.cm / f"{ALIAS_U}{uid}"
        source = "info.json" if what == "entry" else "the CK kernel's module UIDs"
        return Finding("missing-alias-file", Severity.ERROR, alias_a, message,
                       fix=f"write .cm/{ALIAS_A}{name} and .cm/{ALIAS_U}{uid} from {source}",
                       actions=[("write", alias_a, uid + "\n"), ("write", alias_u, name + "\n")])  # fmt: skip
    return Finding("missing-alias-file", Severity.ERROR, alias_a, message,
                   hint=f"write its UID into .cm/{ALIAS_A}{name} and {name!r} into .cm/{ALIAS_U}<uid>")


def stale_findings(view: AliasFolder) -> list[Finding]:
    """Alias files whose folder is gone (left by a deletion or a rename): CK fails on those names only."""
    folders = set(view.folders())
    live = {view.uid_of(n): n for n in folders if view.has_alias_a(n)}
    found: list[Finding] = []
    for file in sorted(view.cm_names()):
        if file.startswith(ALIAS_A) and file[len(ALIAS_A) :] not in folders:
            found += _stale_alias_a(view, file[len(ALIAS_A) :], live)
        elif file.startswith(ALIAS_U) and is_uid(file[len(ALIAS_U) :]):
            uid = file[len(ALIAS_U) :]
            if uid not in live and uid not in folders:
                found += _stale_alias_u(view, uid, folders)
    return found


def _stale_alias_a(view: AliasFolder, alias: str, live: dict[str, str]) -> list[Finding]:
    uid, what, path = view.uid_of(alias), view.what, view.cm / f"{ALIAS_A}{alias}"
    if uid in live:
        if alias in view.aliases_of(uid)[1:]:
            return []  # an older alias CK keeps for a renamed entry (allow_multiple_aliases)
        return [Finding("stale-alias", Severity.WARNING, path,
                        f"alias file .cm/{ALIAS_A}{alias} is left from a rename of {what} {live[uid]!r} "
                        f"(UID {uid}): CK no longer finds anything by the old name",
                        fix=f"delete .cm/{ALIAS_A}{alias}", actions=[("unlink", path, "")])]  # fmt: skip
    paths = [path]
    if uid and view.aliases_of(uid)[:1] == [alias]:
        paths.append(view.cm / f"{ALIAS_U}{uid}")
    return [Finding("stale-alias", Severity.WARNING, path,
                    f"{what} alias {alias!r} (UID {uid or '?'}) points at a missing folder {alias}/",
                    fix="delete " + ", ".join(f".cm/{p.name}" for p in paths),
                    actions=[("unlink", p, "") for p in paths])]  # fmt: skip


def _stale_alias_u(view: AliasFolder, uid: str, folders: set[str]) -> list[Finding]:
    names = view.aliases_of(uid)
    path = view.cm / f"{ALIAS_U}{uid}"
    if not names:
        return []
    alias = names[0]
    if view.has_alias_a(alias):
        now = view.uid_of(alias)
        if alias not in folders or now == uid:
            return []  # reported with the alias-a file (and deleted with it)
        message = f"alias file .cm/{ALIAS_U}{uid} names {alias!r}, which now has UID {now}"
    elif alias in folders:
        return []  # the folder's missing alias-a file is reported (and restored) with the folder
    else:
        message = (f"{view.what} alias file .cm/{ALIAS_U}{uid} names {alias!r}, which has neither a folder "
                   "nor an alias-a file")
    return [Finding("stale-alias", Severity.WARNING, path, message,
                    fix=f"delete .cm/{ALIAS_U}{uid}", actions=[("unlink", path, "")])]  # fmt: skip


def missing_file_findings(entry_dir: Path) -> list[Finding]:
    """The ``.cm`` files ``ck add`` always writes: no meta.json (nor CK 1's data.json) means CK
    cannot load the entry (error); a missing info.json or desc.json is a warning, and an empty
    desc.json (what ck add writes) is a safe repair."""
    cm = entry_dir / layout.CM
    try:
        present = set(os.listdir(cm))
    except OSError:
        return []
    found: list[Finding] = []
    if not present.intersection(META_FILES):
        found.append(Finding("missing-file", Severity.ERROR, cm / layout.META,
                             "meta.json is missing: CK cannot load this entry ('meta description is not found')",
                             hint="restore .cm/meta.json from version control, or write {} if the entry has no meta"))
    if layout.INFO not in present:
        found.append(Finding("missing-file", Severity.WARNING, cm / layout.INFO,
                             "info.json is missing, which ck add always writes (the UID backup, name and provenance)",
                             hint="restore .cm/info.json from version control"))  # fmt: skip
    if layout.DESC not in present:
        found.append(Finding("missing-file", Severity.WARNING, cm / layout.DESC,
                             "desc.json is missing, which ck add always writes (an empty {} when there is nothing "
                             "to describe)", fix="write an empty desc.json ({})",
                             actions=[("write", cm / layout.DESC, "{}\n")]))  # fmt: skip
    return found
