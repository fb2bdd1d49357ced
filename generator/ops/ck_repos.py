"""CK's own repository list as an extra source: the repositories ``ck`` knows under ``$CK_REPOS``.

CK 2.x keeps its repositories in the folder named by ``CK_REPOS`` and records every registered one
(``ck add repo``, ``ck pull repo``, ``ck import repo --path=…``, wherever it lives) in
``$CK_REPOS/local/.ck.cache_repo_info.json``. A CK user who sets ``CK_REPOS`` sees those
repositories in every ``kb`` command too (after the configured ones; ``-R`` still means exactly
the folders given). CK's own ``local`` scratch repository and remote-only entries are left out.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.ck import layout
from generator.ck.jsonio import read_json_object
from generator.errors import GeneratorError

ENV = "CK_REPOS"
CACHE = Path("local") / ".ck.cache_repo_info.json"
SKIPPED = {"local", "default"}


def _registered(root: Path) -> list[Path]:
    try:
        cache = read_json_object(root / CACHE)
    except GeneratorError:
        return []
    found = []
    for record in cache.values():
        if not isinstance(record, dict) or record.get("data_uoa") in SKIPPED:
            continue
        folder = (record.get("dict") or {}).get("path") if isinstance(record.get("dict"), dict) else None
        if isinstance(folder, str) and folder:
            found.append(Path(folder))
    return found


def ck_repo_paths(environ: dict[str, str] | None = None) -> list[Path]:
    """The repositories CK has registered under ``$CK_REPOS`` (empty when it is unset), each a
    folder holding a ``.ckr.json``; without CK's registry file, the sub-folders of ``$CK_REPOS``."""
    value = (environ if environ is not None else os.environ).get(ENV, "")
    if not value:
        return []
    root = Path(value).expanduser()
    if (root / CACHE).is_file():
        candidates = _registered(root)
    elif root.is_dir():
        candidates = sorted(p for p in root.iterdir() if p.name not in SKIPPED)
    else:
        candidates = []
    paths: list[Path] = []
    for folder in candidates:
        if (folder / layout.REPO_FILE).is_file() and folder.resolve() not in paths:
            paths.append(folder.resolve())
    return paths
