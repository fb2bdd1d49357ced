"""Alias files against folders and info.json: CK's alias-a/alias-u pairs must agree with the disk.

CK keeps ``<parent>/.cm/alias-a-<alias>`` (holding the UID) and ``alias-u-<uid>`` (holding the
alias) for every aliased entry, and the same pair for every module at the repository's top level.
A pair that disagrees makes CK find the wrong entry (error); an alias file whose folder is gone is
stale (warning: nothing is lost, but ``ck find`` fails on that name).
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.ck import layout
from generator.ck.ids import is_uid
from generator.ck.limits import ALIAS_FILE_BYTES, MAX_ALIASES
from generator.ck.model import Entry
from generator.ck.reading import read_head
from generator.diagnostics import Diagnostic, Severity

CODE = "alias-mismatch"
ALIAS_A = "alias-a-"
ALIAS_U = "alias-u-"


def _diag(path: Path, message: str, hint: str, severity: Severity = Severity.ERROR,
          json_path: str = "$") -> Diagnostic:  # fmt: skip
    return Diagnostic(code=CODE, severity=severity, path=str(path), message=message,
                      json_path=json_path, hint=hint)  # fmt: skip


def entry_alias_diagnostics(entry: Entry) -> list[Diagnostic]:
    """An aliased entry's alias-a and alias-u files and info.json backup UID must agree."""
    ref = entry.ref
    module_dir = ref.path.parent
    found: list[Diagnostic] = []
    if ref.alias and not ref.uid:
        found.append(_diag(layout.alias_a(module_dir, ref.alias),
                           f"entry folder {ref.alias!r} has no alias file .cm/alias-a-{ref.alias}",
                           "CK cannot find this entry by UID; restore the alias files (kb doctor)",
                           Severity.WARNING))  # fmt: skip
    elif ref.alias:
        back = first_lines(f"{module_dir}/{layout.CM}/{ALIAS_U}{ref.uid}")
        if back == [ref.alias]:  # the common case, decided without building a single Path
            pass
        elif len(back) > MAX_ALIASES and back[0] == ref.alias:
            found.append(Diagnostic(code="limit", severity=Severity.WARNING,
                                    path=str(layout.alias_u(module_dir, ref.uid)),
                                    message=f"alias file .cm/alias-u-{ref.uid} lists more than {MAX_ALIASES} "
                                            f"aliases; only the newest {MAX_ALIASES} get redirect pages",
                                    hint="drop old aliases nobody links to any more"))  # fmt: skip
        elif not back:
            found.append(_diag(layout.alias_u(module_dir, ref.uid),
                               f"alias file .cm/alias-u-{ref.uid} is missing for entry {ref.alias!r}",
                               f"create it with the single line {ref.alias!r} (kb doctor)"))  # fmt: skip
        elif back[0] != ref.alias and not (module_dir / back[0]).is_dir():
            found.append(_diag(layout.alias_u(module_dir, ref.uid),
                               f"alias files still name {back[0]!r}, an old name of {ref.alias!r}: "
                               f".cm/alias-u-{ref.uid} holds {back[0]!r} and that folder is gone",
                               f"write {ref.alias!r} into .cm/alias-u-{ref.uid} and delete "
                               f".cm/alias-a-{back[0]} (kb doctor)", Severity.WARNING))  # fmt: skip
        elif back[0] != ref.alias:
            found.append(_diag(layout.alias_u(module_dir, ref.uid),
                               f"alias file .cm/alias-u-{ref.uid} names {back[0]!r} but the folder is {ref.alias!r}",
                               f"make both alias files agree with the folder name {ref.alias!r}"))  # fmt: skip
    backup = entry.info.get("backup_data_uid")
    if ref.uid and isinstance(backup, str) and backup and backup != ref.uid:
        found.append(_diag(layout.cm_file(ref.path, layout.INFO),
                           f"info.json backup_data_uid {backup!r} differs from the entry's UID {ref.uid!r}",
                           "the UID in the alias file wins in CK; fix whichever is wrong",
                           json_path="$.backup_data_uid"))  # fmt: skip
    return found


def first_lines(path: str) -> list[str]:
    """Non-empty lines of a small alias file ([] when missing or unreadable); no pathlib on the hot path."""
    raw = read_head(path, ALIAS_FILE_BYTES)
    if raw is None:
        return []
    text = raw.decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def stale_alias_diagnostics(parent: Path, what: str, live_uids: set[str] | None = None) -> list[Diagnostic]:
    """Alias files in ``parent/.cm`` whose folder is missing (``what`` is 'entry' or 'module').

    ``live_uids`` are the UIDs of the entries that exist under ``parent``; their alias files are
    checked per entry (and renames reported there), so only orphans are read here.
    """
    found: list[Diagnostic] = []
    cm_dir = parent / layout.CM
    names = sorted(_listing(cm_dir))
    folders = set(_listing(parent))
    live = live_uids
    if live is None:
        live = {(first_lines(f"{cm_dir}/{n}") or [""])[0]
                for n in names if n.startswith(ALIAS_A) and n[len(ALIAS_A):] in folders}  # fmt: skip
    for name in names:
        if name.startswith(ALIAS_A):
            alias = name[len(ALIAS_A) :]
            if alias in folders:
                continue
            uid = (first_lines(f"{cm_dir}/{name}") or [""])[0]
            if uid in live:  # renames are reported per entry
                continue
            found.append(_diag(cm_dir / name,
                               f"{what} alias {alias!r} (UID {uid or '?'}) points at a missing folder "
                               f"{alias}/", f"delete .cm/{name} and .cm/alias-u-{uid or '<uid>'}, "
                               f"or restore the {alias}/ folder", Severity.WARNING))  # fmt: skip
        elif name.startswith(ALIAS_U) and is_uid(name[len(ALIAS_U) :]) and name[len(ALIAS_U) :] not in live:
            alias = (first_lines(f"{cm_dir}/{name}") or [""])[0]
            if alias and f"{ALIAS_A}{alias}" not in names and alias not in folders:
                found.append(_diag(cm_dir / name,
                                   f"{what} alias file names {alias!r}, which has neither a folder nor an "
                                   f"alias-a file", f"delete .cm/{name}", Severity.WARNING))  # fmt: skip
    return found
