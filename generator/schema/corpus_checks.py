"""Every check of a validation run, over the whole corpus or over a few changed entries.

Full mode reuses the corpus and reference graph the caller already built. Changed-only mode loads
just the touched entries and resolves their references against a NameIndex built from folder
listings, so one changed entry in a 10,000-entry corpus costs milliseconds, not seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path

from generator.ck import layout
from generator.ck.bulk import problem_from
from generator.ck.corpus import Corpus, warnings_of
from generator.ck.inherit import BASE_KEY
from generator.ck.jsonio import read_json_object
from generator.ck.lock import reading
from generator.ck.model import Entry, EntryRef
from generator.ck.references import (
    TAG_DEP_MODULES,
    Reference,
    ReferenceGraph,
    ResolvedReference,
    build_reference_graph,
    extract_references,
    split_tags,
)
from generator.ck.resolve import Workspace
from generator.ck.skipped import entry_skipped, path_skipped, repo_skipped
from generator.ck.store import Repo, read_alias_file
from generator.diagnostics import Diagnostic, Report, Severity
from generator.errors import GeneratorError
from generator.schema.alias_checks import (
    ALIAS_CODES,
    AliasFolders,
    entry_layout_diagnostics,
    module_folder_diagnostics,
    module_layout_diagnostics,
    settle_alias_findings,
    stale_alias_diagnostics,
)
from generator.schema.cross_checks import (
    ReferenceCheck,
    alias_clash,
    duplicate_alias_diagnostics,
    duplicate_uid_diagnostics,
    missing_repo_deps,
    place_of,
    reference_diagnostics,
    uid_clash,
)
from generator.schema.entry_checks import check_repo_file, info_diagnostics, no_schema_diagnostics, type_diagnostics
from generator.schema.loader import SchemaSet, load_schemas
from generator.schema.names import NameIndex
from generator.schema.positions import add_positions
from generator.schema.rules import Rules
from generator.schema.value_checks import name_diagnostics, served_name_diagnostics, value_diagnostics


def entry_diagnostics(entry: Entry, rules: Rules, folders: AliasFolders) -> list[Diagnostic]:
    """Every per-entry check, both layers: CK format (values, info.json, missing .cm files, alias
    files, name) for every repository, then Reef KB's type schema (errors only under the Reef profile)."""
    bad_values: list[Diagnostic] = []
    for name, data in ((layout.META, entry.meta), (layout.INFO, entry.info), (layout.DESC, entry.desc)):
        bad_values += value_diagnostics(data, lambda e=entry, n=name: str(layout.cm_file(e.ref.path, n)))
    schema_found = type_diagnostics(entry, rules.schemas, reef=rules.reef_entry(entry))
    schema_found += info_diagnostics(entry, rules.schemas)
    if bad_values:  # one diagnostic per bad value: drop the schema's complaint about the same value
        seen = {(d.path, d.json_path) for d in bad_values}
        schema_found = [d for d in schema_found if (d.path, d.json_path) not in seen]
    return bad_values + schema_found + entry_layout_diagnostics(entry, folders) + name_diagnostics(entry)


def _entry_diagnostics(entries: Iterable[Entry], rules: Rules, folders: AliasFolders,
                       checked: Mapping[EntryRef, list[Diagnostic]] | None = None) -> list[Diagnostic]:  # fmt: skip
    found: list[Diagnostic] = []
    per_module: Counter[tuple[str, str]] = Counter()
    module_dirs: dict[tuple[str, str], str] = {}
    named: set[tuple[str, str]] = set()
    for entry in entries:
        done = None if checked is None else checked.get(entry.ref)
        found += done if done is not None else entry_diagnostics(entry, rules, folders)
        key = (entry.ref.repo, entry.ref.module)
        if rules.reef(entry.ref.repo):  # "add a schema" is advice for Reef-profile repositories only
            per_module[key] += 1
            module_dirs.setdefault(key, str(entry.ref.path.parent))
        if key not in named:  # a module name the portal cannot serve: once per module folder
            named.add(key)
            found += served_name_diagnostics("module folder name", entry.ref.module, str(entry.ref.path.parent))
    found += no_schema_diagnostics({module_dirs[k]: (k[1], n) for k, n in per_module.items()}, rules.schemas)
    return found


def repo_file_diagnostics(repo: Repo, schemas: SchemaSet) -> list[Diagnostic]:
    """The .ckr.json against the repo schema (an unreadable one is a parse error)."""
    path = repo.path / layout.REPO_FILE
    try:
        data = read_json_object(path)
    except GeneratorError as exc:
        return [Diagnostic(code="parse", severity=Severity.ERROR, path=str(path), message=exc.message,
                           line=getattr(exc, "line", 0), column=getattr(exc, "column", 0),
                           hint=exc.hint or "fix the file so that it is strict JSON")]  # fmt: skip
    found = check_repo_file(data, str(path), schemas)
    return found + served_name_diagnostics("repository name", repo.info.alias, str(path))


def repo_diagnostics(repo: Repo, schemas: SchemaSet, folders: AliasFolders) -> list[Diagnostic]:
    """A repository's own checks: its .ckr.json, its module folders against the root alias files,
    and entry alias files left behind in each module folder."""
    modules = repo.module_names()
    split = frozenset(m for m in modules if repo.split_number(m))
    found = repo_file_diagnostics(repo, schemas) + module_layout_diagnostics(repo.path, modules, folders)
    found += repo_skipped(repo.path, modules, split)
    for module in modules:
        if module not in split:
            found += stale_alias_diagnostics(repo.path / module, folders)
    return found


def check_corpus(corpus: Corpus, graph: ReferenceGraph | None = None) -> Report:
    """All diagnostics of a loaded corpus: parse, schema, alias files, duplicates, references."""
    rules = Rules.for_workspace(corpus.workspace)
    folders = AliasFolders()
    return _checked(corpus, rules, folders, _entry_diagnostics(corpus.entries, rules, folders), graph)


class _Streamed:
    """Per-entry checks run while the entries load; the corpus keeps only identities and tags."""

    def __init__(self, rules: Rules, folders: AliasFolders) -> None:
        self.rules = rules
        self.folders = folders
        self.diagnostics: dict[EntryRef, list[Diagnostic]] = {}
        self.references: dict[EntryRef, list[Reference]] = {}

    def keep(self, entry: Entry) -> Entry:
        """Check one entry just parsed and return the slim entry the corpus holds (an entry naming a
        ``_base_entry`` stays whole: it is checked once merged over its base)."""
        if BASE_KEY in entry.meta:
            return entry
        self.diagnostics[entry.ref] = entry_diagnostics(entry, self.rules, self.folders)
        self.references[entry.ref] = extract_references(entry)
        tags = {"tags": entry.meta["tags"]} if "tags" in entry.meta else {}
        return Entry(entry.ref, tags, warnings=entry.warnings)

    def finish(self, corpus: Corpus) -> list[Diagnostic]:
        """The per-entry diagnostics in corpus order (entries kept whole are checked now)."""
        for entry in corpus.entries:
            if entry.ref not in self.references:
                self.references[entry.ref] = extract_references(entry)
        return _entry_diagnostics(corpus.entries, self.rules, self.folders, self.diagnostics)


def check_workspace(workspace: Workspace) -> Report:
    """Everything ``check_corpus`` finds, with each entry checked as it loads and then dropped to its
    identity and tags: the memory of a validation stays a fraction of the KB's metas."""
    rules = Rules.for_workspace(workspace)
    folders = AliasFolders()
    stream = _Streamed(rules, folders)
    corpus = Corpus.load(workspace, keep=stream.keep)
    per_entry = stream.finish(corpus)
    return _checked(corpus, rules, folders, per_entry, build_reference_graph(corpus, stream.references))


def _checked(corpus: Corpus, rules: Rules, folders: AliasFolders, per_entry: list[Diagnostic],
             graph: ReferenceGraph | None) -> Report:  # fmt: skip
    """The report: parse problems, per-entry findings, then repositories, duplicates and references."""
    unreadable = {p.path for p in corpus.problems if p.severity is Severity.ERROR}
    report = Report(checked_entries=len(corpus.entries) + len(unreadable))
    report.extend(corpus.problems)
    report.extend(per_entry)
    for repo in corpus.workspace.repos:
        report.extend(repo_diagnostics(repo, rules.schemas, folders))
    by_uid: dict[str, list[Entry]] = defaultdict(list)
    for entry in corpus.entries:
        if entry.ref.uid:
            by_uid[entry.ref.uid.lower()].append(entry)
    report.extend(duplicate_uid_diagnostics(by_uid.values(), rules))
    report.extend(duplicate_alias_diagnostics(corpus.entries))
    graph = graph if graph is not None else build_reference_graph(corpus)
    aliases: dict[str, list[str]] = defaultdict(list)
    for entry in corpus.entries:
        if entry.ref.alias:
            aliases[entry.ref.module].append(entry.ref.alias)
    on_disk = NameIndex.build(corpus.workspace) if unreadable else None  # unreadable targets still exist

    def resolved(r: ResolvedReference) -> bool:
        if r.targets or r.reference.kind != "uoa":
            return bool(r.targets)
        return on_disk is not None and on_disk.resolves(r.reference.module, r.reference.target)

    checks = (ReferenceCheck(r.source, r.reference, resolved(r)) for r in graph.resolved)
    report.extend(reference_diagnostics(checks, lambda m: aliases.get(m, []), missing_repo_deps(corpus.workspace),
                                        rules))  # fmt: skip
    settled = settle_alias_findings(report.diagnostics, corpus.workspace)
    return Report(diagnostics=add_positions(settled), checked_entries=report.checked_entries)


# -- changed-only mode ------------------------------------------------------------------------


def _owner(workspace: Workspace, path: Path) -> tuple[Repo, tuple[str, ...]] | None:
    for repo in workspace.repos:
        if path.is_relative_to(repo.path):
            return repo, path.relative_to(repo.path).parts
    return None


def _touched(workspace: Workspace, paths: Iterable[Path]) -> tuple[list[tuple[Repo, str, str]], set[Path], set[Repo]]:
    """Changed entries (repo, module, folder), alias folders to re-check, repos whose .ckr.json changed."""
    entries: dict[tuple[str, str, str], tuple[Repo, str, str]] = {}
    alias_dirs: set[Path] = set()
    repos: set[Repo] = set()
    for path in paths:
        owner = _owner(workspace, path.resolve())
        if owner is None:
            continue
        repo, parts = owner
        if len(parts) == 1 and parts[0] != layout.CM and layout.is_entry_candidate(parts[0]) and path.is_dir():
            for ref in repo.iter_refs(parts[0]):  # a new, untracked module folder: all of its entries
                entries[(repo.info.alias, ref.module, ref.path.name)] = (repo, ref.module, ref.path.name)
            alias_dirs.add(repo.path / parts[0])
        elif parts == (layout.REPO_FILE,):
            repos.add(repo)
        elif parts and parts[0] == layout.CM:
            alias_dirs.add(repo.path)
        elif len(parts) >= 2 and parts[1] == layout.CM:
            alias_dirs.add(repo.path / parts[0])
        elif len(parts) >= 2 and layout.is_entry_candidate(parts[0]) and layout.is_entry_candidate(parts[1]):
            entries[(repo.info.alias, parts[0], parts[1])] = (repo, parts[0], parts[1])
    return list(entries.values()), alias_dirs, repos


def _load_changed(touched: list[tuple[Repo, str, str]]) -> tuple[list[Entry], list[Diagnostic], set[str]]:
    """The touched entries that still exist, their unreadable files, and the modules that lost one."""
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    removed: set[str] = set()
    for repo, module, folder in touched:
        ref: EntryRef | None = repo.find(module, folder)
        if ref is None:  # deleted (or renamed away): nothing left to validate, but referrers to check
            removed.add(module)
            continue
        try:
            entry = repo.load(ref)
        except GeneratorError as exc:
            problems.append(problem_from(exc, ref))
            continue
        entries.append(entry)
        problems.extend(warnings_of(entry))  # duplicate keys: warnings, as in a full run
    return entries, problems, removed


def _referrers_of_removed(workspace: Workspace, modules: set[str], index: NameIndex,
                          changed: set[str]) -> list[ReferenceCheck]:  # fmt: skip
    """Unchanged entries whose references into a module that lost an entry no longer resolve.

    A deletion touches no file of the entries that pointed at it, so they are found by loading the
    corpus: the one case where changed-only mode reads everything (deletions are rare in a PR).
    """
    if not modules:
        return []
    found = []
    for entry in Corpus.load(workspace).entries:
        if entry.ref.cid in changed:
            continue
        for ref in extract_references(entry):
            if ref.kind == "uoa" and ref.module in modules and not index.resolves(ref.module, ref.target):
                found.append(ReferenceCheck(entry, ref, False))
    return found


def change_size_report(count: int, limit: int, where: Path) -> Report:
    """The one diagnostic of a change too large to check file by file (SECURITY-CASES §1.3 #19)."""
    return Report(diagnostics=[Diagnostic(
        code="too-many-changes", severity=Severity.ERROR, path=str(where),
        message=f"the change touches {count:,} files in the KB repositories; at most {limit:,} are checked "
                "file by file",
        hint="split it into smaller pull requests, or a maintainer adds the 'kb-large-change' label (the PR "
             "check then runs with --max-changed 0)")])  # fmt: skip


class _TagLookup:
    """Tags of soft/package/env … entries, read lazily (meta.json only) the first time a tag dep needs them."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._tags: list[frozenset[str]] | None = None

    def _load(self) -> list[frozenset[str]]:
        found = []
        for repo in self.workspace.repos:
            for module in TAG_DEP_MODULES:
                for ref in repo.iter_refs(module):
                    try:
                        tags = read_json_object(layout.cm_file(ref.path, layout.META)).get("tags")
                    except GeneratorError:
                        continue
                    if isinstance(tags, list):
                        found.append(frozenset(t for t in tags if isinstance(t, str)))
        return found

    def matches(self, wanted: frozenset[str]) -> bool:
        if self._tags is None:
            self._tags = self._load()
        return bool(wanted) and any(wanted <= tags for tags in self._tags)


def _uid_holders(entry: Entry, index: NameIndex, workspace: Workspace) -> list[tuple[Repo, str, str]]:
    """Other entry folders carrying the entry's UID: in each module the index lists for it, the
    folder its alias-u file names or a folder named by the UID (the own module included: the index
    keeps one place per module, so a copy inside it is found here)."""
    ref = entry.ref
    holders = []
    for place in index.uid_places.get(ref.uid, []) if ref.uid else []:
        repo_alias, module = place.split(":", 1)
        repo = next((r for r in workspace.repos if r.info.alias == repo_alias), None)
        if repo is None:
            continue
        module_dir = repo.path / module
        for name in dict.fromkeys([*read_alias_file(module_dir / layout.CM / f"alias-u-{ref.uid}")[:1], ref.uid]):
            if (module_dir / name / layout.CM).is_dir() and (module_dir / name) != ref.path:
                holders.append((repo, module, name))
    return holders


def _alias_holders(entry: Entry, repo: Repo) -> list[tuple[Repo, str, str]]:
    """Other folders of the entry's module whose name equals its alias ignoring case."""
    ref = entry.ref
    if not ref.alias:
        return []
    try:
        names = [c.name for c in (repo.path / ref.module).iterdir() if c.name != ref.alias]
    except OSError:
        return []
    folded = ref.alias.casefold()
    return [(repo, ref.module, n) for n in names if n.casefold() == folded and (repo.path / ref.module / n).is_dir()]


def _load_partner(repo: Repo, module: str, name: str) -> Entry | None:
    ref = repo.find(module, name)
    if ref is None:
        return None
    try:
        return repo.load(ref)
    except GeneratorError:
        return None


def _clashes(entry: Entry, index: NameIndex, workspace: Workspace, rules: Rules) -> list[Diagnostic]:
    """UID and alias clashes of a changed entry, for it and for the entries of its repository it
    clashes with (a full run reports both sides, so changed-only mode does too; the caller drops
    repeats)."""
    found: list[Diagnostic] = []
    for holders, clash in ((_uid_holders(entry, index, workspace), "uid"),
                           (_alias_holders(entry, workspace.repo_of(entry.ref)), "alias")):  # fmt: skip
        partners = [e for e in (_load_partner(*h) for h in holders) if e is not None]
        places = [place_of(p) for p in partners]
        if clash == "uid":
            found += uid_clash(entry, places, rules)
        else:
            found += alias_clash(entry, places)
        for partner in partners:
            if partner.ref.repo != entry.ref.repo:
                continue  # another repository's copy: a note it already had, not news of this change
            group = [place_of(entry), *(p for p in places if p.cid != partner.ref.cid)]
            found += uid_clash(partner, group, rules) if clash == "uid" else alias_clash(partner, group)
    return found


def _changed_skipped(workspace: Workspace, paths: list[Path], touched: list[tuple[Repo, str, str]]) -> list[Diagnostic]:
    """Links and special files among the changed paths and inside the touched entry folders."""
    found: dict[str, Diagnostic] = {}
    for path in paths:
        repo = next((r for r in workspace.repos if path.is_relative_to(r.path)), None)
        if repo is not None and (odd := path_skipped(repo.path, path)) is not None:
            found.setdefault(odd.path, odd)
    for repo, module, folder in touched:
        for odd in entry_skipped(repo.path / module / folder):
            found.setdefault(odd.path, odd)
    return list(found.values())


def check_changed(workspace: Workspace, paths: Iterable[Path], schemas: SchemaSet | None = None, *,
                  settled: bool = False) -> Report:  # fmt: skip
    """Diagnostics of the entries touched by ``paths``, references checked against the whole workspace
    (``settled``: run while holding every repository's read lock)."""
    rules = Rules.for_workspace(workspace, schemas or load_schemas())
    folders = AliasFolders()
    paths = list(paths)
    touched, alias_dirs, repos = _touched(workspace, paths)
    entries, problems, removed = _load_changed(touched)
    report = Report(checked_entries=len(entries) + len(problems))
    report.extend(problems)
    report.extend(_entry_diagnostics(entries, rules, folders))
    for repo in repos:
        report.extend(repo_file_diagnostics(repo, rules.schemas))
    report.extend(_changed_skipped(workspace, paths, touched))
    roots = {r.path: r for r in workspace.repos}
    for folder in sorted(alias_dirs):
        if folder in roots:
            report.extend(module_layout_diagnostics(folder, roots[folder].module_names(), folders))
        else:
            report.extend(stale_alias_diagnostics(folder, folders))
    for repo in {repo for repo, _, _ in touched if repo.path not in alias_dirs}:  # a module made by hand: no alias
        modules = sorted({module for owner, module, _ in touched if owner is repo})
        report.extend(module_folder_diagnostics(repo.path, modules, folders))
    index = NameIndex.build(workspace)
    tags = _TagLookup(workspace)
    checks = []
    clashes: dict[tuple[str, str, str], Diagnostic] = {}
    for entry in entries:
        for found in _clashes(entry, index, workspace, rules):
            clashes.setdefault((found.code, found.path, found.message), found)
        for ref in extract_references(entry):
            ok = index.resolves(ref.module, ref.target) if ref.kind == "uoa" else tags.matches(split_tags(ref.target))
            checks.append(ReferenceCheck(entry, ref, ok))
    report.extend(clashes.values())
    checks.extend(_referrers_of_removed(workspace, removed, index, {e.ref.cid for e in entries}))
    report.extend(reference_diagnostics(checks, index.aliases, missing_repo_deps(workspace), rules))
    if not settled and any(d.code in ALIAS_CODES for d in report.diagnostics):
        with ExitStack() as locks:  # alias findings may be a kb write seen half done: look again, settled
            for repo in workspace.repos:
                locks.enter_context(reading(repo.path))
            return check_changed(workspace, paths, schemas, settled=True)
    return Report(diagnostics=add_positions(report.diagnostics), checked_entries=report.checked_entries)
