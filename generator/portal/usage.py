"""The "Use it" block of a component page: commands that fetch an entry with CK 2.6.4 and with kb (and
run a program kb can run), built from the Git URL its repository really comes from.

``tests/test_use_it.py`` runs exactly these commands, with kb and with the real ck, against a local
clone. Every argument is shell-quoted; a URL that is not a plain Git URL gives no pull command.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.ck.model import Entry
from generator.ck.programs import runs_without_ck

RUNS_DIR = "my-runs"  # where a reader's own runs of a program go
CLONE_DIR = "kb-source"  # where the project holding an embedded repository is cloned for CK
_GIT_URL = re.compile(r"^(?:(?:https?|git|ssh|file)://[^\s'\"`$;&|<>\\]+|git@[\w.-]+:[\w./~+-]+)$")


@dataclass(frozen=True)
class Origin:
    """Where a reader gets a repository: a Git URL (and the CK repository's folder inside the clone),
    or only a path inside this portal's own sources when nobody published a URL."""

    url: str = ""
    subdir: str = ""
    local: str = ""


@dataclass(frozen=True)
class Recipe:
    """The commands of one tool, in order, with a line saying where to run them."""

    tool: str
    commands: tuple[str, ...]
    note: str = ""


def git_url(text: Any) -> str:
    """A URL a reader can clone and paste into a shell safely, else ''."""
    value = text.strip() if isinstance(text, str) else ""
    return value if _GIT_URL.match(value) and not value.startswith("-") else ""


def origin_of(repo_path: Path, ckr_url: str, source: Any, site_root: Path | None, site_repo_url: str) -> Origin:
    """The origin of one repository: a synced source's URL and sub-folder, else the URL in ``.ckr.json``,
    else the portal project's ``repo_url`` with the repository's folder in it, else just that folder."""
    url = git_url(source if isinstance(source, str) else getattr(source, "url", ""))
    if url:
        return Origin(url=url, subdir=str(getattr(source, "subdir", "") or "").strip("/"))
    url = git_url(ckr_url)
    if url:
        return Origin(url=url)
    inside = _inside(repo_path, site_root)
    project = git_url(site_repo_url)
    if inside is not None and project:
        return Origin(url=project, subdir=inside)
    return Origin(local=inside or "")


def _inside(path: Path, root: Path | None) -> str | None:
    if root is None:
        return None
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def kb_runnable(entry: Entry) -> bool:
    """True for a program ``kb run`` can run (a plain default command, no CK placeholders)."""
    return entry.ref.module == "program" and runs_without_ck(entry.meta)


def _q(text: str) -> str:
    return shlex.quote(text)


def kb_recipe(entry: Entry, origin: Origin) -> Recipe:
    """``kb sync`` (registering the Git URL), then ``kb load``; a program kb can run is also run."""
    cid = _q(entry.ref.cid)
    if origin.url:
        sync = f"kb sync --url {_q(origin.url)}" + (f" --subdir {_q(origin.subdir)}" if origin.subdir else "")
        note = "In an empty folder (kb sync writes a small mkdocs.yml listing the repository):"
    else:
        sync = "kb sync"
        note = "In a checkout of this portal's sources:"
    commands = [sync, f"kb load {cid}"]
    if kb_runnable(entry):
        commands += [f"kb repo init {RUNS_DIR}", f"kb run {cid} -n 3 --repo-out {RUNS_DIR}"]
    return Recipe("kb", tuple(commands), note)


def ck_recipe(entry: Entry, origin: Origin) -> Recipe:
    """``ck pull repo --url=…`` (or a clone plus ``ck import repo``), then ``ck load``."""
    load = f"ck load {_q(entry.ref.cid)} --min"
    if origin.url and not origin.subdir:
        return Recipe("ck", (f"ck pull repo --url={_q(origin.url)}", load), "With CK 2.6.4 (pip install ck):")
    if origin.url:
        folder = f"{CLONE_DIR}/{origin.subdir}"
        commands = (f"git clone {_q(origin.url)} {CLONE_DIR}", f"ck import repo --path={_q(folder)} --quiet", load)
        return Recipe("ck", commands, "With CK 2.6.4 (pip install ck):")
    path = origin.local or "."
    return Recipe("ck", (f"ck import repo --path={_q(path)} --quiet", load),
                  "With CK 2.6.4, in a checkout of this portal's sources:")  # fmt: skip


def recipes(entry: Entry, origin: Origin) -> tuple[Recipe, Recipe]:
    """The kb and the CK way to get (and, for a program kb runs, to run) one entry."""
    return kb_recipe(entry, origin), ck_recipe(entry, origin)
