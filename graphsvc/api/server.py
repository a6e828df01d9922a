"""``graphsvc serve``: open the store the settings name and serve the app with uvicorn."""

from __future__ import annotations

import uvicorn

from ..settings import Settings
from ..store import open_store
from .app import build_app


def serve(settings: Settings) -> None:
    store = open_store(
        settings.store, user=settings.neo4j_user, password=settings.neo4j_password, database=settings.neo4j_database
    )
    app = build_app(settings, store)
    base = f"http://{settings.host}:{settings.port}"
    print(f"graphsvc: the explorer at {base}/ and GraphiQL at {base}/graphql (store: {store.url})", flush=True)
    print(demo_tokens_text(app.state.demo_tokens), flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, access_log=False)
    finally:
        store.close()


def demo_tokens_text(made: dict) -> str:
    """How to act as each role: the demo's tokens when they were just made, else how to make one."""
    if not made:
        return (
            "graphsvc: without a token you are the public; make one with "
            "'graphsvc token create --role broker --municipality GM0344' and send it as 'Authorization: Bearer ...'"
        )
    lines = [
        "graphsvc: demo API tokens (shown this once; paste one into the explorer's sign-in, or send it as "
        "'Authorization: Bearer ...'; without one you are the public):"
    ]
    for role, secret in made.items():
        scope = "all municipalities" if role.value == "ADMIN" else "Utrecht, GM0344"
        lines.append(f"  {role.value.lower():<7} ({scope}): {secret}")
    return "\n".join(lines)
