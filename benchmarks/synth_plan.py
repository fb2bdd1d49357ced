"""The synthetic KB's building blocks shared by every profile: entries to write, the generator state, writing.

``Gen`` hands out unique UIDs and aliases from one seeded random stream (same seed, same KB);
``write_repo`` writes entries straight in CK's format (``dumps_ck``), which is what lets 50,000
entries be generated in seconds.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import synth_vocab as V
from generator.ck.ids import slugify
from generator.ck.jsonio import dumps_ck
from generator.ck.model import KNOWN_MODULE_UIDS

UID_ONLY_SHARE = 0.03
MULTI_ALIAS_SHARE = 0.005
README_SHARE = 0.2


@dataclass
class Item:
    """One entry to write."""

    module: str
    uid: str
    alias: str
    name: str
    meta: dict[str, Any]
    repo: str
    old_aliases: list[str] = field(default_factory=list)
    readme: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def uoa(self) -> str:
        """How other entries refer to it: alias if any, else UID."""
        return self.alias or self.uid


class Gen:
    """Holds the random state and what has been generated so far, for references."""

    def __init__(self, seed: int, repos: dict[str, str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.repos = repos or {}  # module -> repository, for entries added without one
        self.uids: set[str] = set()
        self.aliases: dict[str, set[str]] = {}
        self.made: dict[str, list[Item]] = defaultdict(list)
        self.count = 0

    def uid(self) -> str:
        """A fresh 16-hex UID."""
        while True:
            uid = f"{self.rng.getrandbits(64):016x}"
            if uid not in self.uids:
                self.uids.add(uid)
                return uid

    def unique_alias(self, module: str, base: str) -> str:
        """An alias from a name, unique within its module (``-2``, ``-3`` … when taken)."""
        taken = self.aliases.setdefault(module, set())
        alias = slugify(base) or module
        n = 1
        while alias in taken:
            n += 1
            suffix = f"-{n}"
            alias = slugify(base)[: 63 - len(suffix)].rstrip("-.") + suffix
        taken.add(alias)
        return alias

    def words(self, count: int) -> str:
        """Random vocabulary words."""
        return " ".join(self.rng.choice(V.WORDS) for _ in range(count))

    def paragraph(self) -> str:
        """A few random sentences."""
        sentences = [self.words(self.rng.randint(8, 22)).capitalize() + "." for _ in range(self.rng.randint(3, 7))]
        return " ".join(sentences)

    def readme(self, name: str) -> str:
        """A README with a title and two or three sections."""
        parts = [f"# {name}", "", self.paragraph(), "", "## Usage", "", self.paragraph()]
        if self.rng.random() < 0.5:
            parts += ["", "## Notes", "", self.paragraph()]
        return "\n".join(parts) + "\n"

    def add(self, module: str, name: str, meta: dict[str, Any], *, repo: str = "") -> Item:
        """Plan one entry (UID, alias, maybe old aliases and a README) and remember it for references."""
        rng = self.rng
        uid = self.uid()
        alias = "" if rng.random() < UID_ONLY_SHARE else self.unique_alias(module, name)
        old = []
        self.count += 1
        if alias and (rng.random() < MULTI_ALIAS_SHARE or self.count == 7):  # at least one per KB
            old = [self.unique_alias(module, f"{name}-old{k}") for k in range(1, rng.randint(2, 3) + 1)]
        readme = self.readme(name) if rng.random() < README_SHARE else ""
        item = Item(module, uid, alias, name, meta, repo or self.repos[module], old, readme,
                     list(meta.get("tags", [])))  # fmt: skip
        self.made[module].append(item)
        return item

    def pick(self, module: str) -> Item | None:
        """A random planned entry of a module (None when there is none yet)."""
        items = self.made[module]
        return self.rng.choice(items) if items else None


def _info(item: Item, rng: random.Random) -> dict[str, Any]:
    author, email, web = rng.choice(V.AUTHORS)
    day = f"{rng.randint(2016, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    stamp = f"{day}T{clock}.{rng.randint(0, 999999):06d}"
    info: dict[str, Any] = {
        "backup_data_uid": item.uid, "backup_module_uid": KNOWN_MODULE_UIDS[item.module],
        "backup_module_uoa": item.module,
        "control": {"author": author, "author_email": email, "author_webpage": web,
                    "copyright": "See CK COPYRIGHT.txt for copyright details", "engine": "CK",
                    "iso_datetime": stamp, "license": "See CK LICENSE.txt for licensing details",
                    "version": rng.choice((["1", "9", "4", "1"], ["1", "11", "1"], ["2", "6", "4"]))},
    }  # fmt: skip
    if item.alias:
        info["data_name"] = item.name
    return info


def write_text(path: str, text: str) -> None:
    """Write a file as UTF-8 with Unix newlines."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_repo(root: Path, name: str, uid: str, items: list[Item], rng: random.Random) -> Path:
    """One repository: .ckr.json, module alias files, then every entry's folder and alias files."""
    repo = root / name
    os.makedirs(repo / ".cm")
    ckr = {"data_uoa": name, "data_uid": uid, "data_alias": name, "data_name": name,
           "dict": {"desc": f"Synthetic Reef KB benchmark repository {name}", "shared": "git",
                    "url": f"https://github.com/reef-kb/{name}"}}  # fmt: skip
    write_text(str(repo / ".ckr.json"), dumps_ck(ckr, sort_keys=False))
    for module in sorted({i.module for i in items}):
        module_uid = KNOWN_MODULE_UIDS[module]
        write_text(str(repo / ".cm" / f"alias-a-{module}"), module_uid + "\n")
        write_text(str(repo / ".cm" / f"alias-u-{module_uid}"), module + "\n")
        os.makedirs(repo / module / ".cm")
    empty_desc = dumps_ck({})
    for item in items:
        module_dir = os.path.join(repo, item.module)
        entry = os.path.join(module_dir, item.alias or item.uid)
        cm = os.path.join(entry, ".cm")
        os.makedirs(cm)
        write_text(os.path.join(cm, "meta.json"), dumps_ck(item.meta))
        write_text(os.path.join(cm, "info.json"), dumps_ck(_info(item, rng)))
        write_text(os.path.join(cm, "desc.json"), empty_desc)
        if item.readme:
            write_text(os.path.join(entry, "README.md"), item.readme)
        if item.alias:
            write_text(os.path.join(module_dir, ".cm", f"alias-a-{item.alias}"), item.uid + "\n")
            aliases = "".join(a + "\n" for a in [item.alias, *item.old_aliases])
            write_text(os.path.join(module_dir, ".cm", f"alias-u-{item.uid}"), aliases)
    return repo
