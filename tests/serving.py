"""A real ``graphsvc serve`` (uvicorn) on a free 127.0.0.1 port, for tests that talk to it over HTTP.

The server is ready when uvicorn says so on its log (an event read from the process's stderr, not
a guess of how long start-up takes); it is stopped by its pid.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))
READY = "Application startup complete"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(store: Path, settings: Mapping[str, str] | None = None, timeout: float = 120) -> Iterator[str]:
    """Serve ``store`` (the demo city is loaded when it is empty) with ``GRAPHSVC_*`` ``settings``;
    yields the base URL. The server's log is printed when the test fails."""
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE": str(store), "GRAPHSVC_PORT": str(port), **(settings or {})}
    process = subprocess.Popen(
        [GRAPHSVC, "serve", "--log-level", "info"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                raise RuntimeError("graphsvc serve stopped before it was ready:\n" + "".join(log))
            if READY in line:
                break
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        sys.stderr.write("".join(log[-40:]))
