"""Search documents: what every index (Whoosh for the CLI, static shards for the portal) sees of an entry.

One extraction feeds every search backend, so the CLI and the portal rank the same words. Pure
data apart from reading an entry's README; no search library is imported here.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ck.model import Entry
from generator.ck.reading import read_head

README = "README.md"
README_LIMIT = 20_000  # characters of a README that are indexed
TEXT_LIMIT = 8_000  # characters of flattened meta text that are indexed
SKIP_META_KEYS = frozenset({"tags", "name", "data_name", "description", "desc", "backup_data_uid", "control"})
HASHED_BYTES = 8 * 1024 * 1024  # per file: no .cm file is read beyond this (jsonio.MAX_JSON_BYTES)
_PLATFORM_KEYS = ("platform", "platform_uoa", "platforms", "target_platform", "board")
_FRAMEWORK_KEYS = ("framework", "frameworks", "backend")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SearchDoc:
    """The searchable form of one entry: identities, facets and free text."""

    key: str  # repo:module:folder, unique across a workspace (UIDs may repeat across repos)
    uid: str
    alias: str
    module: str
    repo: str
    name: str
    url: str
    tags: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    framework: tuple[str, ...] = ()
    description: str = ""
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def summary(self) -> str:
        """A one-line description for result lists (first 160 characters)."""
        source = self.description or self.text
        line = " ".join(source.split())
        return line if len(line) <= 160 else line[:157].rstrip() + "…"


def doc_key(repo: str, module: str, folder: str) -> str:
    """The unique key of an entry folder in a workspace."""
    return f"{repo}:{module}:{folder}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _values(meta: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for key in keys:
        for value in _strings(meta.get(key)):
            if value.lower() not in found:
                found.append(value.lower())
    return tuple(found)


def flatten_text(value: Any, limit: int = TEXT_LIMIT) -> str:
    """Every string (and key name) inside a meta value, joined, capped at ``limit`` characters."""
    parts: list[str] = []
    size = 0
    stack: list[Any] = [value]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            size += len(item) + 1
        elif isinstance(item, dict):
            for key in sorted(item, reverse=True):
                if key not in SKIP_META_KEYS:
                    stack.append(item[key])
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            parts.append(str(item))
            size += 8
    return " ".join(parts)[:limit]


def read_readme(folder: Path) -> str:
    """The entry's README text (first ``README_LIMIT`` characters), or '' when there is none."""
    raw = read_head(folder / README, README_LIMIT * 4)
    if raw is None:
        return ""
    return raw.decode("utf-8", errors="replace")[:README_LIMIT]


def _description(entry: Entry) -> str:
    for value in (entry.meta.get("description"), entry.meta.get("desc"), entry.info.get("description")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _platforms(entry: Entry) -> tuple[str, ...]:
    values = _values(entry.meta, _PLATFORM_KEYS)
    if entry.ref.module == "platform" and entry.ref.uoa.lower() not in values:
        values = (entry.ref.uoa.lower(), *values)
    return values


def document_for(entry: Entry, *, readme: str | None = None) -> SearchDoc:
    """The search document of an entry (reads its README unless one is passed)."""
    ref = entry.ref
    readme_text = read_readme(ref.path) if readme is None else readme
    description = _description(entry)
    text = " ".join(filter(None, (description, flatten_text(entry.meta), flatten_text(entry.desc), readme_text)))
    return SearchDoc(key=doc_key(ref.repo, ref.module, ref.path.name), uid=ref.uid, alias=ref.alias,
                     module=ref.module, repo=ref.repo, name=entry.name, url=f"{ref.module}/{ref.uoa}/",
                     tags=tuple(dict.fromkeys(t.strip().lower() for t in entry.tags if t.strip())),
                     platform=_platforms(entry), framework=_values(entry.meta, _FRAMEWORK_KEYS),
                     description=description, text=text)  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words: the tokenizer of the static portal index and of related entries."""
    return _WORD.findall(text.lower())


def content_hash(folder: Path) -> str:
    """SHA-256 over an entry's ``.cm`` files and README: what decides whether it is re-indexed."""
    digest = hashlib.sha256()
    cm = folder / ".cm"
    try:
        names = sorted(n for n in os.listdir(cm) if n.endswith(".json"))
    except OSError:
        names = []
    paths = [*(cm / n for n in names), folder / README]
    for path in paths:
        data = read_head(path, HASHED_BYTES)
        if data is None:
            continue
        digest.update(path.name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()
