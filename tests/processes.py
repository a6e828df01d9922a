"""Child processes in tests, waited on for what they say rather than for a fixed time.

``Output`` reads what a process writes to a pipe as it comes (in a thread, so the pipe never fills)
and wakes whoever waits for a text in it. ``poll_until`` is for the few conditions no process
announces (the size of a file). ``serving.py`` runs ``graphsvc serve`` with them.
"""

from __future__ import annotations

import codecs
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))


class Output:
    """What a process writes to one pipe, kept as text; ``tee`` names a file that gets a copy."""

    def __init__(self, pipe: IO[bytes], tee: Path | None = None):
        self.text = ""
        self.closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(pipe, tee), name="test-output", daemon=True).start()

    def _read(self, pipe: IO[bytes], tee: Path | None) -> None:
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        with open(tee, "ab") if tee else open(os.devnull, "wb") as copy:
            while chunk := os.read(pipe.fileno(), 65536):
                copy.write(chunk)
                copy.flush()
                with self._changed:
                    self.text += decode(chunk)
                    self._changed.notify_all()
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float | None) -> bool:
        """Whether ``text`` was written within ``timeout`` seconds (None: however long it takes); False
        as soon as the pipe closes without it."""
        with self._changed:
            self._changed.wait_for(lambda: text in self.text or self.closed, timeout)
            return text in self.text

    def wait_closed(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.closed, timeout)


def poll_until(condition: Callable[[], bool], timeout: float, every: float = 0.01) -> bool:
    """Whether ``condition()`` came true within ``timeout`` seconds, asked every ``every`` seconds:
    only for what no process announces."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
