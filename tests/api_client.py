"""A small GraphQL client over Starlette's TestClient (the real ASGI app, over HTTP semantics)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from graphsvc.api.ids import encode


class GraphQL:
    """Sends every request with ``token`` as its Bearer token (none: the public). ``tokens`` holds
    one token per role the test store was given (``as_role`` asks as another)."""

    def __init__(self, client: TestClient, token: str | None = None, tokens: dict[str, str] | None = None):
        self.client = client
        self.token = token
        self.tokens = tokens or {}

    def as_role(self, role: str) -> GraphQL:
        """The same API, asked with the token of ``role`` ('public': none)."""
        return GraphQL(self.client, self.tokens.get(role), self.tokens)

    def post(self, query: str, variables: dict | None = None, **headers: str) -> Any:
        if self.token and "authorization" not in {k.lower() for k in headers}:
            headers["authorization"] = f"Bearer {self.token}"
        return self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    def post_raw(self, body: bytes) -> Any:
        """POST ``body`` as it is (JSON that httpx would not write: NaN, a lone surrogate's escape)."""
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        return self.client.post("/graphql", content=body, headers=headers)

    def __call__(self, query: str, variables: dict | None = None) -> dict:
        """Run an operation that must succeed; returns ``data``."""
        response = self.post(query, variables)
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]

    def errors(self, query: str, variables: dict | None = None) -> list[dict]:
        body = self.post(query, variables).json()
        assert body.get("errors"), body
        return body["errors"]


def gid(typename: str, key: str | int) -> str:
    return encode(typename, key)
