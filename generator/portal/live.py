"""Live editing: after a file changes under a KB repository, reload only the entries it touches.

``mkdocs serve`` keeps the plugin across rebuilds; the plugin records the paths its file watcher
reports and hands them here, so a one-entry edit re-reads one entry folder instead of 30,000
files. Anything this cannot attribute to an entry (``.ckr.json``, repo-level alias files) means
a full reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.ck.bulk import problem_from
from generator.ck.corpus import Corpus
from generator.ck.model import Entry
from generator.ck.store import Repo
from generator.errors import GeneratorError

CM = ".cm"
Targets = tuple[set[tuple[str, str]], set[tuple[str, str, str]]]


def _locate(path: Path, repos: list[Repo]) -> tuple[Repo, tuple[str, ...]] | None:
    for repo in repos:
        try:
            return repo, path.relative_to(repo.path).parts
        except ValueError:
            continue
    return None


def changed_targets(paths: Iterable[str], repos: list[Repo]) -> Targets | None:
    """(dirty modules, dirty entry folders) as (repo, module[, folder]); None when a full reload is needed."""
    modules: set[tuple[str, str]] = set()
    folders: set[tuple[str, str, str]] = set()
    for raw in paths:
        found = _locate(Path(raw).resolve(), repos)
        if found is None:
            continue
        repo, parts = found
        if len(parts) < 2 or parts[0].startswith("."):
            return None
        alias = repo.info.alias
        if parts[1] == CM:
            modules.add((alias, parts[0]))
        else:
            folders.add((alias, parts[0], parts[1]))
    return modules, folders


def _load(repo: Repo, module: str, folder: str, corpus: Corpus) -> Entry | None:
    ref = repo.find(module, folder)
    if ref is None or Path(ref.path).name != folder:
        return None
    try:
        return repo.load(ref)
    except GeneratorError as exc:
        corpus.problems.append(problem_from(exc, ref))
        return None


def reload_changed(corpus: Corpus, paths: Iterable[str]) -> Corpus | None:
    """A new corpus with the changed entries re-read; None when a full reload is needed."""
    repos = corpus.workspace.repos
    targets = changed_targets(paths, repos)
    if targets is None:
        return None
    modules, folders = targets
    fresh = Corpus(corpus.workspace)
    fresh.problems = [p for p in corpus.problems if not _touches(p.path, modules, folders, repos)]
    by_alias = {r.info.alias: r for r in repos}
    kept: list[Entry] = []
    for entry in corpus.entries:
        ref = entry.ref
        key = (ref.repo, ref.module, ref.path.name)
        if (ref.repo, ref.module) in modules:
            continue
        if key in folders:
            folders.discard(key)
            reloaded = _load(by_alias[ref.repo], ref.module, key[2], fresh)
            if reloaded is not None:
                kept.append(reloaded)
            continue
        kept.append(entry)
    for repo_alias, module in sorted(modules):
        repo = by_alias[repo_alias]
        for ref in repo.iter_refs(module):
            loaded = _load(repo, module, Path(ref.path).name, fresh)
            if loaded is not None:
                kept.append(loaded)
    for repo_alias, module, folder in sorted(folders):  # new entry folders
        loaded = _load(by_alias[repo_alias], module, folder, fresh)
        if loaded is not None:
            kept.append(loaded)
    fresh.extend(kept)
    return fresh


def _touches(path: str, modules: set[tuple[str, str]], folders: set[tuple[str, str, str]], repos: list[Repo]) -> bool:
    found = _locate(Path(path).resolve(), repos)
    if found is None:
        return False
    repo, parts = found
    alias = repo.info.alias
    return (len(parts) >= 1 and (alias, parts[0]) in modules) or (
        len(parts) >= 2 and (alias, parts[0], parts[1]) in folders)
