"""CK layout checks as validation diagnostics: the very checks ``kb doctor`` runs (ck/layout_checks.py),
per entry and per folder, so a changed-only run can ask for a few entries and folders."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.ck import layout
from generator.ck.layout_checks import AliasFolder, folder_findings, missing_file_findings, stale_findings
from generator.ck.limits import MAX_ALIASES
from generator.ck.lock import reading
from generator.ck.model import Entry
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.diagnostics import Diagnostic, Severity
from generator.errors import GeneratorError


class AliasFolders:
    """The alias folders of one validation run, each listed and read at most once."""

    def __init__(self) -> None:
        self._views: dict[Path, AliasFolder] = {}

    def get(self, parent: Path, what: str) -> AliasFolder:
        """The view of a module folder (``what='entry'``) or repository root (``what='module'``)."""
        view = self._views.get(parent)
        if view is None:
            view = self._views[parent] = AliasFolder(parent, what)
        return view


def entry_layout_diagnostics(entry: Entry, folders: AliasFolders) -> list[Diagnostic]:
    """An entry's missing ``.cm`` files and its alias files against its folder and info.json."""
    ref = entry.ref
    found = [f.diagnostic() for f in missing_file_findings(ref.path)]
    module_dir = ref.path.parent
    if module_dir.name != ref.module:
        return found  # a split-directory module: read-only in kb, alias files not examined (as doctor)
    backup = entry.info.get("backup_data_uid")
    info_uid = backup if isinstance(backup, str) else ""
    view = folders.get(module_dir, "entry")
    found += [f.diagnostic() for f in folder_findings(view, ref.path.name, info_uid)]
    return found + _alias_history_limit(view, ref.alias, ref.uid)


def _alias_history_limit(view: AliasFolder, alias: str, uid: str) -> list[Diagnostic]:
    """More old aliases than get redirect pages (a cap of the portal, not a CK fault)."""
    history = view.aliases_of(uid) if alias and uid else []
    if len(history) <= MAX_ALIASES or history[0] != alias:
        return []
    return [Diagnostic(code="limit", severity=Severity.WARNING, path=str(view.cm / f"alias-u-{uid}"),
                       message=f"alias file .cm/alias-u-{uid} lists more than {MAX_ALIASES} aliases; only the "
                               f"newest {MAX_ALIASES} get redirect pages",
                       hint="drop old aliases nobody links to any more")]  # fmt: skip


def module_layout_diagnostics(repo_root: Path, modules: list[str], folders: AliasFolders) -> list[Diagnostic]:
    """Module folders against the repository root's alias files, and root alias files left behind."""
    found = module_folder_diagnostics(repo_root, modules, folders)
    return found + [f.diagnostic() for f in stale_findings(folders.get(repo_root, "module"))]


def module_folder_diagnostics(repo_root: Path, modules: Iterable[str], folders: AliasFolders) -> list[Diagnostic]:
    """These module folders against the repository root's alias files (a module made by hand has none)."""
    view = folders.get(repo_root, "module")
    return [f.diagnostic() for module in modules for f in folder_findings(view, module)]


def stale_alias_diagnostics(module_dir: Path, folders: AliasFolders) -> list[Diagnostic]:
    """Entry alias files in a module folder whose entry folder is gone."""
    return [f.diagnostic() for f in stale_findings(folders.get(module_dir, "entry"))]


# The codes of ck/layout_checks' alias findings: what a kb write seen half done can show for a moment.
ALIAS_CODES = frozenset({"alias-mismatch", "stale-alias", "missing-alias-file", "uid-mismatch"})


def settle_alias_findings(diagnostics: list[Diagnostic], workspace: Workspace) -> list[Diagnostic]:
    """Alias findings checked again under each repository's read lock.

    A kb write (add, ren, rm, mv) changes folders and alias files one after another under the
    repository lock; a validation reading them meanwhile can see them disagree. So each module (and
    repository top level) with an alias finding is read again while no writer is mid-change, and
    its alias findings are replaced by the fresh ones: what vanished was never real.
    """
    suspects = {place for d in diagnostics if d.code in ALIAS_CODES
                and (place := _place(workspace, Path(d.path))) is not None}  # fmt: skip
    if not suspects:
        return diagnostics
    kept = [d for d in diagnostics if d.code not in ALIAS_CODES or _place(workspace, Path(d.path)) not in suspects]
    for repo in workspace.repos:
        modules = sorted(module for root, module in suspects if root == repo.path)
        if modules:
            with reading(repo.path):
                folders = AliasFolders()
                kept += [d for module in modules for d in _fresh(repo, module, folders) if d.code in ALIAS_CODES]
    return kept


def _place(workspace: Workspace, path: Path) -> tuple[Path, str] | None:
    """(repository folder, module) of a diagnostic's path; module '' for the repository's own .cm."""
    for repo in workspace.repos:
        if path.is_relative_to(repo.path):
            parts = path.relative_to(repo.path).parts
            return (repo.path, "" if not parts or parts[0] == layout.CM else parts[0])
    return None


def _fresh(repo: Repo, module: str, folders: AliasFolders) -> list[Diagnostic]:
    """Every layout finding of one module (or, for '', of the repository's module folders), read now."""
    if not module:
        return module_layout_diagnostics(repo.path, repo.module_names(), folders)
    found: list[Diagnostic] = []
    for ref in repo.iter_refs(module):
        try:
            found += entry_layout_diagnostics(repo.load(ref, updates=False), folders)
        except GeneratorError:
            continue  # reported as a parse error
    return found + stale_alias_diagnostics(repo.path / module, folders)
