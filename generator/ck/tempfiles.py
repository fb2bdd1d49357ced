"""Hidden temp files and folders that become repository files: modes as CK and Git expect them.

``tempfile.mkstemp``/``mkdtemp`` create 0600 files and 0700 folders, which a rename then publishes:
a repository shared through Git or a web server breaks. CK creates files with ``open(…, 'w')`` and
folders with ``os.mkdir``, so the umask decides (0644/0755 under the usual 022); rewriting a file
keeps its mode. The helpers here do the same; the kernel applies the umask, no process-wide
``os.umask`` dance is needed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_ATTEMPTS = 100
FILE_MODE = 0o666  # minus the umask, as open(path, "w") creates files
DIR_MODE = 0o777  # minus the umask, as os.mkdir creates folders


def _random_suffix() -> str:
    return os.urandom(6).hex()  # no '-': journal.py reads '<prefix><pid>-<suffix>'


def create_temp_file(folder: Path, prefix: str) -> tuple[int, Path]:
    """A new file ``folder/<prefix><random>`` opened for writing, mode 0666 minus the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(_ATTEMPTS):
        path = folder / f"{prefix}{_random_suffix()}"
        try:
            return os.open(path, flags, FILE_MODE), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover - 2**48 names


def create_temp_dir(folder: Path, prefix: str) -> Path:
    """A new folder ``folder/<prefix><random>``, mode 0777 minus the umask."""
    for _ in range(_ATTEMPTS):
        path = folder / f"{prefix}{_random_suffix()}"
        try:
            os.mkdir(path, DIR_MODE)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover - 2**48 names


def keep_mode(fd: int, existing: Path) -> None:
    """Give a staged replacement the permission bits of the regular file it will replace (if any)."""
    try:
        info = os.lstat(existing)
    except OSError:
        return
    if stat.S_ISREG(info.st_mode):
        os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o777)  # never copy setuid/setgid/sticky
