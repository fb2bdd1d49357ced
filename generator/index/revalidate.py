"""The background full scan a query starts after its quick check (see ``freshness.py``).

``kb search`` answers from the index once the quick signature matches, then starts this as a
detached process (``python -m generator.index.revalidate FOLDER REPO...``) so that an in-place edit
no quick check can see is in the index by the next query. It runs under the index lock, like any
refresh, prints nothing and leaves the index as it was on any error: the next query's own checks
still apply.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from generator.ck.store import Repo
from generator.index.kb_index import KbIndex

_running: list[Any] = []  # Popen objects, kept so a long-lived caller reaps them and is never warned


def spawn(index: KbIndex) -> None:
    """Start a detached full refresh of this index (best effort: a failure to start is ignored)."""
    import subprocess  # here: most queries start nothing

    _running[:] = [proc for proc in _running if proc.poll() is None]
    argv = [sys.executable, "-m", "generator.index.revalidate", str(index.folder),
            *(str(repo.path) for repo in index.repos)]  # fmt: skip
    with suppress(OSError):
        _running.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True))  # fmt: skip


def main(argv: Sequence[str]) -> int:
    """Refresh the index in FOLDER for the repositories given; 0 when it is current afterwards."""
    if len(argv) < 2:
        return 2
    folder, *paths = argv
    index: KbIndex | None = None
    try:
        index = KbIndex([Repo.open(path, recover=False) for path in paths], Path(folder))
        index.refresh()
    except Exception:  # a background job has no one to tell; the next query checks again
        return 1
    finally:
        if index is not None:
            index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
