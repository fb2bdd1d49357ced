"""Checks that need the whole corpus: duplicate UIDs and aliases, references that resolve to nothing."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.ck import layout
from generator.ck.model import Entry
from generator.ck.references import Reference
from generator.ck.resolve import Workspace
from generator.diagnostics import Diagnostic, Severity


def meta_path(entry: Entry) -> str:
    """The meta.json of an entry, where entry-level diagnostics point."""
    return str(layout.cm_file(entry.ref.path, layout.META))


def duplicate_uid_diagnostics(groups: Iterable[list[Entry]]) -> list[Diagnostic]:
    """One error per entry whose UID another entry carries too, naming the others."""
    found = []
    for group in groups:
        if len(group) < 2:
            continue
        for entry in group:
            others = ", ".join(o.ref.cid for o in group if o is not entry)
            found.append(Diagnostic(code="duplicate-uid", severity=Severity.ERROR, path=meta_path(entry),
                                    message=f"UID {entry.ref.uid} of {entry.ref.cid} is also used by {others}",
                                    hint="give one of them a new UID (kb rm + kb add) or remove the copy"))  # fmt: skip
    return found


def duplicate_alias_diagnostics(entries: Iterable[Entry]) -> list[Diagnostic]:
    """Aliases equal ignoring case within a module: an error in one repository, a warning across."""
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.ref.alias:
            groups[(entry.ref.module, entry.ref.alias.casefold())].append(entry)
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue
        for entry in group:
            same_repo = [o for o in group if o is not entry and o.ref.repo == entry.ref.repo]
            others = same_repo or [o for o in group if o is not entry]
            listing = ", ".join(o.ref.cid for o in others)
            severity = Severity.ERROR if same_repo else Severity.WARNING
            hint = (
                "rename one; names differing only in case collide on macOS and Windows"
                if same_repo
                else "CK asks which one is meant; prefix the repository (repo:module:alias) or rename one"
            )
            found.append(Diagnostic(code="duplicate-alias", severity=severity, path=meta_path(entry),
                                    message=f"alias {entry.ref.alias!r} of module {entry.ref.module!r} is also "
                                            f"used by {listing}", hint=hint))  # fmt: skip
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
        names = [d.get("repo_uoa") for d in deps if isinstance(d, dict)] if isinstance(deps, list) else []
        missing[repo.info.alias] = [str(n) for n in names if n and n not in loaded]
    return lambda entry: missing.get(entry.ref.repo, [])


def _did_you_mean(target: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def reference_diagnostics(checks: Iterable[ReferenceCheck], aliases: Callable[[str], list[str]],
                          missing_deps: Callable[[Entry], list[str]]) -> list[Diagnostic]:  # fmt: skip
    """Dangling ``uoa`` references (errors, with "did you mean"), unresolved tag deps (notes)."""
    found = []
    for check in checks:
        if check.resolved:
            continue
        ref, entry = check.reference, check.source
        if ref.kind == "tags":
            found.append(Diagnostic(code="unresolved-deps", severity=Severity.NOTE, path=meta_path(entry),
                                    json_path=ref.json_path,
                                    message=f"no soft, package or env entry carries all the tags {ref.target!r}",
                                    hint="CK resolves tag dependencies against software installed where it "
                                         "runs; add a soft or package entry if the KB should describe it"))  # fmt: skip
            continue
        where = f"{ref.module}:{ref.target}" if ref.module else ref.target
        external = missing_deps(entry)
        if external:
            found.append(Diagnostic(code="external-reference", severity=Severity.NOTE, path=meta_path(entry),
                                    json_path=ref.json_path,
                                    message=f"{where} is not in the loaded repositories",
                                    hint=f"it may live in {', '.join(external)} (repo_deps of "
                                         f"{entry.ref.repo}); add those repositories to check it"))  # fmt: skip
            continue
        suggestion = _did_you_mean(ref.target, aliases(ref.module)) if ref.module else ""
        hint = suggestion or (f"create the {ref.module} entry or fix the name" if ref.module
                              else "fix the name")  # fmt: skip
        found.append(Diagnostic(code="dangling-reference", severity=Severity.ERROR, path=meta_path(entry),
                                json_path=ref.json_path, message=f"{where} does not exist", hint=hint))  # fmt: skip
    return found
