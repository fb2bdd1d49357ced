"""Repository jobs: create a repository, register it in mkdocs.yml, report where repositories are
and which of their ``repo_deps`` are missing."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.ids import Cid
from generator.ck.jsonio import write_text_atomic
from generator.ck.profile import REEF
from generator.ck.resolve import Workspace
from generator.ck.store import Repo
from generator.config import load_config
from generator.errors import GeneratorError, UsageError


def init_repo(path: Path, alias: str = "", *, uid: str = "", url: str = "", desc: str = "",
              deps: list[str] | None = None, profile: str = REEF) -> Repo:  # fmt: skip
    """Make a folder a CK repository (writes .ckr.json as 'ck add repo' does, plus the profile)."""
    return Repo.init(path, alias, uid=uid, url=url, desc=desc, deps=deps, profile=profile)


@dataclass(frozen=True)
class RepoRow:
    """One repository as ``kb repo list`` shows it."""

    repo: Repo
    deps: list[dict[str, Any]]
    missing: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (CK's keys plus the dependency report)."""
        info = self.repo.info
        return {"data_alias": info.alias, "data_uid": info.uid, "path": str(self.repo.path), "url": info.url,
                "repo_deps": self.deps, "missing_deps": self.missing}  # fmt: skip


def list_repos(workspace: Workspace) -> list[RepoRow]:
    """Each repository with its ``repo_deps`` and those not among the open repositories."""
    known = {n for r in workspace.repos for n in (r.info.alias, r.info.uid)}
    rows = []
    for repo in workspace.repos:
        deps = repo.repo_deps
        missing = [str(d.get("repo_uoa") or d.get("repo_uid") or "?") for d in deps
                   if not ({d.get("repo_uoa"), d.get("repo_uid")} & known)]  # fmt: skip
        rows.append(RepoRow(repo, deps, missing))
    return rows


def lists_repositories(workspace: Workspace, cid: Cid) -> bool:
    """``kb list repo`` (or ``repo:*``) asks for the repositories, as ``ck list repo`` does, unless
    a repository really has a module named ``repo``."""
    asks = cid.module == "repo" and cid.entry in ("", "*") and cid.repo in ("", "*")
    return asks and not any("repo" in r.module_names() for r in workspace.repos)


def where_repo(workspace: Workspace, name: str) -> Repo:
    """The repository with that alias or UID (CK's 'ck where repo:NAME')."""
    return workspace.repo(name)


_KB_PLUGIN = re.compile(r"^(\s*)- kb:\s*(#.*)?$")
_REPOS_KEY = re.compile(r"^(\s*)repos:\s*(\[\s*\])?\s*(#.*)?$")


def register_repo(config_path: Path, repo_path: Path) -> str:
    """Append a repository to the kb plugin's ``repos:`` list in mkdocs.yml (a small text edit that
    keeps comments and layout); returns the line written."""
    Repo.open(repo_path)  # must already be a CK repository
    config = load_config(config_path)
    target = repo_path.resolve()
    if target in config.local_repo_paths():
        raise UsageError(f"{target} is already listed in {config_path}")
    rel = os.path.relpath(target, config_path.parent.resolve())
    entry = rel if not rel.startswith("..") else str(target)
    original = config_path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    index, text = _insertion(lines, entry)
    lines.insert(index, text)
    updated = "".join(lines)
    write_text_atomic(config_path, updated)
    if target not in load_config(config_path).local_repo_paths():  # the edit did not land: undo it
        write_text_atomic(config_path, original)
        raise GeneratorError("could not add the repository to the kb plugin's repos list", path=config_path,
                             hint=f"add '- {entry}' under plugins: - kb: repos: by hand")  # fmt: skip
    return text.strip()


MINIMAL_CONFIG = """# Written by 'kb sync --url': the repositories kb reads here (see docs/remote.md).
site_name: Reef KB
theme:
  name: material
plugins:
  - kb:
      repos: []
"""


def _same_remote(source: Any, url: str, subdir: str) -> bool:
    return source.url == url and source.subdir.strip("/") == subdir


def register_remote(config_path: Path, url: str, subdir: str = "") -> str:
    """List a Git repository in kb's ``repos:`` of mkdocs.yml (created with MINIMAL_CONFIG when missing);
    returns the line written, or '' when it is listed already."""
    url, subdir = url.strip(), subdir.strip().strip("/")
    if not url or url.startswith("-") or any(c.isspace() for c in url):
        raise UsageError(f"not a Git URL: {url!r}")
    if not config_path.exists():
        write_text_atomic(config_path, MINIMAL_CONFIG)
    if any(_same_remote(s, url, subdir) for s in load_config(config_path).repos):
        return ""
    fields = {"url": url, **({"subdir": subdir, "name": subdir.rsplit("/", 1)[-1]} if subdir else {})}
    entry = "{" + ", ".join(f"{key}: {json.dumps(value)}" for key, value in fields.items()) + "}"
    original = config_path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    index, text = _insertion(lines, entry)
    lines.insert(index, text)
    write_text_atomic(config_path, "".join(lines))
    if not any(_same_remote(s, url, subdir) for s in load_config(config_path).repos):
        write_text_atomic(config_path, original)
        raise GeneratorError("could not add the repository to the kb plugin's repos list", path=config_path,
                             hint=f"add '- {entry}' under plugins: - kb: repos: by hand")  # fmt: skip
    return text.strip()


def _insertion(lines: list[str], entry: str) -> tuple[int, str]:
    """Where and what to insert so that ``entry`` becomes the last item of kb's repos list."""
    plugin = next((i for i, line in enumerate(lines) if _KB_PLUGIN.match(line.rstrip("\n"))), None)
    hint = "list it under 'plugins: - kb: repos:' by hand"
    if plugin is None:
        raise UsageError("mkdocs.yml has no '- kb:' plugin entry with options", hint=hint)
    plugin_indent = len(_KB_PLUGIN.match(lines[plugin].rstrip("\n")).group(1))  # type: ignore[union-attr]
    for i in range(plugin + 1, len(lines)):
        line = lines[i].rstrip("\n")
        if line.strip() and _indent(line) <= plugin_indent + 1:
            break
        match = _REPOS_KEY.match(line)
        if not match:
            continue
        key_indent = len(match.group(1))
        if match.group(2):  # 'repos: []'
            lines[i] = " " * key_indent + "repos:\n"
        last, item_indent = i, key_indent + 2
        for j in range(i + 1, len(lines)):
            row = lines[j].rstrip("\n")
            if row.strip() and _indent(row) <= key_indent:
                break
            if row.strip().startswith("- "):
                item_indent = _indent(row)
            if row.strip():
                last = j
        return last + 1, " " * item_indent + f"- {entry}\n"
    key_indent = plugin_indent + 4
    return plugin + 1, " " * key_indent + "repos:\n" + " " * (key_indent + 2) + f"- {entry}\n"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def is_repo(path: Path) -> bool:
    """Whether a folder holds a CK repository."""
    return (path / layout.REPO_FILE).is_file()
