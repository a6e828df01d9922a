"""The ``graphsvc`` console command, run as a user runs it: a real process on a real file."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .networks import karate_document
from .processes import Output, poll_until

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GRAPHSVC, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def city_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "city.json"
    result = run("generate", "--stakeholders", "20000", "--relations", "300000", "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_import_stats_export_round_trip(tmp_path: Path):
    from graphsvc.resources import seed_path

    store = str(tmp_path / "g.sqlite")
    imported = run("import", "--quiet", "--store", store, str(seed_path()))
    assert imported.returncode == 0, imported.stderr
    assert "imported" in imported.stdout
    stats = json.loads(run("stats", "--json", env={"GRAPHSVC_STORE": store}).stdout)
    assert stats["version"] == 1 and stats["nodes"]["WIJKPARTNER"] > 5
    out = tmp_path / "out.json"
    assert run("export", "--store", store, "--out", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert sum(stats["relations"].values()) == len(exported["relations"])
    graphml = run("export", "--store", store, "--format", "graphml")
    assert graphml.stdout.startswith("<?xml")


def test_a_later_import_is_checked_against_what_the_store_holds(tmp_path: Path):
    from graphsvc.resources import seed_path

    store = str(tmp_path / "g.sqlite")
    assert run("import", "--quiet", "--store", store, str(seed_path())).returncode == 0
    before = json.loads(run("stats", "--json", "--store", store).stdout)
    ties = tmp_path / "ties.csv"
    ties.write_text("kind,source,target\nWORKS_ON,dock-utrecht,oke-nu\nKNOWS,dock-utrecht,nobody\n")
    refused = run("import", "--quiet", "--store", store, str(ties))
    assert refused.returncode == 2
    assert "ties.csv:3.target: no stakeholder, meeting or area with id 'nobody'" in refused.stderr
    ties.write_text("kind,source,target\nWORKS_ON,dock-utrecht,oke-nu\n")
    assert run("import", "--quiet", "--store", store, str(ties)).returncode == 0
    after = json.loads(run("stats", "--json", "--store", store).stdout)
    assert after["version"] == before["version"] + 1
    assert sum(after["relations"].values()) == sum(before["relations"].values()) + 1


def test_errors_are_one_line_each_and_exit_non_zero(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"stakeholders": [{"id": "x", "kind": "ROBOT", "name": "X"}]}))
    result = run("import", "--quiet", "--store", str(tmp_path / "g.sqlite"), str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "graphsvc: error: bad.json:stakeholders[0].kind: 'ROBOT' is not one of INITIATIVE, MEETING, "
        "MUNICIPALITY_ROLE, ORGANISATION, RESIDENT, WIJKPARTNER"
    ]
    missing = run("import", "--quiet", "--store", str(tmp_path / "g.sqlite"), str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json: cannot read the file" in missing.stderr
    assert "Traceback" not in missing.stderr
    url = run("stats", "--store", "http://example.org/db")
    assert url.returncode == 2 and "not a store location" in url.stderr


def test_generate_makes_the_same_city_whatever_the_hash_seed(tmp_path: Path):
    """Seeded means the same file in every process (str hashes, and so set order, vary per process)."""
    made = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"city-{hash_seed}.json"
        args = ("generate", "--stakeholders", "500", "--relations", "2500", "--seed", "4", "--out", str(out))
        assert run(*args, env={"PYTHONHASHSEED": hash_seed}).returncode == 0
        made.append(out.read_bytes())
    assert made[0] == made[1]


# When to kill ``graphsvc import``: at each step its progress bar (stderr) names, in the middle of
# its write, and once it has said it imported. What a step says is awaited; that the write is under
# way no process says, so the store's write-ahead log is watched until it holds a MiB.
TIMEOUT = 120
KILL_WHEN = {
    "reading": lambda importing: importing.progress.wait_for("reading", TIMEOUT),
    "validating": lambda importing: importing.progress.wait_for("validating and writing", TIMEOUT),
    "writing": lambda importing: (
        importing.progress.wait_for("validating and writing", TIMEOUT)
        and poll_until(lambda: wal_bytes(importing.store) > 2**20, TIMEOUT)
    ),
    "imported": lambda importing: importing.said.wait_for("imported", TIMEOUT),
}


@dataclass
class Import:
    """``graphsvc import`` of one file into ``store``, running: what it says, as it says it."""

    process: subprocess.Popen
    store: Path
    progress: Output  # stderr
    said: Output  # stdout

    @classmethod
    def start(cls, store: Path, file: Path) -> Import:
        process = subprocess.Popen(
            [GRAPHSVC, "import", "--store", str(store), str(file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None and process.stderr is not None
        return cls(process, store, Output(process.stderr), Output(process.stdout))


def wal_bytes(store: Path) -> int:
    wal = Path(f"{store}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_process_killed_during_an_import_leaves_all_or_nothing(tmp_path: Path, city_file: Path):
    total = len(json.loads(city_file.read_text())["relations"])
    counts = {}
    for moment, reached in KILL_WHEN.items():
        importing = Import.start(tmp_path / f"kill-{moment}.sqlite", city_file)
        assert reached(importing), f"the import never got to {moment}: {importing.progress.text[-500:]}"
        importing.process.send_signal(signal.SIGKILL)
        importing.process.wait()
        stats = json.loads(run("stats", "--json", "--store", str(importing.store)).stdout)
        counts[moment] = sum(stats["relations"].values())
    assert set(counts.values()) <= {0, total}, f"all or nothing, of {total}: {counts}"
    assert counts["reading"] == 0 and counts["imported"] == total


def test_the_readme_documents_every_setting():
    from graphsvc.settings import Settings

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for env, flag, doc in Settings.documented():
        assert f"| `{env}` | `{flag}` | {doc} |" in readme, env


def test_stale_lists_facts_nobody_confirmed_for_a_mailing_without_residents_names(tmp_path: Path):
    from .test_policy import CITY  # every fact in it was last confirmed on 2020-01-01

    (tmp_path / "city.json").write_text(json.dumps(CITY))
    store = str(tmp_path / "g.sqlite")
    assert run("import", "--quiet", "--store", store, str(tmp_path / "city.json")).returncode == 0
    listed = run("stale", "--store", store)
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    objected = "k-res-objected-x3"  # objected to the processing (AVG art. 21): in no list, nor its ties
    facts = [s for s in CITY["stakeholders"] if s["id"] != objected] + [
        r for r in CITY["relations"] if objected not in (r["source"], r["target"])
    ]
    assert listed.returncode == 0 and len(rows) == len(facts)
    assert {r["confirmed"] for r in rows} == {"2020-01-01"} and {r["stale_from"] for r in rows} == {"2021-01-01"}
    assert "Vereniging Alpha" in listed.stdout and "Pieter Geheim" not in listed.stdout  # residents by key only
    amstelveen = list(csv.DictReader(io.StringIO(run("stale", "--store", store, "--municipality", "GM0362").stdout)))
    assert amstelveen and all("GM0362" in r["municipality"] for r in amstelveen)
    assert run("stale", "--store", store, "--stale-after", "*=100000").stdout.count("\n") == 1  # the header only
    bad = run("stale", "--store", store, "--municipality", "Utrecht")
    assert bad.returncode == 2 and "GM0344" in bad.stderr


def test_evaluate_runs_the_time_protocol_only_where_relations_have_dates(tmp_path: Path, capsys):
    # In-process (main() is what the console script calls): the karate club has no dates, so by
    # default only the random protocol runs, and the output says why time did not.
    from graphsvc.cli import main

    assert main(["evaluate", "--network", "karate", "--quiet"]) == 0
    shown = capsys.readouterr().out
    assert "| random | recommender |" in shown and "| time |" not in shown
    assert "time: not run: the time protocol needs relations with a 'since' date" in shown
    assert main(["evaluate", "--network", "karate", "--quiet", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert set(found) == {"random", "skipped"} and "'since' date" in found["skipped"]["time"]

    assert main(["evaluate", "--network", "karate", "--protocol", "time", "--quiet"]) == 2
    refused = capsys.readouterr()
    assert refused.out == ""
    assert refused.err == (
        "graphsvc: error: --protocol: the time protocol needs relations with a 'since' date, "
        "and none of these has one: use the random protocol\n"
    )

    dated = karate_document()
    for i, relation in enumerate(dated["relations"]):
        relation["since"] = f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}"
    path = tmp_path / "dated-karate.json"
    path.write_text(json.dumps(dated))
    assert main(["evaluate", str(path), "--quiet", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert set(found) == {"random", "time", "skipped"} and found["skipped"] == {}
    assert found["time"]["runs"][0]["info"]["cutoff"] == "2020-03-15"
