"""``kb list`` with no filter and no option, answered from folder names and alias files alone.

``ck list`` reads no meta and starts fast; this path imports nothing but ``ck/listing.py`` (the
listing rules ``Repo`` uses too) and the strict JSON reader for ``.ckr.json``. Anything else —
another command or option, a CID pattern, no ``-R`` and no enclosing repository, an interrupted
change to recover, split directories, a problem to report, ``CK_REPOS`` set without ``-R`` (CK's
registered repositories are listed too), a name that is not plain printable ASCII — returns None
and goes through the full command, which prints the same lines (tests/test_quick_list.py compares
them) made inert.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from generator.ck.layout import CM, REPO_FILE
from generator.ck.listing import (
    ALIAS_A,
    alias_and_uid,
    change_pending,
    folder_names,
    holds_entry,
    repo_alias,
    sub_folders,
)

EVERYTHING = ("*:*:*",)


def _repos_and_rest(argv: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """The ``-R``/``--repo`` values before the command, and the rest; None for any other global option."""
    repos: list[str] = []
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        arg = argv[index]
        if arg in ("-R", "--repo") and index + 1 < len(argv):
            repos.append(argv[index + 1])
            index += 2
        elif arg.startswith("--repo="):
            repos.append(arg.removeprefix("--repo="))
            index += 1
        else:
            return None
    return repos, list(argv[index:])


def _enclosing_repo(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / REPO_FILE).is_file():
            return folder
    return None


def _lines_of(root: Path) -> list[str] | None:
    """``repo:module:entry`` of every entry of one repository (None: let the full command decide)."""
    from generator.ck.jsonio import read_json_object
    from generator.errors import GeneratorError

    if not root.is_dir() or not (root / REPO_FILE).is_file() or change_pending(root):
        return None
    try:
        desc = read_json_object(root / REPO_FILE, duplicates=[])
        modules = folder_names(list(os.scandir(root)))
    except (GeneratorError, OSError):
        return None
    extra = desc.get("dict") if isinstance(desc.get("dict"), dict) else {}
    if extra.get("split_all_dirs") or extra.get("split_dirs"):
        return None
    alias = repo_alias(desc, root)
    lines = []
    module_prefix = f"{root}{os.sep}{CM}{os.sep}{ALIAS_A}"
    for module in (m for m in modules if alias_and_uid(module_prefix, m)[1]):  # as CK: a module needs its alias file
        module_dir = f"{root}{os.sep}{module}"
        prefix = f"{module_dir}{os.sep}{CM}{os.sep}{ALIAS_A}"
        for name in sub_folders(module_dir):
            if holds_entry(module_dir, name):
                entry_alias, uid = alias_and_uid(prefix, name)
                if uid:
                    lines.append(f"{alias}:{module}:{entry_alias or uid}")
    return lines


def quick_list(argv: Sequence[str], cwd: Path | None = None) -> list[str] | None:
    """The output lines of a plain ``kb list`` for these arguments, or None to run the full command."""
    parsed = _repos_and_rest(argv)
    if parsed is None:
        return None
    repo_args, rest = parsed
    if rest[:1] != ["list"] or tuple(rest[1:]) not in ((), EVERYTHING):
        return None
    if not repo_args and os.environ.get("CK_REPOS"):
        return None  # CK's registered repositories come too (ops/ck_repos.py): the full command lists them
    enclosing = None if repo_args else _enclosing_repo(cwd or Path.cwd())
    roots = [Path(p).resolve() for p in repo_args] if repo_args else [enclosing] if enclosing else []
    if not roots:
        return None
    lines: list[str] = []
    for root in roots:
        found = _lines_of(root)
        if found is None:
            return None
        lines += found
    return lines if all(_prints_as_is(line) for line in lines) else None


def _prints_as_is(line: str) -> bool:
    """True when ``diagnostics.inert`` would leave the line unchanged (printable ASCII, no ``%``,
    ``##[`` or leading ``::``); other names go through the full command, which prints them inert."""
    plain = line.isascii() and line.isprintable() and "%" not in line and "##[" not in line
    return plain and not line.lstrip().startswith("::")
