"""What one validation run applies: the schemas, each repository's profile and the modules that exist.

Two layers (docs/validation.md): CK-format checks hold for every repository; Reef KB's type schemas
and its reference rules are errors only in repositories that follow the Reef profile, and notes in
plain CK ones. Every check takes a ``Rules`` so a full run and a changed-only run apply the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.ck.model import KNOWN_MODULE_UIDS, Entry
from generator.ck.profile import REEF
from generator.ck.resolve import Workspace
from generator.schema.loader import SchemaSet, load_schemas

# Modules whose entries describe an entry of another module under the same UID: MILEPOST features
# (program.static.features, dataset.features …) and reproindex mirrors (component.program …).
FEATURES_SUFFIX = ".features"
COMPONENT_PREFIX = "component."


@dataclass(frozen=True)
class Rules:
    """Schemas, repository alias → profile, and every module name the workspace knows."""

    schemas: SchemaSet
    profiles: Mapping[str, str]
    modules: frozenset[str]

    @classmethod
    def for_workspace(cls, workspace: Workspace, schemas: SchemaSet | None = None) -> Rules:
        """The rules of a workspace (module folders are listed, no entry is read)."""
        names = {m for repo in workspace.repos for m in repo.module_names()}
        return cls(schemas or load_schemas(), workspace.profiles(), frozenset(names | set(KNOWN_MODULE_UIDS)))

    def reef(self, repo: str) -> bool:
        """True when the repository (by alias) follows the Reef profile."""
        return self.profiles.get(repo) == REEF

    def reef_entry(self, entry: Entry) -> bool:
        """True when the entry's repository follows the Reef profile."""
        return self.reef(entry.ref.repo)

    def known_module(self, module: str) -> bool:
        """A module some repository has a folder for, or one of the CK kernel's own."""
        return module in self.modules


def describes(module: str, other: str) -> bool:
    """True when entries of ``module`` describe entries of ``other`` under the same UID, by CK convention."""
    if module.startswith(COMPONENT_PREFIX):
        return module[len(COMPONENT_PREFIX) :] == other
    return module.endswith(FEATURES_SUFFIX) and module.startswith(other + ".")


def shares_uid_by_convention(module: str, other: str) -> bool:
    """Either module describes the other (their entries may carry the same UID)."""
    return describes(module, other) or describes(other, module)
