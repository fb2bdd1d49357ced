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
from generator.numbers import with_unit

README = "README.md"
README_LIMIT = 20_000  # characters of a README that are indexed
TEXT_LIMIT = 8_000  # characters of flattened meta text after which numbers are no longer indexed
STRINGS_LIMIT = 200_000  # characters of flattened meta text indexed at most (every string value up to it)
SKIP_META_KEYS = frozenset({"description", "desc", "backup_data_uid", "control"})  # top level only
NAME_KEYS = ("name", "data_name")
HASHED_BYTES = 8 * 1024 * 1024  # per file: no .cm file is read beyond this (jsonio.MAX_JSON_BYTES)
_PLATFORM_KEYS = ("platform", "platform_uoa", "platforms", "target_platform", "board")
_FRAMEWORK_KEYS = ("framework", "frameworks", "backend")
_WORD = re.compile(r"[a-z0-9]+")
_NUMBERS = (int, float)


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


def flatten_text(value: Any, limit: int = TEXT_LIMIT, *, skip: frozenset[str] = frozenset(),
                 strings_limit: int = STRINGS_LIMIT) -> str:  # fmt: skip
    """Every string value inside a meta value, at any depth (as ``ck search --search_string`` looks at
    them), each distinct one once, with numbers while the text is under ``limit`` characters; keys
    in ``skip`` are left out at the top level only (the fields indexed on their own). At most
    ``strings_limit`` characters in all. Past ``limit``, numbers are dropped as containers are
    opened: a 400 kB table of features costs one pass over its values, not one step per number."""
    parts: list[str] = []
    seen: set[str] = set()
    size = 0
    stack: list[Any] = [value]
    while stack and size < strings_limit:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if item not in seen:
                seen.add(item)
                parts.append(item)
                size += len(item) + 1
        elif kind is dict or kind is list:
            if kind is list:
                children = list(item)
            else:
                keys = sorted(item)
                children = [item[k] for k in keys if k not in skip] if item is value else [item[k] for k in keys]
            if size >= limit:
                children = [c for c in children if type(c) not in _NUMBERS]
            children.reverse()
            stack.extend(children)
        elif (kind is int or kind is float) and size < limit:
            parts.append(str(item))
            size += 8
    return " ".join(parts)[:strings_limit]


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
    return result_line(entry.meta) if entry.ref.module == "result" else ""


_SPREAD = ("_stdev", "_std", "_min", "_max", "_mean", "_median", "_var")


def result_line(meta: dict[str, Any]) -> str:
    """What a search hit says of a result: benchmark · platform · model · primary metrics with units
    ('mlperf-inference-v0.5/image-classification · SingleStream · Closed · on firefly-rk3399 ·
    resnet50-v1.5 · latency 402.1 ms, accuracy 76.21 %')."""
    parts = [str(meta[k]) for k in ("benchmark", "scenario", "division") if isinstance(meta.get(k), str) and meta[k]]
    if isinstance(meta.get("platform_uoa"), str):
        parts.append(f"on {meta['platform_uoa']}")
    if isinstance(meta.get("model_uoa"), str):
        parts.append(meta["model_uoa"])
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    shown: dict[bool, list[str]] = {False: [], True: []}  # performance first, then quality
    for name, metric in sorted(metrics.items()):
        value = metric.get("value") if isinstance(metric, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or metric.get("primary") is False \
                or name.endswith(_SPREAD):  # fmt: skip
            continue
        text = with_unit(float(value), str(metric.get("unit") or ""))
        shown["accuracy" in name or "top" in name].append(f"{name} {text}")
    picked = shown[False][:1] + shown[True][:1] + shown[False][1:2]
    return " · ".join(parts + ([", ".join(picked)] if picked else []))


def _platforms(entry: Entry) -> tuple[str, ...]:
    values = _values(entry.meta, _PLATFORM_KEYS)
    if entry.ref.module == "platform" and entry.ref.uoa.lower() not in values:
        values = (entry.ref.uoa.lower(), *values)
    return values


def document_for(entry: Entry, *, readme: str | None = None, text_limit: int = STRINGS_LIMIT,
                 url: str | None = None) -> SearchDoc:  # fmt: skip
    """The search document of an entry (reads its README unless one is passed; ``url``: its page folder).

    Its free text holds every string value of the meta (dependency tags and names included) and of
    desc.json, so that what ``ck search --search_string`` finds, ``kb search`` finds; the entry's
    own tags and title are indexed in their own, higher-ranked fields. ``text_limit`` caps the meta
    text (the portal's static index reads only its start).
    """
    ref = entry.ref
    readme_text = read_readme(ref.path) if readme is None else readme
    description = _description(entry)
    name = entry.name
    skip = SKIP_META_KEYS | {k for k in NAME_KEYS if entry.meta.get(k) == name}
    meta_text = flatten_text(entry.meta, skip=skip, strings_limit=text_limit)
    desc_text = flatten_text(entry.desc, skip=SKIP_META_KEYS, strings_limit=text_limit)
    text = " ".join(filter(None, (description, meta_text, desc_text, readme_text)))
    url = url if url is not None else f"{ref.module}/{ref.uoa}/"
    return SearchDoc(key=doc_key(ref.repo, ref.module, ref.path.name), uid=ref.uid, alias=ref.alias,
                     module=ref.module, repo=ref.repo, name=name, url=url,
                     tags=tuple(dict.fromkeys(t.strip().lower() for t in entry.tags if t.strip())),
                     platform=_platforms(entry), framework=_values(entry.meta, _FRAMEWORK_KEYS),
                     description=description, text=text)  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words: the tokenizer of the static portal index and of related entries."""
    return _WORD.findall(text.lower())


def read_entry_files(folder: Path) -> dict[str, bytes]:
    """The bytes of an entry's ``.cm/*.json`` files (sorted by name) and README, each capped: read once,
    they give both the content hash and the document."""
    cm = folder / ".cm"
    try:
        names = sorted(n for n in os.listdir(cm) if n.endswith(".json"))
    except OSError:
        names = []
    files: dict[str, bytes] = {}
    for path in [*(cm / n for n in names), folder / README]:
        data = read_head(path, HASHED_BYTES)
        if data is not None:
            files[path.name] = data
    return files


def content_hash_of(files: dict[str, bytes]) -> str:
    """SHA-256 over the files ``read_entry_files`` read (what decides whether an entry is re-indexed)."""
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def content_hash(folder: Path) -> str:
    """SHA-256 over an entry's ``.cm`` files and README: what decides whether it is re-indexed."""
    return content_hash_of(read_entry_files(folder))


def readme_of(files: dict[str, bytes]) -> str:
    """The README text among files ``read_entry_files`` read (first ``README_LIMIT`` characters)."""
    raw = files.get(README)
    return "" if raw is None else raw[: README_LIMIT * 4].decode("utf-8", errors="replace")[:README_LIMIT]
