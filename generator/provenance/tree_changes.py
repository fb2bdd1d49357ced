"""Which entries a move from one commit to another added, changed or removed."""

from __future__ import annotations

from dataclasses import dataclass, field

import git


@dataclass
class EntryChanges:
    """Entry keys ``module/entry`` per kind of change."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.changed or self.removed)


def _entry_key(path: str, prefix: str) -> str | None:
    if prefix:
        if not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix) + 1 :]
    parts = path.split("/")
    if len(parts) < 3 or parts[0].startswith(".") or parts[1].startswith("."):
        return None
    return f"{parts[0]}/{parts[1]}"


def _has_entry(tree: git.Tree | None, prefix: str, key: str) -> bool:
    if tree is None:
        return False
    try:
        tree / "/".join(p for p in (prefix, key, ".cm") if p)
    except KeyError:
        return False
    return True


def entry_changes(repo: git.Repo, old: str | None, new: str, subdir: str = "") -> EntryChanges:
    """Entries added, changed or removed between two commits (all entries count as added from None)."""
    prefix = subdir.strip("/")
    new_tree = repo.commit(new).tree
    old_tree = repo.commit(old).tree if old else None
    if old:
        names = repo.git.diff("--name-only", "--no-renames", old, new).splitlines()
    else:
        names = repo.git.ls_tree("-r", "--name-only", new).splitlines()
    keys = sorted({k for k in (_entry_key(n, prefix) for n in names) if k})
    result = EntryChanges()
    for key in keys:
        before, after = _has_entry(old_tree, prefix, key), _has_entry(new_tree, prefix, key)
        if after and not before:
            result.added.append(key)
        elif before and not after:
            result.removed.append(key)
        elif before and after:
            result.changed.append(key)
    return result
