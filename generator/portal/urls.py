"""Where every entry's page and API file live: one of each per entry, whatever repositories repeat.

Entries are taken in workspace order (the order in which CK searches repositories). The first
entry with a module and name gets the plain, readable page ``<module>/<name>/``; a later entry of
another repository with the same module and name (compared without case, as macOS and Windows
folders do) gets ``repos/<repo>/<module>/<name>/``, and the clash is reported once per build. API
files follow the same rule on (module, UID or alias). Every name goes through ``generator.sitepaths``;
an entry whose repository, module, name or UID cannot be served gets no URL (the build skips it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator import sitepaths
from generator.ck.model import Entry
from generator.sitepaths import ROOT_NAMES


@dataclass(frozen=True)
class Clash:
    """Entries of several repositories sharing a module and name: the first has the plain URL."""

    entries: tuple[Entry, ...]

    @property
    def repos(self) -> tuple[str, ...]:
        """The repositories holding the name, the one with the plain URL first."""
        return tuple(dict.fromkeys(e.ref.repo for e in self.entries))


@dataclass
class SiteUrls:
    """The page folder and API file of every published entry, by ``id(entry)``."""

    pages: dict[int, str] = field(default_factory=dict)
    api: dict[int, str] = field(default_factory=dict)
    refused: list[tuple[Entry, str]] = field(default_factory=list)  # entries without URLs, and why
    clashes: list[Clash] = field(default_factory=list)
    same_name: dict[int, list[Entry]] = field(default_factory=dict)  # entries sharing module and name
    reserved_roots: frozenset[str] = ROOT_NAMES

    def page_of(self, entry: Entry) -> str:
        """The entry's page folder ('' when it has none)."""
        return self.pages.get(id(entry), "")

    def api_of(self, entry: Entry) -> str:
        """The entry's API file ('' when it has none)."""
        return self.api.get(id(entry), "")

    def also_in(self, entry: Entry) -> list[Entry]:
        """The other entries with this entry's module and name (other repositories), in workspace order."""
        return [e for e in self.same_name.get(id(entry), ()) if e is not entry]

    def module_url(self, module: str) -> str:
        """A module's listing folder under this site's reserved names."""
        return sitepaths.module_url(module, self.reserved_roots)


def _unservable(entry: Entry, reserved_roots: frozenset[str]) -> str:
    ref = entry.ref
    for what, name in (("repository", ref.repo), ("module", ref.module), ("entry", ref.uoa)):
        problem = sitepaths.name_problem(name)
        if problem:
            return f"{what} name: {problem}"
    if ref.uid and ref.uid != ref.uoa and sitepaths.name_problem(ref.uid):
        return f"UID: {sitepaths.name_problem(ref.uid)}"
    return ""


def assign_urls(entries: Iterable[Entry], reserved_roots: Iterable[str] = ROOT_NAMES) -> SiteUrls:
    """Give every entry whose names can be served a page folder and an API file (see the module doc)."""
    urls = SiteUrls(reserved_roots=frozenset(n.lower() for n in reserved_roots))
    pages_taken: dict[str, Entry] = {}
    api_taken: dict[str, Entry] = {}
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        problem = _unservable(entry, urls.reserved_roots)
        claim = None if problem else _claim(entry, urls.reserved_roots, pages_taken, api_taken)
        if claim is None or isinstance(claim, Entry):
            problem = problem or (f"its name differs only in letter case from {claim.ref.cid} in the same repository; "
                                  "the two would share a folder on macOS and Windows" if claim else "")
            urls.refused.append((entry, problem))
            continue
        urls.pages[id(entry)], urls.api[id(entry)] = claim
        groups[(entry.ref.module, entry.ref.uoa.lower())].append(entry)
    for members in groups.values():
        if len({e.ref.repo for e in members}) > 1:
            for member in members:
                urls.same_name[id(member)] = members
            urls.clashes.append(Clash(tuple(members)))
    return urls


def _claim(entry: Entry, reserved_roots: frozenset[str], pages_taken: dict[str, Entry],
           api_taken: dict[str, Entry]) -> tuple[str, str] | Entry:  # fmt: skip
    """(page, API file) of an entry: plain when free, else qualified by its repository; the entry in the
    way when even that is taken (a third name differing only in case within one repository)."""
    ref = entry.ref
    page = sitepaths.entry_url(ref.module, ref.uoa, reserved_roots)
    if page.lower() in pages_taken:
        page = sitepaths.repo_entry_url(ref.repo, ref.module, ref.uoa)
        if page.lower() in pages_taken:
            return pages_taken[page.lower()]
    key = ref.uid or ref.alias
    api = sitepaths.entry_api_path(ref.module, key)
    for other in (key, ref.uoa):
        if api.lower() not in api_taken:
            break
        api = sitepaths.entry_api_path(ref.module, other, ref.repo)
    if api.lower() in api_taken:
        return api_taken[api.lower()]
    pages_taken[page.lower()] = api_taken[api.lower()] = entry
    return page, api
