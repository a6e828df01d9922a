"""The served schema is the contract: schema/schema.graphql must equal it, and the demo answers
a page of 100 stakeholders with their areas, themes and relations in a bounded number of store reads."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from graphsvc.api import prepared
from graphsvc.api.app import build_app
from graphsvc.api.schema import sdl
from graphsvc.resources import schema_path
from graphsvc.settings import Settings
from graphsvc.store.sqlite import SQLiteStore

from .api_client import GraphQL
from .conftest import role_tokens


def test_schema_file_equals_the_served_schema():
    assert schema_path("schema.graphql").read_text(encoding="utf-8") == sdl(), (
        "regenerate with: python -c \"from graphsvc.api.schema import sdl; open('schema/schema.graphql','w').write(sdl())\""
    )


def test_dutch_terms_are_in_the_descriptions():
    text = sdl()
    for term in (
        "wijkpartner",
        "bewonersinitiatief",
        "gebiedswethouder",
        "buurt",
        "wijk",
        "gemeente",
        "steunverklaring",
    ):
        assert term in text, term


class CountingStore(SQLiteStore):
    """The real SQLite store, counting the reads that reach it."""

    reads = 0

    def read_nodes(self, ids):  # type: ignore[no-untyped-def]
        CountingStore.reads += 1
        return super().read_nodes(ids)

    def read_relations(self, ids):  # type: ignore[no-untyped-def]
        CountingStore.reads += 1
        return super().read_relations(ids)


def test_a_page_of_100_costs_a_bounded_number_of_store_reads(tmp_path: Path):
    settings = Settings(store=str(tmp_path / "n1.sqlite"))
    store = CountingStore(settings.store)
    tokens = role_tokens(store)
    with TestClient(build_app(settings, store)) as client:
        api = GraphQL(client, tokens["broker"])
        CountingStore.reads = 0
        data = api(
            """query { stakeholders(first: 100) { nodes { name areas { code parent { code } } themes { key }
                 relations(first: 10) { nodes { kind role note provenance } } } } }"""
        )
    nodes = data["stakeholders"]["nodes"]
    assert len(nodes) == 100 and sum(len(n["relations"]["nodes"]) for n in nodes) > 100
    assert CountingStore.reads <= 2, f"{CountingStore.reads} store reads for one page"


def test_each_query_text_is_validated_once_until_the_texts_are_forgotten(tmp_path: Path):
    settings = Settings(store=str(tmp_path / "prepared.sqlite"))
    store = SQLiteStore(settings.store)
    with TestClient(build_app(settings, store)) as client:
        api = GraphQL(client, role_tokens(store)["broker"])
        prepared.forget()
        for _ in range(3):
            api("{ areas(first: 1) { totalCount } }")
        assert prepared.validated.cache_info()[:2] == (2, 1)  # hits, misses: the same parsed document
        prepared.forget()  # as an erasure does: a query text may name the erased resident
        assert prepared.validated.cache_info().currsize == 0
        api("{ areas(first: 1) { totalCount } }")
        assert prepared.validated.cache_info()[:2] == (0, 1)
