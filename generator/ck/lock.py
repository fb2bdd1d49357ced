"""One writer at a time per repository: an OS file lock that dies with its process."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from generator.ck import layout
from generator.errors import LockTimeout, RepoError

LOCK_NAME = "kb.lock"
DEFAULT_TIMEOUT_S = 30.0
_POLL_S = 0.01

try:  # POSIX: flock is released by the kernel when the holder dies, even under SIGKILL
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_LOCK_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))  # fmt: skip
_held: dict[str, int] = {}
_held_guard = threading.Lock()


def lock_path(repo_root: Path) -> Path:
    """Where a repository's lock file lives (inside the root ``.cm``, which CK ignores)."""
    return repo_root / layout.CM / LOCK_NAME


def default_timeout() -> float:
    """Seconds to wait for a busy repository (``KB_LOCK_TIMEOUT`` overrides 30)."""
    try:
        return float(os.environ.get("KB_LOCK_TIMEOUT", DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


class RepoLock:
    """Exclusive, re-entrant (per process) lock on one repository, with a bounded wait."""

    def __init__(self, repo_root: Path, timeout: float | None = None) -> None:
        self.root = Path(repo_root)
        self.path = lock_path(self.root)
        self.timeout = default_timeout() if timeout is None else timeout
        self._fd: int | None = None
        self._fallback: object | None = None

    def __enter__(self) -> RepoLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.release()

    def acquire(self) -> None:
        """Wait up to the timeout for the lock, then raise LockTimeout naming the holder."""
        key = str(self.path)
        with _held_guard:
            if _held.get(key):
                _held[key] += 1
                return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fcntl is None:  # pragma: no cover - Windows
            self._acquire_filelock()
        else:
            self._acquire_flock()
        with _held_guard:
            _held[key] = 1

    def _acquire_flock(self) -> None:
        try:  # never through a link, never blocking on a pipe planted under the lock's name
            fd = os.open(self.path, _LOCK_FLAGS, 0o644)
        except OSError as exc:
            raise RepoError(f"cannot open the repository lock file: {exc.strerror}", path=self.path,
                            hint="it must be a regular file (or absent); delete it") from None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_owner(self.path)
                    os.close(fd)
                    raise self._timeout_error(holder) from None
                time.sleep(_POLL_S)
        self._fd = fd
        _write_owner(self.path)

    def _acquire_filelock(self) -> None:  # pragma: no cover - Windows
        import filelock

        lock = filelock.FileLock(str(self.path) + ".fl")
        try:
            lock.acquire(timeout=self.timeout)
        except filelock.Timeout:
            raise self._timeout_error("another kb process") from None
        self._fallback = lock

    def _timeout_error(self, holder: str) -> LockTimeout:
        return LockTimeout(
            f"repository is locked by {holder or 'another process'}; gave up after {self.timeout:g} s",
            path=self.root,
            hint="wait for the other kb command to finish and retry (KB_LOCK_TIMEOUT sets the wait)",
        )

    def release(self) -> None:
        """Release one level of the lock; the OS lock goes when the outermost level ends."""
        key = str(self.path)
        with _held_guard:
            count = _held.get(key, 0)
            if count > 1:
                _held[key] = count - 1
                return
            _held.pop(key, None)
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()  # type: ignore[attr-defined]
            self._fallback = None


def try_lock(repo_root: Path) -> RepoLock | None:
    """The lock if it is free right now (used by readers to run recovery), else None."""
    lock = RepoLock(repo_root, timeout=0)
    try:
        lock.acquire()
    except (LockTimeout, RepoError, OSError):
        return None
    return lock


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@contextmanager
def reading(repo_root: Path, timeout: float | None = None) -> Iterator[bool]:
    """Hold the repository's lock shared while reading something that must be seen whole (alias
    files and folders together): waits, at most ``timeout`` seconds, for a kb writer in the middle
    of a change. Yields whether the lock is held: False without a lock file (no kb writer has
    written here), in a read-only checkout, on Windows, or when the wait ran out. Creates nothing."""
    path = lock_path(Path(repo_root))
    with _held_guard:
        mine = bool(_held.get(str(path)))
    if mine or fcntl is None:
        yield mine
        return
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        yield False
        return
    try:
        yield _wait_shared(fd, default_timeout() if timeout is None else timeout)
    finally:
        os.close(fd)  # closing releases the shared lock


def _wait_shared(fd: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)
        except OSError:
            return False


def _owner_line() -> str:
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:4]))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    return f"pid {os.getpid()} ({command[:120]}) since {stamp}\n"


_NOTE_BYTES = 4096
_NOTE_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _owner_folder() -> Path | None:
    """This user's own folder for lock notes under the temporary folder (mode 0700, owned by us,
    not a link), or None: in a shared /tmp another user could plant the folder or a link in it,
    and a note written through that link would overwrite a file of ours."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"kb-lock-owners-{uid}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        found = os.lstat(folder)
    except OSError:
        return None
    mine = stat.S_ISDIR(found.st_mode) and found.st_uid == uid and not found.st_mode & 0o077
    return folder if mine else None


def _owner_file(path: Path) -> Path | None:
    """Who holds a lock is noted outside the repository, so taking the lock changes no file in it."""
    folder = _owner_folder()
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return None if folder is None else folder / f"{digest}.txt"


def _write_owner(path: Path) -> None:
    """Note this process as the holder: never through a link, only into a regular file."""
    try:
        owner = _owner_file(path)
        if owner is None:
            return
        fd = os.open(owner, os.O_WRONLY | os.O_CREAT | _NOTE_FLAGS, 0o600)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.ftruncate(fd, 0)
                os.write(fd, _owner_line().encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        pass  # only used for the timeout message


def _read_owner(path: Path) -> str:
    try:
        owner = _owner_file(path)
        if owner is None:
            return ""
        fd = os.open(owner, os.O_RDONLY | _NOTE_FLAGS)
        try:
            text = os.read(fd, _NOTE_BYTES) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
        finally:
            os.close(fd)
        return text.decode("utf-8", "replace").strip()
    except OSError:
        return ""
