"""Several repositories at once: list with wildcards and resolve CIDs to exactly one entry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from generator.ck.ids import Cid, has_wildcards, matches
from generator.ck.inherit import inherit
from generator.ck.model import Entry, EntryRef
from generator.ck.profile import effective_profile
from generator.ck.store import Repo
from generator.errors import AmbiguousAlias, EntryNotFound, UsageError


class Workspace:
    """The repositories a command works on, in search order, with the profile a site sets for
    some of them (``mkdocs.yml``; by resolved folder)."""

    def __init__(self, repos: Iterable[Repo], profiles: Mapping[Path, str] | None = None) -> None:
        self.repos = list(repos)
        self.profile_overrides = dict(profiles or {})

    @classmethod
    def open(cls, paths: Iterable[Path | str], profiles: Mapping[Path, str] | None = None) -> Workspace:
        """Open each repository folder."""
        return cls((Repo.open(p) for p in paths), profiles)

    def profile(self, repo: Repo) -> str:
        """The rules a repository follows: 'reef' or 'ck' (see ck/profile.py)."""
        return effective_profile(repo.info, self.profile_overrides.get(repo.path, ""))

    def profiles(self) -> dict[str, str]:
        """Repository alias → profile, for checks that only know an entry's repository alias."""
        found: dict[str, str] = {}
        for repo in self.repos:
            found.setdefault(repo.info.alias, self.profile(repo))
        return found

    def repo(self, name: str = "") -> Repo:
        """The repository with that alias or UID; the only one when name is empty."""
        if not name:
            if len(self.repos) == 1:
                return self.repos[0]
            names = ", ".join(r.info.alias for r in self.repos) or "none"
            raise UsageError(f"several repositories are configured ({names}); name one",
                             hint="write the CID as repo:module:entry")  # fmt: skip
        for repo in self.repos:
            if name in (repo.info.alias, repo.info.uid):
                return repo
        known = ", ".join(r.info.alias for r in self.repos) or "none"
        raise UsageError(f"unknown repository {name!r} (configured: {known})")

    def _matching_repos(self, pattern: str) -> list[Repo]:
        return [r for r in self.repos if matches(pattern, r.info.alias, r.info.uid)]

    def iter_refs(self, cid: Cid) -> Iterator[EntryRef]:
        """Every entry matching a CID whose parts may hold wildcards or be empty. Like ``ck list``,
        a module folder CK cannot find (no ``.cm/alias-a-<module>`` in the repository root, not
        named by a UID) hides its entries: validate reports the missing alias file."""
        for repo, module in self.modules_matching(cid):
            if repo.module_listed(module):
                yield from self.refs_in(repo, module, cid)

    def modules_matching(self, cid: Cid) -> list[tuple[Repo, str]]:
        """The (repository, module) pairs a CID's repo and module parts select."""
        return [(repo, module) for repo in self._matching_repos(cid.repo) for module in repo.module_names()
                if matches(cid.module, module, repo.module_uid(module))]  # fmt: skip

    def refs_in(self, repo: Repo, module: str, cid: Cid) -> list[EntryRef]:
        """Entries of one module matching the CID's entry part. Like ``ck list``/``ck load``, an alias
        folder without its ``.cm/alias-a-<alias>`` file (CK's "inconsistent entry") is left out:
        validate and doctor report it, ``kb doctor --fix`` restores it."""
        if cid.entry and not has_wildcards(cid.entry):
            ref = repo.find(module, cid.entry)
            return [ref] if ref is not None and ref.uid else []
        return [ref for ref in repo.iter_refs(module) if ref.uid and matches(cid.entry, ref.alias, ref.uid)]

    def _inconsistent(self, cid: Cid) -> list[EntryRef]:
        """Alias folders the CID names that CK cannot load: their alias-a file is missing."""
        found = []
        for repo, module in self.modules_matching(cid):
            ref = repo.find(module, cid.entry)
            if ref is not None and (not ref.uid or not repo.module_listed(module)):
                found.append(ref)
        return found

    def resolve(self, cid: Cid) -> EntryRef:
        """Exactly one entry for a CID without wildcards, else a clear error."""
        if not cid.module or not cid.entry:
            raise UsageError(f"CID {str(cid)!r} must name a module and an entry",
                             hint="write module:entry or repo:module:entry")  # fmt: skip
        if cid.is_pattern:
            raise UsageError(f"CID {str(cid)!r} has wildcards but one entry is needed")
        found = list(self.iter_refs(cid))
        if not found and (broken := self._inconsistent(cid)):
            missing = f".cm/alias-a-{broken[0].alias}" if not broken[0].uid else \
                f"(its module's) .cm/alias-a-{broken[0].module} in the repository root"  # fmt: skip
            raise EntryNotFound(f"entry {broken[0].cid} is inconsistent: its folder has no alias file "
                                f"{missing}, so CK cannot load it either",
                                path=broken[0].path, hint="restore the alias files with 'kb doctor --fix'")  # fmt: skip
        if not found:
            raise EntryNotFound(f"entry {cid} not found",
                                hint="list candidates with 'kb list " + f"{cid.module}:*'")  # fmt: skip
        if len(found) > 1:
            listing = "; ".join(f"{r.cid} ({r.path})" for r in found)
            raise AmbiguousAlias(f"{cid} names {len(found)} entries: {listing}",
                                 hint="prefix the repository: repo:module:entry")  # fmt: skip
        return found[0]

    def load(self, cid: Cid) -> Entry:
        """Load the single entry a CID names, its meta merged over a ``_base_entry`` as CK does."""
        ref = self.resolve(cid)
        return inherit(self.repo(ref.repo).load(ref), self.first)

    def first(self, module: str, uoa: str) -> Entry | None:
        """The entry as CK finds a ``_base_entry``: from the first repository (in search order)
        that has it, unmerged (the caller merges)."""
        for repo in self.repos:
            ref = repo.find(module, uoa)
            if ref is not None:
                return repo.load(ref, updates=False)
        return None

    def repo_of(self, ref: EntryRef) -> Repo:
        """The repository holding an entry ref."""
        return self.repo(ref.repo)
