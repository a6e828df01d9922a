"""``graphsvc serve``: open the store the settings name and serve the app with uvicorn.

SIGTERM stops it as Ctrl-C (SIGINT) does, gracefully: uvicorn stops taking connections and lets
the requests under way finish (for at most ``GRACE_SECONDS``), the app's lifespan stops its global
measures (their threads, and their worker process even in the middle of a computation), the store
is closed, and the process exits with status 0, leaving no process behind.
"""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn

from ..settings import Settings
from ..store import open_store
from .app import build_app

GRACE_SECONDS = 5  # how long requests under way may take to finish once the server is told to stop


def serve(settings: Settings) -> None:
    # uvicorn handles SIGTERM and SIGINT while it serves, then raises the signal again under the handler
    # it found: for SIGTERM that was the default, which killed the process before anything was cleaned
    # up. With this one, SIGTERM ends as Ctrl-C does: uvicorn.run returns and the cleanup below runs.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    store = open_store(settings.store, **settings.store_options())  # the same options as every command
    app = None
    try:
        app = build_app(settings, store)
        base = f"http://{settings.host}:{settings.port}"
        print(f"graphsvc: the explorer at {base}/ and GraphiQL at {base}/graphql (store: {store.url})", flush=True)
        print(demo_tokens_text(app.state.demo_tokens), flush=True)
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            access_log=False,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
    finally:
        if app is not None:
            app.state.measures.close()  # done already by the lifespan, unless a second Ctrl-C cut it short
        store.close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


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
