"""Repository jobs: create a repository."""

from __future__ import annotations

from pathlib import Path

from generator.ck.store import Repo


def init_repo(path: Path, alias: str = "", *, uid: str = "", url: str = "", desc: str = "",
              deps: list[str] | None = None) -> Repo:  # fmt: skip
    """Make a folder a CK repository (writes .ckr.json as 'ck add repo' does)."""
    return Repo.init(path, alias, uid=uid, url=url, desc=desc, deps=deps)
