"""kb doctor: what CK would trip on (the layout checks shared with validate), interrupted changes and
temp leftovers; plus the safe repairs."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from generator.ck import journal, layout
from generator.ck.ids import is_uid
from generator.ck.jsonio import write_text_atomic
from generator.ck.layout_checks import (
    AliasFolder,
    Finding,
    folder_findings,
    missing_file_findings,
    stale_findings,
)
from generator.ck.lock import RepoLock
from generator.ck.skipped import LINK, SPECIAL, repo_skipped
from generator.ck.store import Repo
from generator.diagnostics import Severity
from generator.errors import GeneratorError

__all__ = ["Finding", "examine", "repair"]


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
    root = AliasFolder(repo.path, "module")
    for module in modules:
        found += folder_findings(root, module)
    found += stale_findings(root)
    for module in modules:
        if module not in split:  # split-directory modules: read-only, not examined
            found += _examine_module(repo.path / module)
    return found


def _examine_module(module_dir: Path) -> list[Finding]:
    view = AliasFolder(module_dir, "entry")
    found: list[Finding] = []
    by_uid: dict[str, list[str]] = defaultdict(list)
    for name in view.folders():
        entry_dir = module_dir / name
        found += missing_file_findings(entry_dir)
        found += folder_findings(view, name, _info_uid(entry_dir))
        uid = view.uid_of(name) if view.has_alias_a(name) else name if is_uid(name) else ""
        if uid:
            by_uid[uid.lower()].append(name)
    found += stale_findings(view)
    for uid, names in sorted(by_uid.items()):
        if len(names) > 1:
            found += [Finding("duplicate-uid", Severity.ERROR, module_dir / name / layout.CM / layout.META,
                              f"UID {uid} of {module_dir.name}:{name} is also used by "
                              f"{', '.join(n for n in names if n != name)} in the same module",
                              hint="give all but one a new UID with 'kb ren --new-uid'") for name in names]  # fmt: skip
    return found


def _info_uid(entry_dir: Path) -> str:
    try:
        info = Repo.load_info_only(entry_dir)
    except GeneratorError:
        return ""
    uid = info.get("backup_data_uid", "")
    return uid if isinstance(uid, str) else ""


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
