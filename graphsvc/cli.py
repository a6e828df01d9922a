"""The ``graphsvc`` command: import, export, generate, stats, copy, recommend, evaluate, serve.

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

from .domain import GraphsvcError, ValidationError
from .settings import Settings
from .store import open_store

MAX_PROBLEMS_SHOWN = 50
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {}


def command(func: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
    COMMANDS[func.__name__.removeprefix("cmd_")] = func
    return func


@contextmanager
def store_of(settings: Settings, location: str | None = None):
    """The store at ``location`` (default: the settings' store), with the settings' Neo4j login; closed after."""
    store = open_store(location or settings.store, **settings.store_options())
    try:
        yield store
    finally:
        store.close()


@command
def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from .engine import import_into
    from .interchange.files import read_files

    with store_of(settings) as store, tqdm(total=2, desc="import", unit="step", disable=args.quiet) as bar:
        bar.set_postfix_str("reading")
        doc, sources = read_files(args.files)
        bar.update()
        records = sum(map(len, doc.values()))
        bar.set_postfix_str(f"validating and writing {records} records")
        paged = hasattr(store, "progress")  # Neo4j writes a large import in pages, and says so
        with tqdm(
            total=records, desc="written", unit="records", disable=args.quiet or not paged, mininterval=0
        ) as pages:
            if paged:
                store.progress = pages.update  # type: ignore[attr-defined]
            applied = import_into(store, doc, sources.locate)
        bar.update()
    rows = {section: len(rows) for section, rows in doc.items()}
    print(f"imported {', '.join(f'{n} {s}' for s, n in rows.items())} (version {applied.version})")
    return 0


@command
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from .interchange.files import export_document, write_graphml, write_json

    with store_of(settings) as store:
        if args.token:  # the export follows the token's role and municipalities
            store = viewed(store, args.token)  # type: ignore[assignment]
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


def viewed(store, secret: str):  # type: ignore[no-untyped-def]
    """The store as the token's viewer may see it (``UnauthorizedError`` for a token that grants nothing);
    the export goes to the audit log with the residents it holds (keys only)."""
    from .domain import NodeKind
    from .engine import Engine
    from .interchange.files import ViewedStore

    engine = Engine(store)
    tokens = engine.trust.tokens
    viewer = tokens.viewer(secret, tokens.load(secret))
    view = engine.view(viewer)
    residents = [n.id for n in view.search(kinds=frozenset({NodeKind.RESIDENT})) if n.id in view]
    engine.trust.audit.record(viewer.label, "export", residents, f"{len(view)} nodes")
    engine.trust.audit.flush()
    return ViewedStore(store, view)


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
def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    from .interchange.copy import copy_store

    with store_of(settings, args.source) as source, store_of(settings, args.target) as target:
        counts = copy_store(source, target, progress=not args.quiet)
        where = f"from {source.url} to {target.url}"
    nodes, relations = sum(counts["nodes"].values()), sum(counts["relations"].values())
    print(f"copied {nodes} nodes and {relations} relations {where}; counts checked")
    return 0


@command
def cmd_recommend(args: argparse.Namespace, settings: Settings) -> int:
    from .analysis.ranker import learn_from
    from .analysis.recommend import recommend_many, reviewed_pairs, scoring_for
    from .domain import NodeKind
    from .engine import Engine
    from .interchange.suggestions import write_suggestions

    with store_of(settings) as store:
        engine = Engine(store)
        view = engine.view()
        if args.area not in view.areas:
            raise ValidationError(f"no area with code {args.area}", field="--area")
        kinds = frozenset(NodeKind(k) for k in args.kinds.split(",")) if args.kinds else None
        themes = [args.theme] if args.theme else None
        sources = [n.id for n in view.search(kinds=kinds, themes=themes, area=args.area)]
        context = scoring_for(view)
        model = learn_from(context, cut=args.cut)  # from the graph's own history and the verdicts on it
        if not args.quiet:
            how, seconds = model.report.get("protocol", args.cut), model.report.get("seconds_total", 0)
            print(
                f"ranked by {model.ranker} (learned from a {how} cut of the history in {seconds:.1f} s)",
                file=sys.stderr,
            )
        with tqdm(total=len(sources), desc="recommend", unit="stakeholder", disable=args.quiet) as bar:
            lists = recommend_many(
                context, sources, top=args.top, model=model, rejected=reviewed_pairs(view), progress=bar.update
            )
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            count = write_suggestions(lists, view, args.format, out)
    print(f"wrote {count} suggestions for {len(lists)} of {len(sources)} stakeholders in {args.area} to {args.out}")
    return 0


@command
def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from .analysis.evaluation import PROTOCOLS, evaluate_seeds, summary, table, unfit
    from .domain.document import batch_from_document
    from .interchange.classic import classic_document
    from .interchange.files import export_document, read_files

    if args.network:
        doc = classic_document(args.network)
    elif args.file:
        doc, _ = read_files([args.file])
    else:
        with store_of(settings) as store:
            doc = export_document(store)
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else [args.seed]
    relations = batch_from_document(doc).relations
    asked = [args.protocol] if args.protocol else list(PROTOCOLS)
    skipped = {p: reason for p in asked if (reason := unfit(relations, p))}
    if args.protocol in skipped:  # asked for by name: an error; of the default both, one is skipped
        raise ValidationError(skipped[args.protocol], field="--protocol")
    protocols = [p for p in asked if p not in skipped]
    with tqdm(total=len(seeds) * len(protocols), desc="evaluate", unit="run", disable=args.quiet) as bar:
        results = {p: evaluate_seeds(doc, p, seeds, args.sources, progress=lambda _: bar.update()) for p in protocols}
    if args.json:
        found = {
            p: {
                "summary": {m: {c: list(v) for c, v in by.items()} for m, by in summary(runs).items()},
                "runs": [
                    {
                        "seed": r.seed,
                        "scores": {m: s.row() for m, s in r.scores.items()},
                        "alike": [m for m, s in r.scores.items() if not s.ranks],  # every candidate scored alike
                        "ranker": r.model.ranker,
                        "weights": dict(r.model.weights),
                        "report": dict(r.model.report),
                        "verdict_ranker": r.verdict_model.ranker,
                        "verdict_weights": dict(r.verdict_model.weights),
                        "info": r.info,
                    }
                    for r in runs
                ],
            }
            for p, runs in results.items()
        }
        print(json.dumps({**found, "skipped": skipped}, indent=1))
    else:
        print(table(results, skipped=skipped))
    return 0


@command
def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    """API tokens: create (the secret is printed once), list, revoke by display prefix."""
    from .domain.model import utcnow
    from .domain.trust import AuditEntry, parse_duration
    from .engine.trust import issue_token
    from .engine.view import Role

    with store_of(settings) as store:
        if args.action == "create":
            if not args.role:
                raise ValidationError("give --role (public, broker, editor or admin)", field="--role")
            try:
                expires = parse_duration(args.expires) if args.expires else None
            except ValueError as error:
                raise ValidationError(str(error), field="--expires") from None
            scope = [code for given in args.municipality or () for code in given.split(",") if code] or None
            secret, token = issue_token(store, Role(args.role.upper()), scope, expires, args.note)
            store.append_audit(
                [AuditEntry(token.created_at, "cli", "token create", (), f"{token.prefix} {token.role}")]
            )
            print(secret)
            where = ", ".join(token.municipalities) if token.municipalities else "all municipalities"
            until = token.expires_at.date().isoformat() if token.expires_at else "until revoked"
            print(
                f"graphsvc: {token.role.lower()} token {token.prefix}... for {where}, {until}; shown this once",
                file=sys.stderr,
            )
        elif args.action == "list":
            now = utcnow()
            print(
                f"{'prefix':<14} {'role':<7} {'state':<8} {'municipalities':<16} {'expires':<11} {'last used':<17} note"
            )
            for t in store.tokens():
                covers = ",".join(t.municipalities) if t.municipalities else "all"
                until = t.expires_at.date().isoformat() if t.expires_at else "-"
                used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-"
                print(
                    f"{t.prefix:<14} {t.role.lower():<7} {t.state(now):<8} {covers:<16} {until:<11} {used:<17} {t.note or ''}"
                )
        else:
            if not args.prefix:
                raise ValidationError("give the token's display prefix (graphsvc token list)", field="prefix")
            revoked = store.revoke_token(args.prefix, utcnow())
            if revoked is None:
                raise ValidationError(f"no token with prefix '{args.prefix}'", field="prefix")
            store.append_audit(
                [AuditEntry(revoked.revoked_at or revoked.created_at, "cli", "token revoke", (), revoked.prefix)]
            )
            print(f"revoked {revoked.prefix} ({revoked.role.lower()}); servers refuse it within a second")
    return 0


@command
def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """The audit log, oldest first (who, when, what, on whom: keys only)."""
    with store_of(settings) as store:
        entries = store.audit_log(args.after, args.first)
    for e in entries:
        if args.json:
            print(json.dumps({"seq": e.seq, **e.record()}, ensure_ascii=False))
        else:
            print(
                f"{e.seq:>6} {e.at.isoformat()} {e.who:<14} {e.action:<22} {' '.join(e.subjects)} {e.detail or ''}".rstrip()
            )
    return 0


@command
def cmd_stale(args: argparse.Namespace, settings: Settings) -> int:
    """Stakeholders and ties nobody confirmed for longer than GRAPHSVC_STALE_AFTER, oldest first, for a
    mailing: one CSV row each (a resident by key only: no name, no contact)."""
    import csv

    from .analysis.checklist import facts_to_check, relation_areas
    from .domain import NodeKind
    from .domain.periods import Periods, municipalities
    from .engine import Engine
    from .engine.view import Role, Viewer

    periods = Periods.parse(settings.stale_after, "GRAPHSVC_STALE_AFTER")
    if args.municipality and not (args.municipality.startswith("GM") and len(args.municipality) == 6):
        raise ValidationError(
            f"expected a CBS municipality code such as GM0344, got {args.municipality!r}", field="--municipality"
        )
    with store_of(settings) as store:
        view = Engine(store).view(Viewer(Role.ADMIN, label="cli"))

        def named(key: str) -> str:
            node = view.node(key)
            return "" if node is None or getattr(node, "kind", None) is NodeKind.RESIDENT else node.name

        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["municipality", "fact", "key", "name", "source", "confirmed", "stale_from"])
        rows = 0
        for fact in facts_to_check(view, periods, args.municipality):
            if fact.stakeholder is not None:
                node = fact.stakeholder
                areas, what, key, name = list(node.areas), node.kind.value.lower(), node.id, named(node.id)
                source = node.provenance
            else:
                rel = fact.relation
                assert rel is not None
                areas, what, key = relation_areas(view, rel), f"relation {rel.kind.value}", str(rel.id)
                name = " -> ".join(filter(None, (named(rel.source), named(rel.target))))
                source = store.read_relations([rel.id])[rel.id].provenance
            out.writerow(
                [
                    ",".join(sorted(municipalities(areas))),
                    what,
                    key,
                    name,
                    source or "",
                    fact.confirmed or "",
                    fact.stale_from or "",
                ]
            )
            rows += 1
        print(f"{rows} stale fact(s)", file=sys.stderr)
    return 0


@command
def cmd_retention(args: argparse.Namespace, settings: Settings) -> int:
    """Residents' relations kept past the retention period (GRAPHSVC_RETENTION); --apply removes them."""
    from .domain.model import utcnow
    from .domain.periods import Periods
    from .domain.trust import AuditEntry
    from .engine import Engine
    from .engine.retention import past_retention, registrations_past, remove, remove_registrations

    rules = Periods.parse(settings.retention, "GRAPHSVC_RETENTION")
    with store_of(settings) as store:
        engine = Engine(store)
        found = past_retention(engine, rules)
        waited = registrations_past(engine, settings.registration_days)
        total = sum(map(len, found.values()))
        for gm, ids in sorted(found.items()):
            days = rules.days_for([gm])
            print(f"{gm:<8} {len(ids):>7} relation(s) ended more than {days} days ago")
        if not args.apply:
            print(f"{total} relation(s) past retention; remove them with --apply")
            print(f"{len(waited)} self-registration(s) waited more than {settings.registration_days} days")
            return 0
        removed = remove(engine, [i for ids in found.values() for i in ids])
        dropped = remove_registrations(engine, waited)
        detail = f"{removed} relation(s) past retention ({settings.retention})"
        entries = [AuditEntry(utcnow(), "cli", "retention --apply", (), detail)]
        if dropped:
            days = settings.registration_days
            entries.append(
                AuditEntry(
                    utcnow(),
                    "cli",
                    "retention --apply",
                    tuple(r.id for r in waited),
                    f"{dropped} registration(s) > {days} days",
                )
            )
        store.append_audit(entries)
        print(f"removed {removed} relation(s) past retention")
        print(f"removed {dropped} self-registration(s) that waited more than {settings.registration_days} days")
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
    p.add_argument("--token", help="export what this API token's role and municipalities may see (default: everything)")

    p = commands.add_parser("generate", parents=[common], help="write a synthetic city in the import format")
    p.add_argument("--stakeholders", type=int, required=True)
    p.add_argument("--relations", type=int, help="how many relations (default: 10 per stakeholder)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)

    p = commands.add_parser("stats", parents=[common], help="counts per kind, relation kind and area")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = commands.add_parser("copy", help="copy the whole graph between two stores (SQLite, Neo4j); counts checked")
    p.add_argument("--from", dest="source", required=True, help="SQLite file or neo4j:// / bolt:// URI to copy")
    p.add_argument("--to", dest="target", required=True, help="an empty store to copy into")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser(
        "recommend", parents=[common], help="collaboration suggestions for every stakeholder of an area"
    )
    p.add_argument("--area", required=True, help="CBS code, e.g. WK034403")
    p.add_argument("--theme", help="only stakeholders working on this theme key")
    p.add_argument("--kinds", help="comma-separated stakeholder kinds (default: all)")
    p.add_argument("--top", type=int, default=5, help="suggestions per stakeholder")
    p.add_argument(
        "--cut",
        choices=("time", "random"),
        default="time",
        help="learn to predict the ties that form next (time, the default) or the ties missing from the records (random)",
    )
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--out", required=True)
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser(
        "evaluate", parents=[common], help="offline evaluation of the recommender against baselines"
    )
    p.add_argument("file", nargs="?", help="an import document (default: the store's graph)")
    p.add_argument("--network", choices=("karate", "davis", "florentine"), help="a real network networkx ships")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", help="comma-separated seeds, e.g. 1,2,3: the table gives mean ± sd (default: --seed)")
    p.add_argument("--protocol", choices=("random", "time"), help="one protocol (default: both)")
    p.add_argument("--sources", type=int, default=300, help="at most this many stakeholders ranked per protocol")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser("token", parents=[common], help="API tokens: create, list, revoke")
    p.add_argument("action", choices=("create", "list", "revoke"))
    p.add_argument("prefix", nargs="?", help="revoke: the token's display prefix (gsvc_ + 8 characters)")
    p.add_argument("--role", choices=("public", "broker", "editor", "admin"), help="create: what the token may do")
    p.add_argument(
        "--municipality", action="append", help="create: a CBS GM code it covers (repeat, or comma-separate; none: all)"
    )
    p.add_argument("--expires", help="create: how long it lasts, e.g. 90d, 12h, 2w (default: until revoked)")
    p.add_argument("--note", help="create: what it is for (no personal data)")

    p = commands.add_parser(
        "retention",
        parents=[common],
        help="residents' relations past the retention period (GRAPHSVC_RETENTION), self-registrations that waited "
        "too long (GRAPHSVC_REGISTRATION_DAYS)",
    )
    p.add_argument("--apply", action="store_true", help="remove them (one write; audited)")
    p.add_argument("--retention", help="override GRAPHSVC_RETENTION, e.g. 'GM0344=365;*=730'")
    p.add_argument("--registration-days", help="override GRAPHSVC_REGISTRATION_DAYS: days a self-registration waits")

    p = commands.add_parser(
        "stale", parents=[common], help="facts not confirmed within GRAPHSVC_STALE_AFTER, as CSV for a mailing"
    )
    p.add_argument("--municipality", help="only this municipality (CBS code, e.g. GM0344)")
    p.add_argument("--stale-after", help="override GRAPHSVC_STALE_AFTER, e.g. 'GM0344=180;*=365'")

    p = commands.add_parser("audit", parents=[common], help="the audit log, oldest first")
    p.add_argument("--after", type=int, default=0, help="entries after this sequence number")
    p.add_argument("--first", type=int, default=1000, help="at most this many entries")
    p.add_argument("--json", action="store_true", help="one JSON object a line")

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
