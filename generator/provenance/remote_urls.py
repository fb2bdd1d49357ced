"""Which Git URLs ``kb sync`` may fetch: whatever kind the config author wrote, and only remote
schemes (https and ssh unless the config says otherwise) for what an upstream's ``repo_deps`` names.

A synced repository is untrusted: its ``.ckr.json`` could name ``file:///home/me/private`` or a
plain path (a private repository of the build machine would be cloned and published), or a Git
remote-helper transport (``ext::sh -c …`` runs a command, ``fd::`` reads a descriptor). URLs are
classified the way Git itself reads them (``transport.c``/``connect.c``): ``<helper>::<address>``,
``<scheme>://``, an scp-like ``host:path`` (ssh), else a local path.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

DEFAULT_UPSTREAM_SCHEMES = ("https", "ssh")
CONFIG_KINDS = frozenset({"https", "http", "ssh", "git", "file", "local"})
REMOTE_KINDS = frozenset({"https", "http", "ssh", "git"})
_HELPER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9+.-]*)::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCHEME_KINDS = {"https": "https", "http": "http", "ssh": "ssh", "git+ssh": "ssh", "ssh+git": "ssh",
                 "git": "git", "file": "file"}  # fmt: skip
GIT_PROTOCOL = {"https": "https", "http": "http", "ssh": "ssh", "git": "git", "file": "file", "local": "file"}


def url_kind(url: str) -> str:
    """'https', 'http', 'ssh', 'git', 'file', 'local', 'transport' (a remote helper or a scheme Git
    hands to one), 'option' (would be read as a command-line option) or 'empty'."""
    if not url.strip():
        return "empty"
    if url.startswith("-"):
        return "option"
    if _HELPER.match(url):
        return "transport"
    scheme = _SCHEME.match(url)
    if scheme:
        return _SCHEME_KINDS.get(scheme.group(1).lower(), "transport")
    colon, slash = url.find(":"), url.find("/")
    if colon > 0 and (slash < 0 or colon < slash):
        return "ssh"  # scp-like host:path
    return "local"


@dataclass(frozen=True)
class UrlPolicy:
    """The URL kinds allowed for the config's own repositories and for upstreams' repo_deps."""

    upstream_kinds: frozenset[str]
    config_urls: frozenset[str]

    @classmethod
    def from_options(cls, options: dict[str, Any], config_urls: Collection[str] = ()) -> UrlPolicy:
        """From the kb plugin options (``sync_url_schemes``: the remote schemes upstreams may use)."""
        wanted = options.get("sync_url_schemes") or DEFAULT_UPSTREAM_SCHEMES
        kinds = {str(k).lower() for k in wanted} if isinstance(wanted, list | tuple) else set(DEFAULT_UPSTREAM_SCHEMES)
        return cls(frozenset(kinds & REMOTE_KINDS), frozenset(u.strip() for u in config_urls))

    def refusal(self, url: str, *, from_config: bool) -> str:
        """Why ``url`` may not be fetched ('' when it may): ``from_config`` when mkdocs.yml names it."""
        kind = url_kind(url)
        if kind in ("transport", "option", "empty"):
            what = {"transport": "a Git transport that runs a helper program", "option": "an option, not a URL",
                    "empty": "empty"}[kind]  # fmt: skip
            return f"the URL is {what}; kb sync fetches https, ssh, git and file URLs only"
        if from_config or url.strip() in self.config_urls:
            return ""
        if kind in self.upstream_kinds:
            return ""
        if kind in ("file", "local"):
            return (f"an upstream's repo_deps names a {kind} repository; only mkdocs.yml may name local ones "
                    "(list it there, or map the name in repo_map)")
        allowed = ", ".join(sorted(self.upstream_kinds)) or "none"
        return f"an upstream's repo_deps names a {kind} URL; sync_url_schemes allows {allowed}"

    def git_protocols(self, url: str) -> str:
        """``GIT_ALLOW_PROTOCOL`` for fetching ``url``: its own protocol only (redirects included)."""
        return GIT_PROTOCOL.get(url_kind(url), "https")
