"""The search interface every engine implements: requests, hits and results (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FACET_FIELDS = ("module", "tags", "platform", "framework")


@dataclass(frozen=True)
class SearchRequest:
    """A query: free text with optional field syntax, filters, how many hits and whether to count facets."""

    text: str = ""
    modules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    limit: int | None = 10  # None: every match
    facets: bool = False


@dataclass(frozen=True)
class SearchHit:
    """One ranked result; ``snippet`` is HTML-escaped text with matches wrapped in ``<mark>``."""

    key: str
    uid: str
    alias: str
    module: str
    repo: str
    name: str
    url: str
    tags: tuple[str, ...]
    platform: tuple[str, ...]
    score: float
    snippet: str = ""

    @property
    def cid(self) -> str:
        """The entry's CID ``repo:module:alias-or-uid``."""
        return f"{self.repo}:{self.module}:{self.alias or self.uid}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``kb search --json``."""
        return {"cid": self.cid, "repo_uoa": self.repo, "module_uoa": self.module, "data_uid": self.uid,
                "data_alias": self.alias, "data_name": self.name, "url": self.url, "tags": list(self.tags),
                "platform": list(self.platform), "score": round(self.score, 4),
                "snippet": self.snippet}  # fmt: skip


@dataclass(frozen=True)
class SearchResults:
    """Ranked hits, the total number of matches and (if asked) facet counts over all matches."""

    query: str
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``kb search --json``."""
        data: dict[str, Any] = {"query": self.query, "total": self.total,
                                "hits": [h.to_dict() for h in self.hits]}  # fmt: skip
        if self.facets:
            data["facets"] = {name: [{"value": v, "count": c} for v, c in counts]
                              for name, counts in self.facets.items()}  # fmt: skip
        return data


@dataclass(frozen=True)
class RefreshStats:
    """What bringing the index up to date did (for ``--verbose`` output and tests)."""

    rebuilt: bool
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # entries that could not be read
    reason: str = ""
