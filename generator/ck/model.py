"""Frozen records for repositories and entries; pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.ck.ids import is_uid

# Module UIDs fixed by the CK kernel repository (stable across all CK repositories).
KNOWN_MODULE_UIDS: dict[str, str] = {
    "module": "032630d041b4fd8a", "repo": "befd7892b0d469e9", "kernel": "b1e99f6461424276",
    "cfg": "b34231a3467566f8", "program": "b0ac08fe1d3c2615", "soft": "5e1100048ab875d7",
    "package": "1dc07ee0f4742028", "env": "9b9b3208ac44b891", "dataset": "8a7141c59cd335f5",
    "script": "84e27ad9dd12e734", "experiment": "bc0409fb61f0aa82", "os": "0440cb72c2bc5cc6",
    "platform": "707ccdfe444cafac", "platform.os": "41e31cc4496b8a8e",
    "model": "f92b25ca2f1a98ae", "docker": "88eef0cd8c43b68a", "result": "4cd2850867df4241",
    "result.cfg": "68d174e82bfa3f79", "solution": "1e448958932a00d4",
    "dashboard": "4a4581c2dddde890", "sut": "194e44c4cacd5101", "cmdgen": "4282b15de48f4d05",
    "compiler": "36ebc331048475bb", "graph": "2d41f89bcf32d4d4", "report": "1e348bd6ab43ce8a",
    "paper": "208314998a44ddab", "jnotebook": "145039462db4f4d2", "mlperf": "76af712b1f711538",
}  # fmt: skip


@dataclass(frozen=True)
class RepoInfo:
    """A CK repository: its ``.ckr.json`` identity and where it lives."""

    alias: str
    uid: str
    path: Path
    name: str = ""
    dict: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def url(self) -> str:
        """The repository's web/Git URL from ``.ckr.json`` (may be empty)."""
        return str(self.dict.get("url", ""))

    @property
    def uoa(self) -> str:
        """Alias if present, else UID (CK's ``repo_uoa``)."""
        return self.alias or self.uid


@dataclass(frozen=True)
class EntryRef:
    """Where an entry is: repository, module and entry identities plus its folder."""

    repo: str
    module: str
    module_uid: str
    alias: str
    uid: str
    path: Path

    @property
    def uoa(self) -> str:
        """Alias if the entry has one, else its UID (CK's ``data_uoa``)."""
        return self.alias or self.uid

    @property
    def cid(self) -> str:
        """The full CID ``repo:module:entry``."""
        return f"{self.repo}:{self.module}:{self.uoa}"


@dataclass(frozen=True)
class Entry:
    """A loaded entry: its ref plus meta, info, desc and updates from ``.cm/``.

    When the meta names a ``_base_entry``, workspace and corpus loads put the merged meta in
    ``meta`` and the file's own in ``meta_orig`` (CK's ``dict``/``dict_orig``); otherwise
    ``meta_orig`` is None.
    """

    ref: EntryRef
    meta: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    desc: dict[str, Any] = field(default_factory=dict)
    updates: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    meta_orig: dict[str, Any] | None = None

    @cached_property
    def tags(self) -> list[str]:
        """The entry's tags (CK's universal ``tags`` list), tolerant of odd shapes; read once (the meta of
        a loaded entry is not edited in place): do not modify the list."""
        tags = self.meta.get("tags", [])
        if isinstance(tags, str):
            return [t.strip() for t in tags.split(",") if t.strip()]
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []

    @cached_property
    def tag_set(self) -> frozenset[str]:
        """The entry's tags as a set, for tag queries (CK dependencies, tag filters)."""
        return frozenset(self.tags)

    @property
    def name(self) -> str:
        """The entry's title, as the portal, search and the CLI show it (see ``entry_title``)."""
        return entry_title(self.meta, self.info, self.ref.alias, self.ref.uid)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``kb load --json`` (CK's load output keys)."""
        r = self.ref
        return {
            "repo_uoa": r.repo, "module_uoa": r.module, "module_uid": r.module_uid,
            "data_uoa": r.uoa, "data_uid": r.uid, "data_alias": r.alias,
            "data_name": self.info.get("data_name", ""),  # what ck load reports: '' when info has none
            "path": str(r.path), "dict": self.meta, "info": self.info, "desc": self.desc,
            "updates": self.updates, **({"dict_orig": self.meta_orig} if self.meta_orig is not None else {}),
        }  # fmt: skip


# Where real CK metas keep a human title, best first: Reef's ``name``; papers' ``title``; ReQuEST and
# reproindex articles' ``misc.title``; cKnowledge.io results' ``meta.title``; program metas that copy
# ``data_name``; soft entries' ``soft_name``; reproindex mirrors' ``misc.data_uoa`` (the alias of the
# entry a component.* entry describes).
TITLE_FIELDS: tuple[tuple[str, ...], ...] = (
    ("name",), ("title",), ("misc", "title"), ("meta", "title"), ("data_name",), ("soft_name",),
    ("misc", "data_uoa"),
)


def _text_at(data: dict[str, Any], keys: tuple[str, ...]) -> str:
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value.strip() if isinstance(value, str) else ""


def entry_title(meta: dict[str, Any], info: dict[str, Any], alias: str, uid: str) -> str:
    """An entry's title: info.json ``data_name`` (CK writes the alias there unless told a name), else
    the meta's own title fields, else the alias; the UID only when nothing else exists."""
    data_name = info.get("data_name")
    if isinstance(data_name, str) and data_name.strip() and data_name.strip() != uid:
        return data_name.strip()
    for keys in TITLE_FIELDS:
        text = _text_at(meta, keys)
        if text and not is_uid(text):  # a UID in a title field names some entry, not this title
            return text
    return alias or uid
