"""Layout checks: what CK would trip on (alias files without entries, entries without alias files,
UID mismatches), interrupted changes and temp leftovers; plus the safe repairs."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator.ck import journal, layout
from generator.ck.ids import is_strict_uid, is_uid
from generator.ck.jsonio import write_text_atomic
from generator.ck.lock import RepoLock
from generator.ck.skipped import LINK, SPECIAL, repo_skipped
from generator.ck.store import Repo, read_alias_file
from generator.diagnostics import Diagnostic, Severity
from generator.errors import GeneratorError


@dataclass
class Finding:
    """One layout problem and, when a safe repair exists, how to make it."""

    code: str
    severity: Severity
    path: Path
    message: str
    hint: str = ""
    fix: str = ""  # human description of the repair ('' = none is safe)
    actions: list[tuple[str, Path, str]] = field(default_factory=list)  # (write|unlink|remove, path, text)

    def diagnostic(self) -> Diagnostic:
        """The shared diagnostic form (for reports and --json)."""
        return Diagnostic(code=self.code, severity=self.severity, path=str(self.path),
                          message=self.message, hint=self.hint or self.fix)  # fmt: skip


def examine(repo: Repo) -> list[Finding]:
    """Every layout problem in one repository (read-only)."""
    found: list[Finding] = []
    if journal.pending(repo.path):
        where = journal.journal_path(repo.path)
        found.append(Finding("interrupted-change", Severity.ERROR,
                             where if where.is_file() else journal.peer_marker_path(repo.path),
                             "a change was interrupted and is not finished",
                             fix="replay the journal to finish it", actions=[("recover", repo.path, "")]))  # fmt: skip
    for leftover in journal.find_temp_leftovers(repo.path, deep=True):
        found.append(Finding("temp-leftover", Severity.WARNING, leftover,
                             "temporary file or folder left by an interrupted kb command",
                             fix="delete it", actions=[("remove", leftover, "")]))  # fmt: skip
    modules = repo.module_names()
    split = frozenset(m for m in modules if repo.split_number(m))
    for odd in repo_skipped(repo.path, modules, split):
        if odd.code in (LINK, SPECIAL):  # never repaired: only a person knows what the link meant
            found.append(Finding(odd.code, odd.severity, Path(odd.path), odd.message, hint=odd.hint))
    for module in modules:
        if module in split:
            continue  # split-directory modules: read-only, not examined
        found += _examine_module(repo, module)
    return found


def _examine_module(repo: Repo, module: str) -> list[Finding]:
    module_dir = repo.path / module
    cm = module_dir / layout.CM
    found: list[Finding] = []
    alias_a: dict[str, str] = {}
    alias_u: dict[str, list[str]] = {}
    for name in _listdir(cm):
        if name.startswith("alias-a-"):
            lines = read_alias_file(cm / name)
            alias_a[name[8:]] = lines[0] if lines else ""
        elif name.startswith("alias-u-"):
            alias_u[name[8:]] = read_alias_file(cm / name)
    dirs = {n for n in _listdir(module_dir) if layout.is_entry_candidate(n)
            and (module_dir / n / layout.CM).is_dir() and not (module_dir / n).is_symlink()}  # fmt: skip
    for alias, uid in sorted(alias_a.items()):
        if alias not in dirs and alias in alias_u.get(uid, [])[1:]:
            continue  # an older alias of a renamed entry (CK's allow_multiple_aliases)
        if alias not in dirs:
            shared = any(v == uid for k, v in alias_a.items() if k != alias)  # renamed: keep alias-u
            extra = [cm / f"alias-u-{uid}"] if alias_u.get(uid, [""])[0] == alias and not shared else []
            message = f"alias file points to a missing entry '{alias}'"
            found.append(_dangling(cm, f"alias-a-{alias}", message, extra=extra))
        elif not is_uid(uid):
            found.append(Finding("bad-alias-file", Severity.ERROR, cm / f"alias-a-{alias}",
                                 f"alias file holds {uid!r}, not a UID"))  # fmt: skip
        elif alias_u.get(uid, [""])[0] != alias:
            found.append(Finding("alias-mismatch", Severity.ERROR, cm / f"alias-u-{uid}",
                                 f"alias-a-{alias} names UID {uid} but alias-u-{uid} does not name '{alias}'",
                                 fix=f"write alias-u-{uid} = {alias}",
                                 actions=[("write", cm / f"alias-u-{uid}",
                                           _alias_u_text(alias, alias_u.get(uid, [])))]))  # fmt: skip
    for uid, aliases in sorted(alias_u.items()):
        if aliases and aliases[0] not in dirs and aliases[0] not in alias_a:
            found.append(_dangling(cm, f"alias-u-{uid}", f"alias file names a missing entry '{aliases[0]}'"))
        elif aliases and alias_a.get(aliases[0], uid) != uid:
            found.append(_dangling(cm, f"alias-u-{uid}", f"stale alias file: '{aliases[0]}' now has UID "
                                   f"{alias_a[aliases[0]]}"))  # fmt: skip
    by_uid: dict[str, list[str]] = defaultdict(list)
    for name in sorted(dirs):
        found += _examine_entry(module_dir, name, alias_a, by_uid)
    for uid, names in sorted(by_uid.items()):
        if len(names) > 1:
            found.append(Finding("duplicate-uid", Severity.ERROR, module_dir,
                                 f"UID {uid} is used by several entries: {', '.join(names)}",
                                 hint="give all but one a new UID with 'kb ren --new-uid'"))  # fmt: skip
    return found


def _examine_entry(module_dir: Path, name: str, alias_a: dict[str, str],
                   by_uid: dict[str, list[str]]) -> list[Finding]:  # fmt: skip
    cm = module_dir / layout.CM
    entry_dir = module_dir / name
    info_uid = _info_uid(entry_dir)
    if name in alias_a:
        uid = alias_a[name]
    elif is_uid(name):
        uid = name
    else:
        if info_uid and is_strict_uid(info_uid):
            return [Finding("missing-alias-file", Severity.ERROR, entry_dir,
                            f"entry '{name}' has no alias-a file (CK: 'inconsistent entry')",
                            fix=f"write alias-a-{name} and alias-u-{info_uid} from info.json",
                            actions=[("write", cm / f"alias-a-{name}", info_uid + "\n"),
                                     ("write", cm / f"alias-u-{info_uid}", name + "\n")])]  # fmt: skip
        return [Finding("missing-alias-file", Severity.ERROR, entry_dir,
                        f"entry '{name}' has no alias-a file and info.json has no usable UID",
                        hint="give it a UID: write .cm/alias-a-<name> and alias-u-<uid> by hand")]  # fmt: skip
    by_uid[uid.lower()].append(name)
    if info_uid and info_uid != uid:
        return [Finding("uid-mismatch", Severity.ERROR, entry_dir / layout.CM / layout.INFO,
                        f"info.json backup_data_uid is {info_uid} but the alias files say {uid}",
                        hint="CK trusts the alias files; fix info.json or the alias files by hand")]  # fmt: skip
    return []


def _info_uid(entry_dir: Path) -> str:
    try:
        info = Repo.load_info_only(entry_dir)
    except GeneratorError:
        return ""
    uid = info.get("backup_data_uid", "")
    return uid if isinstance(uid, str) else ""


def _dangling(cm: Path, name: str, message: str, extra: list[Path] | None = None) -> Finding:
    paths = [cm / name, *(extra or [])]
    return Finding("dangling-alias", Severity.ERROR, cm / name, message,
                   fix="delete " + ", ".join(p.name for p in paths),
                   actions=[("unlink", p, "") for p in paths])  # fmt: skip


def _alias_u_text(alias: str, existing: list[str]) -> str:
    return "\n".join([alias, *[a for a in existing if a != alias]]) + "\n"


def _listdir(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def repair(repo: Repo, findings: list[Finding]) -> list[Finding]:
    """Apply the safe repairs under the repository lock; returns the findings that were fixed."""
    fixed: list[Finding] = []
    with RepoLock(repo.path):
        for finding in findings:
            if not finding.actions:
                continue
            for kind, path, text in finding.actions:
                if kind == "recover":
                    journal.recover(path)
                elif kind == "write":
                    write_text_atomic(path, text)
                elif kind == "unlink":
                    path.unlink(missing_ok=True)
                elif kind == "remove":
                    journal.remove_path(path)
            fixed.append(finding)
    return fixed
