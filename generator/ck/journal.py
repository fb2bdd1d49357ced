"""Intent journal: a multi-file change is written down first, so a crash is always finished later.

Design (see docs/cli.md, "Crash safety"): under the repository lock a writer first stages every new
file or folder under a hidden ``.kb-*`` name, then writes ``<repo>/.cm/kb-journal.json`` (atomic)
listing idempotent steps (write a small file, rename, unlink, remove a tree), performs the steps and
deletes the journal. Whoever finds a journal later (the next writer, ``Repo.open`` when the lock is
free, ``kb doctor``) replays it to the end: the change is rolled forward, never left half done.
Staged folders not named by a journal belong to a writer that died before committing and are
removed (rolled back).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.ck import layout
from generator.ck.jsonio import (
    TEMP_PREFIX,
    dumps_ck,
    fsync_dir,
    read_json,
    write_text_atomic,
)
from generator.errors import BadJSON, RepoError

JOURNAL_NAME = "kb-journal.json"
HIDDEN_PREFIX = ".kb-"
Step = list[str]


def journal_path(repo_root: Path) -> Path:
    """Where a repository's pending change is recorded."""
    return repo_root / layout.CM / JOURNAL_NAME


def write_step(path: Path, text: str) -> Step:
    """Step: atomically write a small text file (alias files)."""
    return ["write", str(path), text]


def rename_step(src: Path, dst: Path) -> Step:
    """Step: move a staged file/folder into place (skipped once done)."""
    return ["rename", str(src), str(dst)]


def unlink_step(path: Path) -> Step:
    """Step: delete a file if present."""
    return ["unlink", str(path)]


def rmtree_step(path: Path) -> Step:
    """Step: delete a (hidden, retired) folder if present."""
    return ["rmtree", str(path)]


def run(repo_root: Path, op: str, steps: Sequence[Step]) -> None:
    """Record the steps, perform them, then forget them; the caller holds the repository lock."""
    journal = journal_path(repo_root)
    write_text_atomic(journal, dumps_ck({"op": op, "steps": [list(s) for s in steps]}, sort_keys=False))
    _apply(steps)
    journal.unlink(missing_ok=True)
    fsync_dir(journal.parent)


def pending(repo_root: Path) -> bool:
    """True when a change was interrupted and still has to be replayed."""
    return journal_path(repo_root).is_file()


def recover(repo_root: Path) -> list[str]:
    """Finish an interrupted change and drop abandoned temp files; returns what was done."""
    done: list[str] = []
    journal = journal_path(repo_root)
    if journal.is_file():
        try:
            data: Any = read_json(journal)
            steps = data["steps"]
        except (BadJSON, KeyError, TypeError):
            raise RepoError("the change journal cannot be read", path=journal,
                            hint="inspect it, then delete it and run 'kb doctor --fix'") from None  # fmt: skip
        _apply(steps)
        journal.unlink(missing_ok=True)
        fsync_dir(journal.parent)
        done.append(f"finished interrupted '{data.get('op', '?')}' ({len(steps)} steps)")
    for leftover in find_temp_leftovers(repo_root):
        remove_path(leftover)
        done.append(f"removed abandoned temp {leftover}")
    return done


def find_temp_leftovers(repo_root: Path, *, deep: bool = False) -> list[Path]:
    """Hidden ``.kb-*`` temp files/folders in the root, module folders and their ``.cm`` (and, if
    deep, inside every entry's ``.cm``)."""
    found: list[Path] = []
    folders = [repo_root, repo_root / layout.CM]
    for module in _children(repo_root):
        if module.is_dir(follow_symlinks=False) and layout.is_entry_candidate(module.name):
            folders += [Path(module.path), Path(module.path) / layout.CM]
            if deep:
                folders += [Path(e.path) / layout.CM for e in _children(Path(module.path))
                            if e.is_dir(follow_symlinks=False) and layout.is_entry_candidate(e.name)]  # fmt: skip
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found += [folder / n for n in names if n[:4] == HIDDEN_PREFIX and _is_temp(n)]
    return sorted(found)


def _is_temp(name: str) -> bool:
    return name.startswith((HIDDEN_PREFIX, TEMP_PREFIX)) and not _owner_alive(name)


def staging_prefix(kind: str) -> str:
    """Prefix for a folder staged outside the lock: it names its process, so cleanup by another
    writer leaves it alone while that process lives."""
    return f"{HIDDEN_PREFIX}{kind}-{os.getpid()}-"


def _owner_alive(name: str) -> bool:
    parts = name.split("-")  # .kb-new-<pid>-<random>
    if len(parts) < 4 or parts[1] not in ("new", "tmp") or not parts[2].isdigit() or len(parts[2]) > 9:
        return False
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _children(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def remove_path(path: Path) -> None:
    """Delete a file or folder (never following a link)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _apply(steps: Sequence[Step]) -> None:
    """Perform the steps; folders touched are synced once at the end, before the journal goes."""
    touched: set[Path] = set()
    for step in steps:
        kind, target = step[0], Path(step[1])
        touched.add(target.parent)
        if kind == "write":
            write_text_atomic(target, step[2], sync_dir=False)
        elif kind == "rename":
            _rename(target, Path(step[2]))
            touched.add(Path(step[2]).parent)
        elif kind == "unlink":
            target.unlink(missing_ok=True)
        elif kind == "rmtree":
            shutil.rmtree(target, ignore_errors=True)
        else:
            raise RepoError(f"unknown journal step {kind!r}", hint="run 'kb doctor'")
    for folder in sorted(touched):
        if folder.is_dir():
            fsync_dir(folder)


def _rename(src: Path, dst: Path) -> None:
    if not os.path.lexists(src):
        return  # already done
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError as exc:
        raise RepoError(f"cannot move {src.name} into place: {exc.strerror}", path=dst,
                        hint="run 'kb doctor' to inspect the repository") from None  # fmt: skip
