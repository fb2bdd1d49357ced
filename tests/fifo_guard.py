"""A named pipe planted where a data file belongs, with a rescuer that unblocks a stuck reader.

A reader that opens a FIFO without O_NONBLOCK waits for a writer forever. So that a regression
fails a test instead of hanging the suite, the rescuer opens every planted pipe for writing once
``patience`` seconds have passed (which releases the reader with an empty read) and records that
it had to: ``rescued`` is then True and the test fails.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path


class FifoGuard:
    """Plants FIFOs and releases readers stuck on them after ``patience`` seconds."""

    def __init__(self, patience: float = 30.0) -> None:
        self.patience = patience
        self.pipes: list[Path] = []
        self.rescued: list[Path] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._rescue, daemon=True)
        self._thread.start()

    def plant(self, path: Path) -> Path:
        """Replace ``path`` (file or nothing) by a named pipe."""
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        self.pipes.append(path)
        return path

    def _rescue(self) -> None:
        if self._done.wait(self.patience):
            return
        while not self._done.is_set():
            for pipe in list(self.pipes):
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
                except OSError as exc:
                    if exc.errno not in (errno.ENXIO, errno.ENOENT):
                        raise
                    continue  # nobody is reading it
                os.close(fd)
                self.rescued.append(pipe)
            time.sleep(0.05)

    def stop(self) -> None:
        """End the rescuer (call in teardown)."""
        self._done.set()
        self._thread.join()
