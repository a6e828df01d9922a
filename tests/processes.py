"""Child processes in tests, waited on for what they say rather than for a fixed time.

``Output`` reads what a process writes to a pipe as it comes (in a thread, so the pipe never fills)
and wakes whoever waits for a text in it. ``serving`` runs ``graphsvc serve`` until uvicorn says it
is listening. ``poll_until`` is for the few conditions no process announces (the size of a file).
"""

from __future__ import annotations

import codecs
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))
LISTENING = "Uvicorn running on"  # what uvicorn logs (at info) once its socket accepts connections


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

    def wait_for(self, text: str, timeout: float) -> bool:
        """Whether ``text`` was written within ``timeout`` seconds (False as soon as the pipe closes without it)."""
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


@dataclass
class Served:
    url: str
    stdout: Output
    stderr: Output


@contextmanager
def serving(store: Path | str, *extra: str, timeout: float = 60.0) -> Iterator[Served]:
    """``graphsvc serve`` on a free port of 127.0.0.1 until the block ends, from the moment uvicorn
    says it listens; then stopped by its process id."""
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE": str(store), "GRAPHSVC_PORT": str(port), "GRAPHSVC_HOST": "127.0.0.1"}
    command = [GRAPHSVC, "serve", *extra, "--log-level", "info"]  # info: uvicorn says when it listens
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    served = Served(f"http://127.0.0.1:{port}", Output(process.stdout), Output(process.stderr))
    try:
        if not served.stderr.wait_for(LISTENING, timeout):
            raise RuntimeError(f"graphsvc serve did not come up: {served.stderr.text[-2000:]}")
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        served.stdout.wait_closed(timeout=10)
