"""Every alias and UID of a workspace from folder listings alone (no JSON read): the fast lookup.

Changed-only validation checks a few entries' references against the whole corpus; loading 10,000
entries to learn their names would cost seconds, listing the module folders costs milliseconds.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field

from generator.ck import layout
from generator.ck.ids import is_uid
from generator.ck.resolve import Workspace

ALIAS_U = "alias-u-"


@dataclass
class NameIndex:
    """Names (entry folders) and UIDs per module, plus every UID of the workspace."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uid_places: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, workspace: Workspace) -> NameIndex:
        """List each module folder and its ``.cm`` folder in every repository."""
        index = cls()
        for repo in workspace.repos:
            for module in repo.module_names():
                index._add_module(repo.info.alias, module, str(repo.path / module))
        return index

    def _add_module(self, repo: str, module: str, folder: str) -> None:
        try:
            children = list(os.scandir(folder))
        except OSError:
            return
        for child in children:
            if child.name == layout.CM:
                self._add_uid_files(repo, module, child.path)
            elif layout.is_entry_candidate(child.name) and child.is_dir(follow_symlinks=False):
                # No stat of <entry>/.cm: scandir's file type is free, 10,000 stats are not.
                self.names[module].add(child.name)
                if is_uid(child.name):
                    self._add_uid(repo, module, child.name)

    def _add_uid_files(self, repo: str, module: str, cm_folder: str) -> None:
        try:
            names = os.listdir(cm_folder)
        except OSError:
            return
        for name in names:
            if name.startswith(ALIAS_U) and is_uid(name[len(ALIAS_U) :]):
                self._add_uid(repo, module, name[len(ALIAS_U) :])

    def _add_uid(self, repo: str, module: str, uid: str) -> None:
        self.uids[module].add(uid)
        place = f"{repo}:{module}"
        if place not in self.uid_places[uid]:
            self.uid_places[uid].append(place)

    def resolves(self, module: str, target: str) -> bool:
        """Like references.resolve_uoa: alias or UID in the module, else a UID anywhere."""
        if module and (target in self.names.get(module, ()) or target in self.uids.get(module, ())):
            return True
        return is_uid(target) and target in self.uid_places

    def aliases(self, module: str) -> list[str]:
        """Entry folder names of a module (for "did you mean")."""
        return sorted(n for n in self.names.get(module, ()) if not is_uid(n))
