"""Intent journal: a multi-file change is written down first, so a crash is always finished later.

Design (see docs/cli.md, "Crash safety"): under the repository lock a writer first stages every new
file or folder under a hidden ``.kb-*`` name, then writes ``<repo>/.cm/kb-journal.json`` (atomic)
listing idempotent steps (write a small file, rename, unlink, remove a tree), performs the steps and
deletes the journal. Whoever finds a journal later (the next writer, ``Repo.open`` when the lock is
free, ``kb doctor``) replays it to the end: the change is rolled forward, never left half done.

A change that also touches another repository (``kb mv`` across repositories) keeps its journal in
the target and leaves a marker, ``.cm/kb-journal-peer.json``, in each other repository it touches,
written before the journal and removed after it. Opening or writing to EITHER side therefore finds
the unfinished change and replays the one journal, holding the locks of all its repositories (taken
without waiting: a busy one means a live kb process, which finishes the change itself). Replaying
is only ever done from that single journal, so a side that was written to since cannot be undone by
a stale copy.
Staged folders not named by a journal belong to a writer that died before committing and are
removed (rolled back).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
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
from generator.ck.listing import change_pending
from generator.errors import BadJSON, RepoError

JOURNAL_NAME = layout.JOURNAL_NAME
PEER_MARKER_NAME = layout.PEER_MARKER_NAME
HIDDEN_PREFIX = ".kb-"
Step = list[str]


def journal_path(repo_root: Path) -> Path:
    """Where a repository's pending change is recorded."""
    return repo_root / layout.CM / JOURNAL_NAME


def peer_marker_path(repo_root: Path) -> Path:
    """Where a repository notes that a journal kept in another repository also changes it."""
    return repo_root / layout.CM / PEER_MARKER_NAME


_changes = 0


def change_count() -> int:
    """Changes this process committed or replayed so far (writers stamp only when it moved)."""
    return _changes


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


def run(repo_root: Path, op: str, steps: Sequence[Step], *, peers: Sequence[Path] = ()) -> None:
    """Record the steps, perform them, then forget them; the caller holds the locks of the
    repository and of each ``peer`` (other repositories the steps touch, which get a marker)."""
    peers = [p for p in peers if p != repo_root]
    for peer in peers:
        write_text_atomic(peer_marker_path(peer), dumps_ck({"op": op, "journal": str(repo_root)}, sort_keys=False))
    journal = journal_path(repo_root)
    record = {"op": op, "steps": [list(s) for s in steps], **({"peers": [str(p) for p in peers]} if peers else {})}
    write_text_atomic(journal, dumps_ck(record, sort_keys=False))
    _apply(steps)
    _forget(journal, peers)


def _forget(journal: Path, peers: Sequence[Path | str]) -> None:
    """Drop a finished journal, then the markers pointing at it (a marker without its journal is
    harmless: the next reader just removes it)."""
    global _changes
    journal.unlink(missing_ok=True)
    fsync_dir(journal.parent)
    for peer in peers:
        peer_marker_path(Path(peer)).unlink(missing_ok=True)
    _changes += 1


def pending(repo_root: Path) -> bool:
    """True when a change was interrupted and still has to be replayed (its journal is here, or in
    another repository this one's marker names)."""
    return change_pending(repo_root)


def recover(repo_root: Path) -> list[str]:
    """Finish an interrupted change (kept here or, for a cross-repository move, in the repository
    this one's marker names) and drop abandoned temp files; the caller holds this repository's
    lock. Returns what was done."""
    done: list[str] = []
    marker = peer_marker_path(repo_root)
    if marker.is_file():
        owner = _marker_owner(marker)
        with _locked(owner, repo_root):
            done += _replay(owner)
        marker.unlink(missing_ok=True)
    done += _replay(repo_root)
    for leftover in find_temp_leftovers(repo_root):
        remove_path(leftover)
        done.append(f"removed abandoned temp {leftover}")
    return done


def _replay(repo_root: Path) -> list[str]:
    """Roll a repository's journal forward, holding the locks of the other repositories it touches."""
    journal = journal_path(repo_root)
    if not journal.is_file():
        return []
    try:
        data: Any = read_json(journal)
        steps, peers = data["steps"], [Path(p) for p in data.get("peers", [])]
    except (BadJSON, KeyError, TypeError):
        raise RepoError("the change journal cannot be read", path=journal,
                        hint="inspect it, then delete it and run 'kb doctor --fix'") from None  # fmt: skip
    with ExitStack() as stack:
        for peer in sorted(peers):
            stack.enter_context(_locked(peer, repo_root))
        _apply(steps)
        _forget(journal, peers)
    return [f"finished interrupted '{data.get('op', '?')}' ({len(steps)} steps)"]


def _marker_owner(marker: Path) -> Path:
    try:
        data: Any = read_json(marker)
        return Path(data["journal"])
    except (BadJSON, KeyError, TypeError):
        raise RepoError("the marker of an interrupted cross-repository change cannot be read", path=marker,
                        hint="run 'kb doctor' on the other repository, then delete the marker") from None  # fmt: skip


@contextmanager
def _locked(other: Path, here: Path) -> Iterator[None]:
    """The lock of another repository an interrupted change touches, taken without waiting."""
    from generator.ck.lock import try_lock

    if not other.is_dir():
        raise RepoError(f"an interrupted change recorded in {other} also touches this repository, "
                        "and that repository is not here", path=here,
                        hint=f"make {other} available and run any kb command on it, or run 'kb doctor'")
    lock = try_lock(other)
    if lock is None:
        raise RepoError(f"an interrupted change between this repository and {other} is pending, "
                        "and another kb process holds that repository", path=here,
                        hint="retry when that command has finished (it completes the change itself)")
    try:
        yield
    finally:
        lock.release()


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
        _rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _apply(steps: Sequence[Step]) -> None:
    """Perform the steps; folders touched are synced once at the end, before the journal goes."""
    touched: set[Path] = set()
    for step in steps:
        kind, target = step[0], Path(step[1])
        touched.add(target.parent)
        if kind == "write":  # alias files, which CK's ren deletes and re-creates: the umask decides
            write_text_atomic(target, step[2], sync_dir=False, same_mode=False)
        elif kind == "rename":
            _rename(target, Path(step[2]))
            touched.add(Path(step[2]).parent)
        elif kind == "unlink":
            target.unlink(missing_ok=True)
        elif kind == "rmtree":
            _rmtree(target)
        else:
            raise RepoError(f"unknown journal step {kind!r}", hint="run 'kb doctor'")
    for folder in sorted(touched):
        if folder.is_dir():
            fsync_dir(folder)


def _rmtree(path: Path) -> None:
    import shutil  # here: only writers and recovery delete trees; readers skip the import

    shutil.rmtree(path, ignore_errors=True)


def _rename(src: Path, dst: Path) -> None:
    if not os.path.lexists(src):
        return  # already done
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError as exc:
        raise RepoError(f"cannot move {src.name} into place: {exc.strerror}", path=dst,
                        hint="run 'kb doctor' to inspect the repository") from None  # fmt: skip
