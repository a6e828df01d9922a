"""A real ``graphsvc serve`` (uvicorn) on a free 127.0.0.1 port, for tests that talk to it over HTTP.

The server is ready when uvicorn says it listens (read from the process's stderr as it comes, not a
guess of how long start-up takes); it is stopped by its pid, and its log is printed for a failing test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .processes import GRAPHSVC, Output, free_port

# What uvicorn logs (at info) once its socket accepts connections; "Application startup complete"
# comes before the socket is bound.
READY = "Uvicorn running on"

__all__ = ["GRAPHSVC", "Served", "free_port", "served", "serving"]


@dataclass
class Served:
    url: str
    stdout: Output
    stderr: Output  # the log


@contextmanager
def served(
    store: Path | str, settings: Mapping[str, str] | None = None, *args: str, timeout: float = 120
) -> Iterator[Served]:
    """Serve ``store`` (the demo city is loaded when it is empty) with ``GRAPHSVC_*`` ``settings`` and
    command-line ``args``, until the block ends."""
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE": str(store), "GRAPHSVC_PORT": str(port), "GRAPHSVC_HOST": "127.0.0.1"}
    command = [GRAPHSVC, "serve", *args, "--log-level", "info"]  # info: uvicorn says when it listens
    process = subprocess.Popen(command, env={**env, **(settings or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    server = Served(f"http://127.0.0.1:{port}", Output(process.stdout), Output(process.stderr))
    try:
        if not server.stderr.wait_for(READY, timeout):
            raise RuntimeError(f"graphsvc serve did not come up within {timeout} s:\n{server.stderr.text}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.stdout.wait_closed(timeout=10)
        server.stderr.wait_closed(timeout=10)
        sys.stderr.write("".join(server.stderr.text.splitlines(keepends=True)[-40:]))


@contextmanager
def serving(store: Path | str, settings: Mapping[str, str] | None = None, timeout: float = 120) -> Iterator[str]:
    """``served``, for a test that needs only the base URL."""
    with served(store, settings, timeout=timeout) as server:
        yield server.url
