"""The ``graphsvc`` command: import, export, generate, stats, serve.

Every command takes ``--store`` (or ``GRAPHSVC_STORE``). Expected errors print as one line
per problem and exit 2; anything unexpected prints one line and exits 1 (set
``GRAPHSVC_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from .domain import GraphsvcError
from .settings import Settings
from .store import Store, open_store

MAX_PROBLEMS_SHOWN = 50
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {}


def command(func: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
    COMMANDS[func.__name__.removeprefix("cmd_")] = func
    return func


def open_settings_store(settings: Settings) -> Store:
    return open_store(
        settings.store,
        user=settings.neo4j_user,
        password=settings.neo4j_password,
        database=settings.neo4j_database,
    )


@contextmanager
def store_of(settings: Settings):
    store = open_settings_store(settings)
    try:
        yield store
    finally:
        store.close()


@command
def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from .engine import Engine
    from .interchange.files import read_files

    with store_of(settings) as store, tqdm(total=3, desc="import", unit="step", disable=args.quiet) as bar:
        bar.set_postfix_str("reading")
        doc, sources = read_files(args.files)
        bar.update()
        bar.set_postfix_str("loading the graph")
        engine = Engine(store)
        bar.update()
        bar.set_postfix_str(f"validating and writing {sum(map(len, doc.values()))} records")
        applied = engine.import_document(doc, sources.locate)
        bar.update()
    rows = {section: len(rows) for section, rows in doc.items()}
    print(f"imported {', '.join(f'{n} {s}' for s, n in rows.items())} (version {applied.version})")
    return 0


@command
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from .interchange.files import export_document, write_graphml, write_json

    with store_of(settings) as store:
        if args.format == "graphml":
            if args.out:
                with open(args.out, "wb") as out:
                    write_graphml(store, out)
            else:
                write_graphml(store, sys.stdout.buffer)
            return 0
        doc = export_document(store)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            write_json(doc, out)
    else:
        write_json(doc, sys.stdout)
    return 0


@command
def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from .generate import generate_city

    doc = generate_city(args.stakeholders, args.relations, args.seed)
    Path(args.out).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {len(doc['stakeholders'])} stakeholders and {len(doc['relations'])} relations to {args.out}")
    return 0


@command
def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    with store_of(settings) as store:
        counts = store.counts()
        version = store.version()
    if args.json:
        print(json.dumps({"version": version, **counts}, indent=1))
        return 0
    print(f"store {settings.store} at version {version}")
    for title, key in (
        ("nodes per kind", "nodes"),
        ("relations per kind", "relations"),
        ("stakeholders per area", "areas"),
    ):
        print(f"{title}:")
        for name, count in counts[key].items():
            print(f"  {name:<28} {count:>9}")
    return 0


@command
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .api.server import serve

    serve(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graphsvc", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", help="SQLite file or neo4j:// / bolt:// URI (env GRAPHSVC_STORE)")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("import", parents=[common], help="import JSON documents and CSV lists, all or nothing")
    p.add_argument("files", nargs="+", help="JSON documents (import format) or CSV files")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser("export", parents=[common], help="export the whole graph")
    p.add_argument("--format", choices=("json", "graphml"), default="json")
    p.add_argument("--out", help="file to write (default: standard output)")

    p = commands.add_parser("generate", parents=[common], help="write a synthetic city in the import format")
    p.add_argument("--stakeholders", type=int, required=True)
    p.add_argument("--relations", type=int, help="how many relations (default: 10 per stakeholder)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)

    p = commands.add_parser("stats", parents=[common], help="counts per kind, relation kind and area")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = commands.add_parser(
        "serve", parents=[common], help="serve the GraphQL API (loads the demo into an empty store)"
    )
    for env, flag, doc in Settings.documented():
        if flag != "--store":
            p.add_argument(flag, help=f"{doc} (env {env})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if k in Settings.__dataclass_fields__ and v is not None}
    try:
        settings = Settings.load(flags=_typed(flags))
        return COMMANDS[args.command](args, settings)
    except GraphsvcError as error:
        for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"graphsvc: error: {problem}", file=sys.stderr)
        if len(error.problems) > MAX_PROBLEMS_SHOWN:
            print(f"graphsvc: ... and {len(error.problems) - MAX_PROBLEMS_SHOWN} more problems", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug or an environment failure: one line, not a traceback
        if os.environ.get("GRAPHSVC_DEBUG"):
            raise
        print(f"graphsvc: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _typed(flags: dict[str, str]) -> dict[str, object]:
    """CLI flags arrive as text; parse them like the environment variables."""
    env = {f"GRAPHSVC_{k.upper()}": str(v) for k, v in flags.items()}
    loaded = Settings.load(env)
    return {k: getattr(loaded, k) for k in flags}


if __name__ == "__main__":
    sys.exit(main())
