"""Shell completion of CIDs: repository, module and entry names as the user types them."""

from __future__ import annotations

from generator.ck.resolve import Workspace
from generator.errors import GeneratorError

MAX_CANDIDATES = 500  # a shell shows no more than this usefully; a huge module is cut, not listed


def _entries(workspace: Workspace, module: str, repo: str = "") -> list[str]:
    names: list[str] = []
    for candidate in workspace.repos:
        if repo and repo not in (candidate.info.alias, candidate.info.uid):
            continue
        names += sorted(ref.uoa for ref in candidate.iter_refs(module)) if module in candidate.module_names() else []
        if len(names) >= MAX_CANDIDATES:
            break
    return names


def cid_candidates(workspace: Workspace, incomplete: str) -> list[str]:
    """Completions of a partly typed CID: ``module:`` and ``repo:`` first, then the entries of the
    module (``module:alias``) or the modules of the repository (``repo:module:``)."""
    parts = incomplete.split(":")
    aliases = {r.info.alias for r in workspace.repos}
    modules = sorted({m for r in workspace.repos for m in r.module_names()})
    try:
        if len(parts) == 1:
            found = [f"{m}:" for m in modules] + [f"{a}:" for a in sorted(aliases)]
        elif len(parts) == 2 and parts[0] in aliases and parts[0] not in modules:
            found = [f"{parts[0]}:{m}:" for m in sorted(workspace.repo(parts[0]).module_names())]
        elif len(parts) == 2:
            found = [f"{parts[0]}:{name}" for name in _entries(workspace, parts[0])]
        elif len(parts) == 3:
            found = [f"{parts[0]}:{parts[1]}:{name}" for name in _entries(workspace, parts[1], parts[0])]
        else:
            found = []
    except (GeneratorError, OSError):
        return []
    return list(dict.fromkeys(c for c in found if c.startswith(incomplete)))[:MAX_CANDIDATES]
