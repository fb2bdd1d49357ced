"""Checks that need the whole corpus: duplicate UIDs and aliases, references that resolve to nothing."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.ck import layout
from generator.ck.ids import is_uid
from generator.ck.inherit import BASE_KEY
from generator.ck.model import Entry
from generator.ck.references import Reference
from generator.ck.resolve import Workspace
from generator.diagnostics import Diagnostic, Severity
from generator.schema.rules import Rules, shares_uid_by_convention


def meta_path(entry: Entry) -> str:
    """The meta.json of an entry, where entry-level diagnostics point."""
    return str(layout.cm_file(entry.ref.path, layout.META))


@dataclass(frozen=True)
class Place:
    """Where another entry with the same UID or alias lives (what a changed-only run knows of it)."""

    repo: str
    module: str
    cid: str


def place_of(entry: Entry) -> Place:
    """An entry's place."""
    return Place(entry.ref.repo, entry.ref.module, entry.ref.cid)


def uid_clash(entry: Entry, others: Iterable[Place], rules: Rules) -> list[Diagnostic]:
    """The entry's UID carried by other entries, judged as CK and Reef KB resolve UIDs.

    CK finds entries by module and UID: two folders of one module in one repository with one UID are
    an error. In different modules it is CK-legal (and deliberate for ``*.features`` and
    ``component.*`` modules, which describe the entry of the same UID); Reef KB resolves bare UIDs
    across modules, so it is an error when a Reef-profile repository is involved, a note otherwise.
    The same module in another repository is a copy CK overlays by search order: a note.
    """
    ref = entry.ref
    others = [o for o in others if o.cid != ref.cid]
    same = [o for o in others if o.repo == ref.repo and o.module == ref.module]
    foreign = [o for o in others if o.module != ref.module and not shares_uid_by_convention(o.module, ref.module)]
    copies = [o for o in others if o.repo != ref.repo and o.module == ref.module]
    if same:
        severity, listing, hint = Severity.ERROR, same, "give one of them a new UID (kb ren --new-uid)"
    elif foreign:
        reef = rules.reef(ref.repo) or any(rules.reef(o.repo) for o in foreign)
        severity, listing = (Severity.ERROR if reef else Severity.NOTE), foreign
        hint = ("Reef KB resolves a bare UID in any module; give one of them a new UID" if reef else
                "CK tells entries apart by module; only tools resolving bare UIDs are confused")  # fmt: skip
    elif copies:
        severity, listing = Severity.NOTE, copies
        hint = "a copy of the same entry: CK uses the first repository in its search order"
    else:
        return []
    where = ", ".join(o.cid for o in listing)
    return [Diagnostic(code="duplicate-uid", severity=severity, path=meta_path(entry),
                       message=f"UID {ref.uid} of {ref.cid} is also used by {where}", hint=hint)]  # fmt: skip


def duplicate_uid_diagnostics(groups: Iterable[list[Entry]], rules: Rules) -> list[Diagnostic]:
    """``uid_clash`` for every entry of every group of entries sharing a UID."""
    found = []
    for group in groups:
        if len(group) > 1:
            places = [place_of(e) for e in group]
            for entry in group:
                found += uid_clash(entry, places, rules)
    return found


def alias_clash(entry: Entry, others: Iterable[Place]) -> list[Diagnostic]:
    """Aliases of one module equal ignoring case: an error in one repository (they collide on macOS
    and Windows checkouts), a note across repositories (CK uses the first in its search order)."""
    ref = entry.ref
    others = [o for o in others if o.cid != ref.cid]
    same_repo = [o for o in others if o.repo == ref.repo]
    listing = ", ".join(o.cid for o in (same_repo or others))
    if not listing:
        return []
    severity = Severity.ERROR if same_repo else Severity.NOTE
    hint = ("rename one; names differing only in case collide on macOS and Windows" if same_repo else
            "CK takes the first repository in its search order; kb asks which one is meant (repo:module:alias)")
    return [Diagnostic(code="duplicate-alias", severity=severity, path=meta_path(entry),
                       message=f"alias {ref.alias!r} of module {ref.module!r} is also used by {listing}",
                       hint=hint)]  # fmt: skip


def duplicate_alias_diagnostics(entries: Iterable[Entry]) -> list[Diagnostic]:
    """``alias_clash`` for every aliased entry, against the entries of its module."""
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.ref.alias:
            groups[(entry.ref.module, entry.ref.alias.casefold())].append(entry)
    found = []
    for group in groups.values():
        if len(group) > 1:
            places = [place_of(e) for e in group]
            for entry in group:
                found += alias_clash(entry, places)
    return found


@dataclass(frozen=True)
class ReferenceCheck:
    """One reference of one entry and whether it resolved."""

    source: Entry
    reference: Reference
    resolved: bool


def missing_repo_deps(workspace: Workspace) -> Callable[[Entry], list[str]]:
    """Per entry: repositories its repository depends on (.ckr.json repo_deps) that are not loaded."""
    loaded = {r.info.alias for r in workspace.repos} | {r.info.uid for r in workspace.repos}
    missing: dict[str, list[str]] = {}
    for repo in workspace.repos:
        deps = repo.info.dict.get("repo_deps")
        names = [d.get("repo_uid") or d.get("repo_uoa") for d in deps if isinstance(d, dict)] \
            if isinstance(deps, list) else []  # CK prefers the UID when both are given  # fmt: skip
        missing[repo.info.alias] = [str(n) for n in names if n and n not in loaded]
    return lambda entry: missing.get(entry.ref.repo, [])


_BASE_PATH = f"$.{BASE_KEY}"


def _did_you_mean(target: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def reference_diagnostics(checks: Iterable[ReferenceCheck], aliases: Callable[[str], list[str]],
                          missing_deps: Callable[[Entry], list[str]], rules: Rules) -> list[Diagnostic]:  # fmt: skip
    """Unresolved references: errors (with "did you mean") in Reef-profile repositories, notes in
    plain CK ones, where CK resolves references at run time in whatever repositories are installed;
    unresolved tag dependencies are always notes. A ``<name>_uoa`` key whose module no repository
    and no CK kernel module has is not a reference CK defines: in plain CK it is not checked."""
    found = []
    for check in checks:
        if check.resolved or check.reference.json_path == _BASE_PATH:  # a missing base: base-entry says it once
            continue
        ref, entry = check.reference, check.source
        if ref.kind == "tags":
            found.append(Diagnostic(code="unresolved-deps", severity=Severity.NOTE, path=meta_path(entry),
                                    json_path=ref.json_path,
                                    message=f"no soft, package or env entry carries all the tags {ref.target!r}",
                                    hint="CK resolves tag dependencies against software installed where it "
                                         "runs; add a soft or package entry if the KB should describe it"))  # fmt: skip
            continue
        reef = rules.reef_entry(entry)
        if not reef and ref.module and not rules.known_module(ref.module) and not is_uid(ref.target):
            continue
        where = f"{ref.module}:{ref.target}" if ref.module else ref.target
        external = missing_deps(entry)
        if external or not reef:
            hint = (f"it may live in {', '.join(external)} (repo_deps of {entry.ref.repo}); add those repositories "
                    "to check it" if external else
                    f"{entry.ref.repo} is a plain CK repository: CK looks references up at run time in the "
                    "repositories installed there")  # fmt: skip
            found.append(Diagnostic(code="external-reference", severity=Severity.NOTE, path=meta_path(entry),
                                    json_path=ref.json_path, message=f"{where} is not in the loaded repositories",
                                    hint=hint))  # fmt: skip
            continue
        suggestion = _did_you_mean(ref.target, aliases(ref.module)) if ref.module else ""
        hint = suggestion or (f"create the {ref.module} entry or fix the name" if ref.module
                              else "fix the name")  # fmt: skip
        found.append(Diagnostic(code="dangling-reference", severity=Severity.ERROR, path=meta_path(entry),
                                json_path=ref.json_path, message=f"{where} does not exist", hint=hint))  # fmt: skip
    return found
