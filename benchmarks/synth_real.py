"""Profile "R": the metadata of real CK repositories, replicated to any size with renamed aliases and UIDs.

The seed ``benchmarks/seed/ck-real.tar.xz`` holds the ``.ckr.json``, ``.cm`` files and alias files
(no payload) of six public CK repositories: ``ctuning/ck-mlperf``, ``ck-analytics``, ``ck-math``,
``ck-nntest``, ``ck-object-detection`` and ``ctuning-programs`` (615 entries; MILEPOST feature
files up to 415 kB). Copy 0 is the seed as it is; copy k renames every alias to ``<alias>-r<k>``
and every UID to a hash of (UID, k), rewrites the references that name an entry of the copy
(``*_uoa`` keys, ``module_uoa``+``data_uoa`` dicts, ``_base_entry``) and keeps everything else: tags
stay, so CK tag dependencies fan out over every copy as they would over a real, larger KB. Each
seed repository keeps one folder holding all its copies. A last, partial copy takes evenly spaced
entries; its references to entries it left out point at copy 0.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import math
import os
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent / "seed" / "ck-real.tar.xz"
NOT_ENTRY_KEYS = {"repo_uoa", "module_uoa", "data_uoa"}


@dataclass
class _SeedEntry:
    repo: str
    module: str
    folder: str
    files: dict[str, bytes]  # .cm file name -> bytes


@dataclass
class _SeedRepo:
    name: str  # folder name of the generated repository (the repo alias)
    ckr: bytes
    top_files: dict[str, bytes] = field(default_factory=dict)  # repo/.cm/alias-*
    module_files: dict[str, dict[str, bytes]] = field(default_factory=lambda: defaultdict(dict))
    entries: list[_SeedEntry] = field(default_factory=list)


def _read_seed() -> dict[str, _SeedRepo]:
    """The seed repositories by their folder in the archive."""
    raw = lzma.decompress(SEED.read_bytes())
    repos: dict[str, _SeedRepo] = {}
    entries: dict[tuple[str, str, str], _SeedEntry] = {}
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            parts = member.name.split("/")
            top = "/".join(parts[:2]) if parts[0] == "ck-corpora" else parts[0]
            rest = parts[2:] if parts[0] == "ck-corpora" else parts[1:]
            if rest == [".ckr.json"]:
                alias = json.loads(data).get("data_alias") or rest[0]
                repos[top] = _SeedRepo(alias, data)
            elif len(rest) == 2 and rest[0] == ".cm":
                repos.setdefault(top, _SeedRepo("", b"")).top_files[rest[1]] = data
            elif len(rest) == 3 and rest[1] == ".cm":
                repos.setdefault(top, _SeedRepo("", b"")).module_files[rest[0]][rest[2]] = data
            elif len(rest) == 4 and rest[2] == ".cm":
                key = (top, rest[0], rest[1])
                entries.setdefault(key, _SeedEntry(top, rest[0], rest[1], {})).files[rest[3]] = data
    for (top, _module, _folder), entry in sorted(entries.items()):
        repos[top].entries.append(entry)
    return dict(sorted(repos.items()))


class _Names:
    """Aliases and UIDs of one copy: which seed entries it holds and what they are called there."""

    def __init__(self, seed: dict[str, _SeedRepo], copy: int, chosen: set[tuple[str, str, str]]) -> None:
        self.copy = copy
        self.aliases: dict[str, set[str]] = defaultdict(set)  # module -> aliases in this copy
        self.uids: set[str] = set()
        self.module_uids: dict[str, set[str]] = defaultdict(set)  # module -> UIDs in this copy
        for repo in seed.values():
            for entry in repo.entries:
                if (entry.repo, entry.module, entry.folder) in chosen:
                    info = _json(entry.files.get("info.json", b"{}"))
                    uid = str(info.get("backup_data_uid") or entry.folder)
                    self.uids.add(uid)
                    self.module_uids[entry.module].add(uid)
                    self.aliases[entry.module].add(entry.folder)

    def alias(self, alias: str) -> str:
        """An alias in this copy (copy 0 keeps the seed's)."""
        return alias if self.copy == 0 else f"{alias}-r{self.copy}"

    def uid(self, uid: str) -> str:
        """A UID in this copy: a stable hash of the seed UID and the copy number."""
        return uid if self.copy == 0 else hashlib.sha256(f"{uid}:{self.copy}".encode()).hexdigest()[:16]

    def target(self, module: str, value: str) -> str:
        """A reference's new value when it names an entry of this copy (else unchanged: copy 0's)."""
        if value in self.uids:
            return self.uid(value)
        return self.alias(value) if value in self.aliases.get(module, ()) else value


def _json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _rewrite(value: Any, names: _Names, depth: int = 0) -> Any:
    """The meta with references into the copy renamed (the keys CK uses for entry references)."""
    if depth > 40:
        return value
    if isinstance(value, list):
        return [_rewrite(v, names, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    module = value.get("module_uoa") if isinstance(value.get("module_uoa"), str) else ""
    for key, item in value.items():
        if isinstance(item, str) and key == "data_uoa" and module:
            out[key] = names.target(module, item)
        elif isinstance(item, str) and key.endswith("_uoa") and key not in NOT_ENTRY_KEYS:
            out[key] = names.target(key[: -len("_uoa")].replace("_", "."), item)
        elif isinstance(item, str) and key == "_base_entry":
            base_module, _, alias = item.rpartition(":")
            out[key] = f"{base_module}:{names.target(base_module, alias)}" if base_module else item
        else:
            out[key] = _rewrite(item, names, depth + 1)
    return out


def _dump(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _write_module_files(folder: str, module: str, files: dict[str, bytes], names: _Names, partial: bool) -> None:
    """A module's alias files, renamed for the copy (a full copy keeps the seed's faults, stale files included)."""
    for name, data in files.items():
        if partial and not (name[8:] in names.aliases.get(module, ()) or name[8:] in names.module_uids[module]):
            continue
        if name.startswith("alias-a-"):
            new_name, text = "alias-a-" + names.alias(name[8:]), names.uid(data.decode().strip()) + "\n"
        elif name.startswith("alias-u-"):
            lines = [names.alias(a) for a in data.decode().split()]
            new_name, text = "alias-u-" + names.uid(name[8:]), "".join(a + "\n" for a in lines)
        else:
            new_name, text = name, data.decode("utf-8", "replace")
        _write(os.path.join(folder, new_name), text.encode("utf-8"))


def _write_entry(module_dir: str, entry: _SeedEntry, names: _Names) -> None:
    is_uid_folder = entry.folder in names.uids
    folder = os.path.join(module_dir, names.uid(entry.folder) if is_uid_folder else names.alias(entry.folder))
    os.makedirs(os.path.join(folder, ".cm"))
    for name, data in entry.files.items():
        if names.copy and name == "meta.json":
            data = _dump(_rewrite(_json(data), names))
        elif names.copy and name == "info.json":
            info = _json(data)
            if isinstance(info.get("backup_data_uid"), str):
                info["backup_data_uid"] = names.uid(info["backup_data_uid"])
            data = _dump(info)
        _write(os.path.join(folder, ".cm", name), data)


def _chosen(seed: dict[str, _SeedRepo], count: int) -> set[tuple[str, str, str]]:
    """``count`` evenly spaced seed entries (all of them when count covers the seed)."""
    every = [(e.repo, e.module, e.folder) for r in seed.values() for e in r.entries]
    if count >= len(every):
        return set(every)
    return {every[math.floor(j * len(every) / count)] for j in range(count)}


def generate(root: Path, entries: int) -> list[Path]:
    """Write ``entries`` entries of replicated real repositories under ``root``; returns the repo folders."""
    seed = _read_seed()
    size = sum(len(r.entries) for r in seed.values())
    paths = []
    for repo in seed.values():
        folder = root / repo.name
        os.makedirs(folder / ".cm")
        _write(str(folder / ".ckr.json"), repo.ckr)
        for name, data in repo.top_files.items():
            _write(str(folder / ".cm" / name), data)
        paths.append(folder)
    for copy in range(math.ceil(entries / size)):
        count = min(size, entries - copy * size)
        chosen = _chosen(seed, count)
        names = _Names(seed, copy, chosen)
        for key, repo in seed.items():
            for module, files in repo.module_files.items():
                module_dir = root / repo.name / module
                os.makedirs(module_dir / ".cm", exist_ok=True)
                _write_module_files(str(module_dir / ".cm"), module, files, names, count < size)
            for entry in repo.entries:
                if (key, entry.module, entry.folder) in chosen:
                    _write_entry(str(root / repo.name / entry.module), entry, names)
    return paths


def seed_size() -> int:
    """How many entries one copy of the seed holds."""
    return sum(len(r.entries) for r in _read_seed().values())
