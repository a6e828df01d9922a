"""Settings, declared once: each field is fed by an environment variable ``GRAPHSVC_<NAME>``
and by the CLI flag ``--<name>`` (the flag wins). ``graphsvc serve --help`` lists them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from .domain import ValidationError


def default_store() -> str:
    return str(Path(user_data_dir("graphsvc")) / "graphsvc.sqlite")


@dataclass(frozen=True)
class Settings:
    store: str = field(
        default_factory=default_store,
        metadata={
            "doc": "SQLite file path, or a neo4j:// or bolt:// URI (default: a file in the user's data directory)"
        },
    )
    neo4j_user: str | None = field(default=None, metadata={"doc": "Neo4j user (none: connect without auth)"})
    neo4j_password: str | None = field(default=None, metadata={"doc": "Neo4j password"})
    neo4j_database: str | None = field(default=None, metadata={"doc": "Neo4j database (default: the server's)"})
    neo4j_page_items: int = field(
        default=20_000, metadata={"doc": "Neo4j: a larger import is written in transactions of this many items"}
    )
    host: str = field(default="127.0.0.1", metadata={"doc": "address to listen on"})
    port: int = field(default=8000, metadata={"doc": "port to listen on"})
    demo: bool = field(default=True, metadata={"doc": "load the demo city into an empty store at start-up"})
    cors_origins: str = field(default="", metadata={"doc": "comma-separated origins allowed by CORS ('*' for any)"})
    max_body_bytes: int = field(
        default=5_000_000, metadata={"doc": "largest request body (importGraph included); larger gets 413"}
    )
    max_query_depth: int = field(default=12, metadata={"doc": "deepest GraphQL selection allowed"})
    max_aliases: int = field(default=30, metadata={"doc": "most aliases in one GraphQL operation"})
    max_fields: int = field(default=5_000, metadata={"doc": "most fields in one operation, fragments expanded"})
    max_tokens: int = field(default=2_000, metadata={"doc": "most tokens in one GraphQL document"})
    max_page: int = field(
        default=100, metadata={"doc": "largest 'first' of a list (egoNetwork: at least 500); larger is refused"}
    )
    max_cost: int = field(
        default=50_000,
        metadata={"doc": "largest estimated cost of one operation (objects it may return plus analysis weights)"},
    )
    expensive_cost: int = field(
        default=1_000, metadata={"doc": "cost from which an operation counts as expensive (see max-expensive)"}
    )
    max_expensive: int = field(
        default=4, metadata={"doc": "most expensive operations one client may have running at once; more get 429"}
    )
    rate_limit: str = field(
        default="100/second;3000/minute",
        metadata={"doc": "requests per client (bearer token, else address), e.g. '10/second;300/minute'; '' for none"},
    )
    rate_limit_storage: str = field(
        default="memory://",
        metadata={"doc": "where the rate limits are counted: memory:// (one process) or redis://host:port (shared)"},
    )
    register_rate_limit: str = field(
        default="5/hour;20/day",
        metadata={
            "doc": "self-registrations per client (address), a budget of its own beside rate-limit, e.g. '5/hour;20/day'"
        },
    )
    registration_cap: int = field(
        default=200,
        metadata={"doc": "most self-registrations waiting for an editor per municipality; more are refused"},
    )
    registration_days: int = field(
        default=30,
        metadata={
            "doc": "days a self-registration waits for an editor; 'graphsvc retention --apply' removes older ones"
        },
    )
    request_seconds: float = field(
        default=30.0, metadata={"doc": "longest a query may run; longer is stopped and answered with 504 (0: no limit)"}
    )
    running_queries: int = field(
        default=1,
        metadata={
            "doc": "queries executing at once; more wait their turn, so that writes are not queued behind them "
            "(queries run on one event loop: more at once adds throughput only where they wait on the store)"
        },
    )
    introspection: bool = field(default=True, metadata={"doc": "answer introspection queries (__schema, __type)"})
    field_suggestions: bool = field(default=True, metadata={"doc": "suggest field names in validation errors"})
    graphiql: bool = field(default=True, metadata={"doc": "serve GraphiQL to browsers at /graphql"})
    sync_seconds: float = field(default=1.0, metadata={"doc": "how often to look for writes by other processes"})
    measures_process_nodes: int = field(
        default=20_000,
        metadata={"doc": "brokers and communities of a graph with more nodes are computed in a worker process"},
    )
    measures_quiet_seconds: float = field(
        default=2.0,
        metadata={
            "doc": "brokers and communities are recomputed at once for a write after this long without one, "
            "and for writes in a row once none came for this long; until then they are answered from the "
            "last version, marked stale"
        },
    )
    measures_stale_seconds: float = field(
        default=30.0,
        metadata={"doc": "longest brokers and communities stay stale while writes keep coming"},
    )
    log_level: str = field(default="info", metadata={"doc": "uvicorn log level"})
    retention: str = field(
        default="*=730",
        metadata={
            "doc": "days a resident's relation is kept after it ended, per municipality: 'GM0344=365;*=730' "
            "('*': any other); 'graphsvc retention --apply' removes those past it"
        },
    )

    stale_after: str = field(
        default="*=365",  # twelve months, unless a municipality sets its own
        metadata={
            "doc": "days a fact stays fresh after it was last confirmed, per municipality: 'GM0344=180;*=365' "
            "('*': any other); older facts are marked stale and listed by toCheck and 'graphsvc stale'"
        },
    )

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, flags: Mapping[str, Any] | None = None) -> Settings:
        """Settings from ``env`` (default: the process environment), then CLI ``flags`` on top."""
        env = os.environ if env is None else env
        flags = flags or {}
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"GRAPHSVC_{f.name.upper()}")
            if raw is not None:
                default = getattr(defaults, f.name)
                values[f.name] = _parse(f.name, raw, str if default is None else type(default))
        values.update({k: v for k, v in flags.items() if v is not None})
        return replace(cls(), **values)

    def store_options(self) -> dict[str, Any]:
        """What ``store.open_store`` takes besides the location: the Neo4j login and import page size."""
        return {
            "user": self.neo4j_user,
            "password": self.neo4j_password,
            "database": self.neo4j_database,
            "page_items": self.neo4j_page_items,
        }

    @classmethod
    def documented(cls) -> list[tuple[str, str, str]]:
        """(env var, flag, description) of every setting, for help texts and the README."""
        return [(f"GRAPHSVC_{f.name.upper()}", f"--{f.name.replace('_', '-')}", f.metadata["doc"]) for f in fields(cls)]


def _parse(name: str, raw: str, kind: type) -> Any:
    try:
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes")
        if kind in (int, float):
            return kind(raw)
        return raw
    except ValueError as error:
        raise ValidationError(f"{raw!r} is not a valid {kind.__name__}", field=f"GRAPHSVC_{name.upper()}") from error
