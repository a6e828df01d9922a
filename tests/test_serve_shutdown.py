"""``graphsvc serve`` stops gracefully on SIGTERM and on Ctrl-C, also in the middle of a computation of
the global measures in its worker process: it exits within seconds with status 0, no process of it
is left (not the worker, not multiprocessing's resource tracker), and nothing leaks.

A real server on a synthetic city, with every brokers and communities computation sent to the
worker process (``GRAPHSVC_MEASURES_PROCESS_NODES=0``); a write and a brokers query start a
computation, and the signal is sent once the worker is seen computing (its CPU time grows).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graphsvc.engine import Engine
from graphsvc.engine.trust import issue_token
from graphsvc.engine.view import Role
from graphsvc.generate import generate_city
from graphsvc.store import open_store

from .processes import GRAPHSVC, Output, free_port, poll_until
from .serving import READY

FRESHNESS = "{ brokers(first: 1) { freshness { pending stale } } communities { freshness { pending stale } } }"
RESIDENTS = "{ stakeholders(kinds: [RESIDENT], first: 100) { nodes { id } } }"
LINK = (
    "mutation ($a: ID!, $b: ID!) { link(input: {kind: KNOWS, sourceId: $a, targetId: $b}) { userErrors { message } } }"
)
EXIT_SECONDS = 5.0  # "within a few seconds"


# -- processes, from /proc ---------------------------------------------------------------------------
def stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat(int(entry.name))
            if fields is not None and fields[1] == str(pid):
                try:
                    found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
    return found


def alive(pid: int) -> bool:
    fields = stat(pid)
    return fields is not None and fields[0] != "Z"


def cpu_ticks(pid: int) -> int:
    fields = stat(pid)
    return -1 if fields is None else int(fields[11]) + int(fields[12])  # utime + stime


# -- the server --------------------------------------------------------------------------------------
@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Output
    token: str  # an editor's: it writes and asks for brokers

    def ask(self, query: str, variables: dict | None = None) -> dict:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic city of 6,000 stakeholders: its measures take the worker a good part of a second."""
    path = tmp_path_factory.mktemp("shutdown") / "city.sqlite"
    store = open_store(path)
    Engine(store).import_document(generate_city(6000, 40_000, seed=5))
    store.close()
    return path


@pytest.fixture(scope="module")
def editor(city: Path) -> str:
    store = open_store(city)
    try:
        return issue_token(store, Role.EDITOR)[0]
    finally:
        store.close()


@pytest.fixture
def server(city: Path, editor: str) -> Iterator[Server]:
    port = free_port()
    env = {
        **os.environ,
        "GRAPHSVC_STORE": str(city),
        "GRAPHSVC_HOST": "127.0.0.1",
        "GRAPHSVC_PORT": str(port),
        "GRAPHSVC_DEMO": "false",
        "GRAPHSVC_MEASURES_PROCESS_NODES": "0",
    }
    process = subprocess.Popen(
        [GRAPHSVC, "serve", "--log-level", "info"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a shell gives a command run in a terminal
    )
    assert process.stderr is not None
    running = Server(process, f"http://127.0.0.1:{port}", Output(process.stderr), editor)
    try:
        if not running.log.wait_for(READY, timeout=120):
            pytest.fail("graphsvc serve did not come up:\n" + running.log.text)
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        running.log.wait_closed(timeout=10)


def start_a_computation(server: Server) -> int:
    """A write and a brokers query, until the worker process is seen computing (its CPU time grows
    while brokers or communities are stale). Returns its pid."""
    deadline = time.monotonic() + 120
    residents = [n["id"] for n in server.ask(RESIDENTS)["stakeholders"]["nodes"]]
    pairs = zip(residents[::2], residents[1::2], strict=True)

    def write() -> None:  # a new tie: brokers and communities are stale, computed again in the background
        for a, b in pairs:
            if not server.ask(LINK, {"a": a, "b": b})["link"]["userErrors"]:  # else tied already
                server.ask(FRESHNESS)
                return
        pytest.fail("no pair of residents left to tie")

    def fresh() -> bool:
        return not any(f["freshness"]["pending"] or f["freshness"]["stale"] for f in server.ask(FRESHNESS).values())

    write()  # computed in the background, so in the worker process (a small graph's first answer is not)
    while not fresh():
        assert time.monotonic() < deadline, "brokers and communities computed within seconds"
        time.sleep(0.1)
    (worker,) = [pid for pid, command in children(server.process.pid).items() if "spawn_main" in command]
    ticks = -1
    while ticks != cpu_ticks(worker):  # idle
        assert time.monotonic() < deadline, "the worker process settles"
        ticks = cpu_ticks(worker)
        time.sleep(0.3)
    while time.monotonic() < deadline:
        write()
        before = cpu_ticks(worker)
        while not fresh():
            if cpu_ticks(worker) > before:
                return worker
            time.sleep(0.02)
    pytest.fail("the worker process was never seen computing")


def stop_and_check(server: Server, worker: int, send: signal.Signals, to_group: bool) -> float:
    """Send ``send`` while the worker computes; the time the server took to exit."""
    pids = children(server.process.pid)
    assert worker in pids and len(pids) >= 2, "the worker and multiprocessing's resource tracker"
    sent = time.monotonic()
    if to_group:
        os.killpg(server.process.pid, send)  # Ctrl-C in a terminal reaches every process of the group
    else:
        server.process.send_signal(send)
    try:
        status = server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"graphsvc serve still running 30 s after {send.name}:\n" + server.log.text)
    took = time.monotonic() - sent
    poll_until(lambda: not any(alive(pid) for pid in pids), EXIT_SECONDS)  # they end when the pipes to it close
    server.log.wait_closed(timeout=10)
    log = server.log.text
    assert status == 0, f"exit status {status}:\n{log}"
    assert took < EXIT_SECONDS, f"took {took:.1f} s to stop:\n{log}"
    assert not {pid: command for pid, command in pids.items() if alive(pid)}, "left running"
    assert "leaked semaphore" not in log and "Traceback" not in log, log
    assert "Shutting down" in log and "Finished server process" in log, log
    return took


def test_sigterm_stops_the_server_within_seconds_in_the_middle_of_a_computation(server: Server):
    worker = start_a_computation(server)
    took = stop_and_check(server, worker, signal.SIGTERM, to_group=False)
    print(f"SIGTERM: stopped in {took:.2f} s")


def test_ctrl_c_stops_the_server_within_seconds_in_the_middle_of_a_computation(server: Server):
    worker = start_a_computation(server)
    took = stop_and_check(server, worker, signal.SIGINT, to_group=True)
    print(f"Ctrl-C: stopped in {took:.2f} s")
