"""A real Neo4j Community server for the tests, started from jars that Maven resolves.

``tests/neo4j_launcher`` is a Maven project with a tiny Java main (``Launcher.java``) that
embeds Neo4j with Bolt on 127.0.0.1 and authentication on, keeps the data in a folder on disk
and prints ``READY bolt://127.0.0.1:<port> <version>`` once it answers. ``launcher`` builds
it with ``mvn -B -q package`` the first time (the jars go into ``~/.m2``: the first run
downloads about 200 MB, later runs start in seconds) and checks that the jars resolved are
exactly those in ``deps-<version>.lock``.

``Neo4jServer`` runs one such JVM: ``start`` waits for the ready line on its standard output
(no polling) or for the JVM to end, and then raises ``Neo4jNotStarted`` naming the cause;
``stop`` closes its standard input (a clean shutdown); ``kill`` sends SIGKILL (what survives is
what Neo4j's transaction log promised). A restart uses the same folder and port. The JVM also
ends when the test process does, however that ends (its standard input closes).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j

if TYPE_CHECKING:
    from graphsvc.store.neo4j import Neo4jStore

LAUNCHER = Path(__file__).parent / "neo4j_launcher"
LTS = "5.26.30"  # the version in pom.xml; Java 17
CALENDAR = "2026.08.1"  # the version of pom.xml's 'calendar' profile; Java 21 or newer
USER = "graphsvc"
HEAP = os.environ.get("GRAPHSVC_TEST_NEO4J_HEAP", "1g")
START_SECONDS = 600.0  # a cold JVM on a 2-core machine shared by other runs (load 28: over 180 s); idle: 10 s


class Neo4jNotStarted(RuntimeError):
    """Neo4j could not be built or started; the message names the cause."""


@dataclass(frozen=True)
class Release:
    version: str
    java_feature: int  # the lowest Java feature release it runs on
    profile: str | None


RELEASES = {"lts": Release(LTS, 17, None), "calendar": Release(CALENDAR, 21, "calendar")}


def java_home(least: int) -> Path:
    """A JDK of Java ``least`` or newer: ``$GRAPHSVC_TEST_JAVA<least>_HOME``, ``$JAVA_HOME``, the ``java``
    on the PATH, or the newest JDK under /usr/lib/jvm (where Debian's and Temurin's packages go)."""
    candidates = [os.environ.get(f"GRAPHSVC_TEST_JAVA{least}_HOME"), os.environ.get("JAVA_HOME")]
    on_path = shutil.which("java")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parents[1]))
    jvms = Path("/usr/lib/jvm")
    if jvms.is_dir():
        candidates += sorted((str(p) for p in jvms.iterdir()), key=lambda p: -_feature(Path(p)))
    for candidate in candidates:
        if candidate and _feature(Path(candidate)) >= least:
            return Path(candidate)
    raise Neo4jNotStarted(
        f"no Java {least} or newer found (set GRAPHSVC_TEST_JAVA{least}_HOME to a JDK's folder; "
        f"looked at {', '.join(c for c in candidates if c) or 'nothing'})"
    )


def _feature(home: Path) -> int:
    """The Java feature release of the JDK in ``home`` (17 for 17.0.15), 0 if it is none."""
    try:
        text = (home / "release").read_text()
    except OSError:
        return 0
    found = re.search(r'^JAVA_VERSION="(\d+)', text, re.MULTILINE)
    return int(found.group(1)) if found and (home / "bin" / "java").exists() else 0


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (parallel test processes build the launcher once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def launcher(release: Release) -> tuple[Path, str]:
    """The JDK and class path that run ``Launcher`` for ``release``, building it first if needed."""
    java = java_home(release.java_feature)
    target = LAUNCHER / "target" / release.version
    classpath_file = target / "classpath.txt"
    stamp = target / "built"  # touched after each build (Maven leaves an unchanged class path file as it was)
    sources = [LAUNCHER / "pom.xml", *sorted((LAUNCHER / "src").rglob("*.java"))]
    with _locked(LAUNCHER / "target" / "build.lock"):
        built = stamp.exists() and stamp.stat().st_mtime > max(s.stat().st_mtime for s in sources)
        if not built:
            _build(release, java)
            stamp.touch()
        _check_lock(release, target / "deps.txt")
    return java, f"{target / 'classes'}{os.pathsep}{classpath_file.read_text().strip()}"


def _build(release: Release, java: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jNotStarted("Maven (mvn) is not installed: it resolves Neo4j's jars for the tests")
    command = [mvn, "-B", "-q", "--strict-checksums", "package"]
    if release.profile:
        command.append(f"-P{release.profile}")
    env = {**os.environ, "JAVA_HOME": str(java)}
    started = time.monotonic()
    print(f"building the Neo4j {release.version} launcher with Maven (the first run downloads Neo4j)", file=sys.stderr)
    result = subprocess.run(command, cwd=LAUNCHER, env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        errors = [line for line in output if "ERROR" in line][:5] or output[-5:]
        raise Neo4jNotStarted(f"Maven could not build the Neo4j {release.version} launcher: " + " | ".join(errors))
    print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)


def resolved_artifacts(listing: Path) -> list[str]:
    """``group:artifact:jar:version`` of every jar in a ``dependency:list`` output, sorted."""
    found = re.findall(r"^\s+(\S+:\S+:jar:\S+)", listing.read_text(), re.MULTILINE)
    return sorted(found)


def _check_lock(release: Release, listing: Path) -> None:
    lock = LAUNCHER / f"deps-{release.version}.lock"
    resolved = resolved_artifacts(listing)
    if not lock.exists():  # a new version: write its lock, to be committed with the pom
        lock.write_text("\n".join(resolved) + "\n")
        return
    pinned = lock.read_text().split()
    if resolved != pinned:
        extra = sorted(set(resolved) - set(pinned))[:5]
        missing = sorted(set(pinned) - set(resolved))[:5]
        raise Neo4jNotStarted(f"Maven resolved other jars than {lock.name} pins: new {extra}, gone {missing}")


def _die_with_parent() -> None:
    """In the JVM's process before it starts (Linux): SIGKILL it when the test process ends, however."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Neo4jServer:
    """One Neo4j JVM with its data in ``home``; ``start``/``stop``/``kill`` may repeat on the same port."""

    def __init__(self, home: Path, release: str = "lts", settings: dict[str, str] | None = None, heap: str = HEAP):
        self.home = home
        self.heap = heap
        self.release = RELEASES[release]
        self.settings = dict(settings or {})
        self.password = secrets.token_urlsafe(16)  # per server: nothing secret is in the repository
        self.port = 0  # any free port the first time, the same one after
        self.version = ""
        self.process: subprocess.Popen | None = None
        self.start_seconds: list[float] = []

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (USER, self.password)

    @property
    def log(self) -> Path:
        return self.home / "launcher.log"

    def wipe(self) -> None:
        self.database.wipe()

    def start(self, timeout: float = START_SECONDS) -> None:
        started = time.monotonic()
        java, classpath = launcher(self.release)
        self.home.mkdir(parents=True, exist_ok=True)
        command = [str(java / "bin" / "java"), f"-Xmx{self.heap}", "-XX:+UseG1GC", "-cp", classpath]
        command += ["graphsvc.testing.Launcher", str(self.home), str(self.port), USER]
        command += [f"{key}={value}" for key, value in self.settings.items()]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, "GRAPHSVC_TEST_NEO4J_PASSWORD": self.password},  # not in the process list
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                preexec_fn=_die_with_parent,
            )
        line = self._ready_line(timeout)
        found = re.fullmatch(r"READY bolt://127\.0\.0\.1:(\d+) (\S+)", line)
        if not found:
            cause = self._cause(line)
            self.kill()
            raise Neo4jNotStarted(f"Neo4j {self.release.version} did not start: {cause}")
        self.port, self.version = int(found.group(1)), found.group(2)
        self.start_seconds.append(time.monotonic() - started)

    def _ready_line(self, timeout: float) -> str:
        """The JVM's first line on stdout, or '' if it ended or stayed silent for ``timeout`` seconds."""
        assert self.process is not None and self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return ""
        return self.process.stdout.readline().decode(errors="replace").strip()

    def _cause(self, line: str) -> str:
        if line:  # not the ready line: the JVM's own error, then what follows it (the reason)
            assert self.process is not None and self.process.stdout is not None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
            rest = (
                self.process.stdout.read().decode(errors="replace").split() if self.process.poll() is not None else []
            )
            return f"it said {' '.join([line, *rest])[:300]!r}"
        exited = self.process is not None and self.process.poll() is not None
        lines = self.log.read_text(errors="replace").strip().splitlines() if self.log.exists() else []
        errors = [x for x in lines if "Exception" in x or "Error" in x or "error" in x][-3:] or lines[-3:]
        why = " | ".join(x.strip() for x in errors) or "no output"
        return f"{'the JVM ended' if exited else 'no answer in time'}: {why} (see {self.log})"

    def stop(self, timeout: float = 60) -> None:
        """A clean shutdown: close the JVM's standard input and wait for it to end."""
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._forget()

    def kill(self) -> None:
        """SIGKILL the JVM: no shutdown, no flush; a restart recovers from the transaction log."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self._forget()

    def _forget(self) -> None:
        assert self.process is not None
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self.process = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def database(self) -> Database:
        return Database(self.uri, USER, self.password)


@dataclass(frozen=True)
class Database:
    """Where a Neo4j database is and how to log in: the server started here, or one named from outside."""

    uri: str
    user: str
    password: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, connection_acquisition_timeout=10)

    def store(self, **options: Any) -> Neo4jStore:
        """graphsvc's store on this database (``options``: its connect and retry seconds)."""
        from graphsvc.store.neo4j import Neo4jStore

        return Neo4jStore(self.uri, user=self.user, password=self.password, **options)

    @property
    def login(self) -> dict[str, str]:
        """The environment that gives ``graphsvc`` commands this user and password."""
        return {"GRAPHSVC_NEO4J_USER": self.user, "GRAPHSVC_NEO4J_PASSWORD": self.password}

    def wipe(self) -> None:
        """Delete every node and relationship (constraints and indexes stay)."""
        with self.driver() as driver, driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
