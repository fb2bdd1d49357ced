"""CK layout checks as validation diagnostics: the very checks ``kb doctor`` runs (ck/layout_checks.py),
per entry and per folder, so a changed-only run can ask for a few entries and folders."""

from __future__ import annotations

from pathlib import Path

from generator.ck.layout_checks import AliasFolder, folder_findings, missing_file_findings, stale_findings
from generator.ck.limits import MAX_ALIASES
from generator.ck.model import Entry
from generator.diagnostics import Diagnostic, Severity


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
    view = folders.get(repo_root, "module")
    found = [f.diagnostic() for module in modules for f in folder_findings(view, module)]
    return found + [f.diagnostic() for f in stale_findings(view)]


def stale_alias_diagnostics(module_dir: Path, folders: AliasFolders) -> list[Diagnostic]:
    """Entry alias files in a module folder whose entry folder is gone."""
    return [f.diagnostic() for f in stale_findings(folders.get(module_dir, "entry"))]
