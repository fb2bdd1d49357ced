"""Who added and last changed each entry, from ONE ``git log`` pass per Git repository per build.

Running Git once per page would cost seconds per thousand entries; instead one
``git log --name-status`` over the KB folders yields, for every entry folder, the newest and
the oldest commit touching it. Folder renames (an alias change) are followed with ``-M``, so a
renamed entry keeps its "first added" date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import git

CM = ".cm"
_RECORD = "\x1e"
_FIELD = "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%an%x1f%aI"
_SCP_URL = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)([\w./~-]+)$")


@dataclass(frozen=True)
class Change:
    """One commit as shown on a page: full hash, author name, ISO author date."""

    sha: str
    author: str
    date: str

    @property
    def short(self) -> str:
        """The abbreviated hash readers recognise."""
        return self.sha[:10]

    @property
    def day(self) -> str:
        """The date part (YYYY-MM-DD) for compact display."""
        return self.date[:10]


@dataclass
class EntryHistory:
    """First and last commit touching an entry folder, and how many commits did."""

    added: Change
    changed: Change
    commits: int = 1


@dataclass
class RepoHistory:
    """History of one KB repository folder plus how to link to its source on the web."""

    folder: Path
    git_root: Path | None = None
    web_url: str = ""
    rev: str = "HEAD"
    web_prefix: str = ""  # the KB folder's path inside the web repository
    commit_links: bool = False  # True when web_url is the repository the commits belong to
    entries: dict[str, EntryHistory] = field(default_factory=dict)

    def prefix(self) -> str:
        """The KB folder relative to the Git root, in POSIX form ('' when they coincide)."""
        if self.git_root is None or self.folder == self.git_root:
            return ""
        return self.folder.relative_to(self.git_root).as_posix()

    def for_entry(self, module: str, folder_name: str) -> EntryHistory | None:
        """History of ``<module>/<folder_name>`` in this repository, if it was ever committed."""
        return self.entries.get(f"{module}/{folder_name}")

    def commit_url(self, sha: str) -> str:
        """Web link to a commit, or '' when the repository has no web URL."""
        return f"{self.web_url}/commit/{sha}" if self.web_url and self.commit_links else ""

    def blob_url(self, relative: str) -> str:
        """Web link to a file of this KB repository at the configured revision (GitHub style)."""
        if not self.web_url:
            return ""
        path = "/".join(p for p in (self.web_prefix, relative) if p)
        return f"{self.web_url}/blob/{quote(self.rev, safe='')}/{quote(path)}"


def web_url_from_remote(url: str) -> str:
    """An https web URL for a Git remote (https, ssh:// or scp-like), or '' when not derivable."""
    url = (url or "").strip()
    if url.startswith(("http://", "https://")):
        base = re.sub(r"^https?://[^@/]*@", lambda m: m.group(0).split("//")[0] + "//", url)
    elif url.startswith("ssh://"):
        rest = url[len("ssh://"):].split("@", 1)[-1]
        host, _, path = rest.partition("/")
        base = f"https://{host.split(':')[0]}/{path}"
    elif match := _SCP_URL.match(url):
        base = f"https://{match.group(1)}/{match.group(2)}"
    else:
        return ""
    base = base.rstrip("/")
    return base[: -len(".git")] if base.endswith(".git") else base


def _git_root(folder: Path) -> git.Repo | None:
    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _origin_url(repo: git.Repo) -> str:
    try:
        return web_url_from_remote(next(iter(repo.remote("origin").urls), ""))
    except (ValueError, StopIteration, git.GitCommandError):
        return ""


def _current_rev(repo: git.Repo) -> str:
    try:
        return repo.active_branch.name
    except (TypeError, ValueError):
        return repo.head.commit.hexsha if repo.head.is_valid() else "HEAD"


def _log_records(repo: git.Repo, pathspecs: list[str]) -> Iterator[tuple[Change, list[tuple[str, ...]]]]:
    """Commits newest first, each with its (status, path[, new path]) records."""
    try:
        out = repo.git.log("--format=" + _LOG_FORMAT, "--name-status", "-z", "-M", "--", *pathspecs)
    except git.GitCommandError:
        return
    for chunk in out.split(_RECORD)[1:]:
        header, _, body = chunk.partition("\0")
        sha, author, date = [*header.split(_FIELD), "", ""][:3]
        tokens = body.lstrip("\n").split("\0")
        changes: list[tuple[str, ...]] = []
        i = 0
        while i < len(tokens) and tokens[i]:
            status = tokens[i]
            width = 2 if status[:1] in ("R", "C") else 1
            changes.append((status, *tokens[i + 1 : i + 1 + width]))
            i += 1 + width
        yield Change(sha=sha, author=author, date=date), changes


def _entry_key(path: str, prefix: str) -> str | None:
    """``module/entry`` for a file inside an entry folder of the KB repo at ``prefix``."""
    if prefix:
        if not path.startswith(prefix) or path[len(prefix) : len(prefix) + 1] != "/":
            return None
        path = path[len(prefix) + 1 :]
    parts = path.split("/", 2)
    if len(parts) < 3 or parts[0].startswith(".") or parts[1] == CM:
        return None
    return f"{parts[0]}/{parts[1]}"


def _collect(repo: git.Repo, histories: list[RepoHistory]) -> None:
    """One log over all KB folders of one Git repository; fill each RepoHistory's entries."""
    by_prefix = {h.prefix(): h for h in histories}
    pathspecs = [p or "." for p in by_prefix]
    renamed: dict[tuple[str, str], str] = {}  # (prefix, old key) -> current key
    for change, records in _log_records(repo, pathspecs):
        touched: set[tuple[str, str]] = set()
        for record in records:
            for prefix in by_prefix:
                keys = [_entry_key(p, prefix) for p in record[1:]]
                if keys[0] is None and keys[-1] is None:
                    continue
                if record[0][:1] == "R" and keys[0] and keys[-1] and keys[0] != keys[-1]:
                    renamed[(prefix, keys[0])] = renamed.get((prefix, keys[-1]), keys[-1])
                for key in filter(None, keys):
                    touched.add((prefix, renamed.get((prefix, key), key)))
        for prefix, key in touched:
            entries = by_prefix[prefix].entries
            known = entries.get(key)
            if known is None:
                entries[key] = EntryHistory(added=change, changed=change)
            else:
                known.added = change
                known.commits += 1


def _site_git_root(site: tuple[Path, str] | None) -> tuple[Path | None, str]:
    url = web_url_from_remote(site[1]) if site else ""
    repo = _git_root(site[0]) if site and url else None
    if repo is None:
        return None, ""
    with repo:  # closing ends the git cat-file processes GitPython may have started
        return (Path(repo.working_tree_dir).resolve(), url) if repo.working_tree_dir else (None, "")


def read_history(folders: Iterable[Path], *, web_urls: dict[Path, str] | None = None,
                 revs: dict[Path, str] | None = None,
                 site: tuple[Path, str] | None = None) -> dict[Path, RepoHistory]:  # fmt: skip
    """History of every KB repository folder, one ``git log`` per Git repository.

    Web links come from the Git ``origin`` remote when it is a web host (commit and file links);
    else from ``web_urls[folder]`` (the repository's ``.ckr.json`` url): file links always, commit
    links only when the folder is itself the Git root (otherwise the commits are not its own).
    ``site`` = (project folder, mkdocs ``repo_url``) takes precedence for folders inside the
    project's own Git repository.
    """
    web_urls = web_urls or {}
    revs = revs or {}
    result: dict[Path, RepoHistory] = {}
    groups: dict[Path, tuple[git.Repo, list[RepoHistory]]] = {}
    site_root, site_url = _site_git_root(site)
    opened: list[git.Repo] = []
    try:
        for folder in (Path(f).resolve() for f in folders):
            repo = _git_root(folder)
            if repo is not None:
                opened.append(repo)
            result[folder] = _folder_history(folder, repo, web_urls, revs, (site_root, site_url), groups)
        for repo, histories in groups.values():
            if repo.head.is_valid():
                _collect(repo, histories)
    finally:
        for repo in opened:  # GitPython keeps git cat-file processes until its repositories are closed
            repo.close()
    return result


def _folder_history(folder: Path, repo: git.Repo | None, web_urls: dict[Path, str], revs: dict[Path, str],
                    site: tuple[Path | None, str],
                    groups: dict[Path, tuple[git.Repo, list[RepoHistory]]]) -> RepoHistory:  # fmt: skip
    """One folder's history record, added to its Git repository's group (one log per group)."""
    site_root, site_url = site
    history = RepoHistory(folder=folder, web_url=web_urls.get(folder, ""), rev=revs.get(folder, "HEAD"))
    if repo is None or repo.working_tree_dir is None:
        return history
    root = Path(repo.working_tree_dir).resolve()
    history.git_root = root
    origin = site_url if root == site_root else _origin_url(repo)
    if origin:
        history.web_url, history.web_prefix, history.commit_links = origin, history.prefix(), True
    else:  # an upstream URL (.ckr.json) is this Git's own only when the folder is its root
        history.commit_links = bool(history.web_url) and folder == root
    if history.commit_links:
        history.rev = revs.get(folder) or _current_rev(repo)
    groups.setdefault(root, (repo, []))[1].append(history)
    return history
