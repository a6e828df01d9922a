"""Fuzzing the served schema: every root field and every mutation, with operations that
hypothesis-graphql builds from the app's own introspection, sent over HTTP to the real app on a
real SQLite file holding the demo city, as the administrator (every field reachable) and as the
public.

Arguments are valid by type but hostile by value: real ids and CBS codes beside malformed ones,
out-of-range numbers, impossible dates, 20,000-character strings, lone surrogates and JSON
documents for ``importGraph`` that are almost, or not at all, in the import format. Some
operations break the schema on purpose (hypothesis-graphql's negative mode), and half of them
carry their arguments as variables, so that what a GraphQL literal cannot say (a lone surrogate,
NaN, Infinity) reaches the server too.

Every answer holds four properties: no 5xx; no masked internal error (a resolver that crashed);
no NaN or Infinity in the body; and the store is as it was before (a digest of its export and
tokens) after every query, and after every mutation that was refused (a request error, or each
root field failed or answered userErrors). A mutation that went through may write: the next
example starts from what it wrote. Rate limits are off: the fuzzer is one client in a hurry.

Each root field gets ``GRAPHSVC_FUZZ_EXAMPLES`` examples (default 10: about a minute for the file
on two busy cores); set it higher for a longer run, e.g. ``GRAPHSVC_FUZZ_EXAMPLES=100``.
Examples are derandomised, so a run is repeatable, and no example database is kept;
``--hypothesis-show-statistics`` tells per field how many requests were answered and refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLObjectType,
    GraphQLSchema,
    NameNode,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries
from starlette.testclient import TestClient

from graphsvc.api.app import build_app
from graphsvc.api.http import MASKED
from graphsvc.api.ids import decode, encode
from graphsvc.interchange.files import export_document
from graphsvc.resources import schema_path, seed_path
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store

from .conftest import role_tokens

EXAMPLES = int(os.environ.get("GRAPHSVC_FUZZ_EXAMPLES", "10"))
SDL = graphql.build_schema(schema_path("schema.graphql").read_text(encoding="utf-8"))
QUERY_FIELDS = sorted(SDL.query_type.fields) if SDL.query_type else []
MUTATION_FIELDS = sorted(SDL.mutation_type.fields) if SDL.mutation_type else []
ROLES = ("admin", "public")
STAKEHOLDER_TYPES = {"Resident", "Organisation", "Wijkpartner", "Initiative", "MunicipalityRole"}
THEMES = [theme["key"] for theme in json.loads(seed_path().read_text(encoding="utf-8"))["themes"]]


# Hostile values, valid by type -------------------------------------------------------------------

HUGE = st.integers(1_000, 20_000).map(lambda n: "Ä" * n)
LONE_SURROGATES = st.sampled_from(["\ud800", "a\udfffb", "\udc00" * 3])
CBS_CODES = st.sampled_from(["GM0344", "WK034403", "BU03440311", "GM0362", "GM9999", "BU99999999", "WK0344"])
MALFORMED_CODES = st.sampled_from(["", "gm0344", "GM", "GM03441", "XX0344", "BU0344031", "GM0344 ", "0344", "🏠"])
DATES = st.one_of(st.dates().map(str), st.sampled_from(["2000-01-01", "2024-06-01", "9999-12-31", "0001-01-01"]))
MALFORMED_DATES = st.sampled_from(
    ["", "2024-02-30", "2024-13-01", "0000-00-00", "1-1-1", "yesterday", "2024-06-01T25:00"]
)
WORDS = st.sampled_from(["care", "zorg", "DOCK", "Overvecht", "Oke Nu", "90d", "30m", "-1d", "gsvc_AbCd1234", "null"])
TEXT = st.text(max_size=30)


def hostile(*typed: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(*typed, TEXT, HUGE, LONE_SURROGATES)


def mostly(plausible: st.SearchStrategy[Any], *hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Plausible values three times in four, so that most operations get past validation, else a hostile one."""
    return st.one_of(plausible, plausible, plausible, st.one_of(*hostile))


INTS = st.one_of(
    st.sampled_from([0, 1, 2, 3, 5, 100, 101, 500, 501, -1, 2**31 - 1, -(2**31)]), st.integers(-(2**31), 2**31 - 1)
)
FLOATS = st.one_of(
    st.sampled_from([0.0, 1.0, 0.5, -0.0, -1.0, 7.0, 1e308, -1e308, 5e-324]), st.floats(allow_nan=False, width=64)
)
FLOAT_LITERALS = st.one_of(FLOATS.map(repr), st.sampled_from(["1e400", "-1e400"]))  # 1e400 parses to infinity
NON_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf")])  # only as variables: Python writes NaN


def json_value(value: Any) -> graphql.ValueNode:
    """A Python value as a GraphQL literal (for the JSON scalar)."""
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return graphql.FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([json_value(item) for item in value])
    fields = [graphql.ObjectFieldNode(name=NameNode(value=k), value=json_value(v)) for k, v in value.items()]
    return nodes.Object(fields)


def import_documents(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Documents in (or near) the import format: real and new keys, good and bad codes, kinds,
    strengths and dates, missing and unknown fields; and sometimes any JSON at all."""
    text = hostile(WORDS)
    code = st.one_of(CBS_CODES, MALFORMED_CODES)
    date = st.one_of(DATES, MALFORMED_DATES)
    kind = st.sampled_from(["RESIDENT", "INITIATIVE", "WIJKPARTNER", "ORGANISATION", "MUNICIPALITY_ROLE", "GHOST"])
    relation_kind = st.sampled_from(["MEMBER_OF", "KNOWS", "SUPPORTS", "FOUNDED", "WORKS_WITH", "LOVES"])
    stakeholder = st.fixed_dictionaries(
        {"id": st.one_of(keys, text), "kind": kind, "name": text},
        optional={
            "areas": st.lists(code, max_size=3),
            "themes": st.lists(st.one_of(WORDS, text), max_size=3),
            "visibility": st.sampled_from(["PUBLIC", "BROKERS", "PRIVATE", "SECRET"]),
            "capacity": st.one_of(INTS, FLOATS),
            "confirmed": date,
            "started": date,
            "objected": st.booleans(),
            "contact": st.one_of(text, st.dictionaries(text, text, max_size=2)),
        },
    )
    relation = st.fixed_dictionaries(
        {"kind": relation_kind, "source": st.one_of(keys, text), "target": st.one_of(keys, text)},
        optional={"strength": st.one_of(FLOATS, INTS, text), "since": date, "until": date, "id": st.one_of(INTS, text)},
    )
    area = st.fixed_dictionaries(
        {"code": code, "name": text, "level": st.sampled_from(["MUNICIPALITY", "DISTRICT", "NEIGHBOURHOOD", "CITY"])},
        optional={"parent": code},
    )
    document = st.fixed_dictionaries(
        {},
        optional={
            "format": st.one_of(INTS, text),
            "stakeholders": st.lists(stakeholder, max_size=4),
            "relations": st.lists(relation, max_size=4),
            "areas": st.lists(area, max_size=2),
            "themes": st.lists(st.fixed_dictionaries({"key": text, "labelNl": text, "labelEn": text}), max_size=2),
            "surprise": text,
        },
    )
    anything = st.recursive(
        st.one_of(st.none(), st.booleans(), INTS, FLOATS, TEXT),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
        max_leaves=8,
    )
    return st.one_of(document, document, anything)


# The served app ---------------------------------------------------------------------------------


def digest(store: Store) -> str:
    state = {"graph": export_document(store), "tokens": sorted(t.prefix for t in store.tokens())}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class City:
    """The app on the demo city, its store, a token per role and what the fuzzer draws from."""

    client: TestClient
    store: Store
    tokens: dict[str, str]
    schema: GraphQLSchema  # as served (introspection)
    scalars: dict[str, st.SearchStrategy[graphql.ValueNode]]  # by type
    by_name: dict[str, st.SearchStrategy[graphql.ValueNode]]  # good values of a root field's argument, by its name
    seen: str | None = None  # the store's digest after the last request, when it was taken

    def digest(self) -> str:
        """The store's digest now (the last one taken, when no request was sent since)."""
        return self.seen or digest(self.store)

    def post(self, query: str, variables: dict[str, Any], role: str) -> Any:
        headers = {"content-type": "application/json"}
        if role in self.tokens:
            headers["authorization"] = f"Bearer {self.tokens[role]}"
        # Encoded here, not by httpx: JSON escapes lone surrogates (\ud800) and writes NaN as NaN.
        body = json.dumps({"query": query, "variables": variables}).encode()
        return self.client.post("/graphql", content=body, headers=headers)


def known_ids(client: TestClient, token: str) -> tuple[list[str], list[str]]:
    """Global ids of the demo city (stakeholders, relations, areas, meetings) and store keys."""
    query = """{ stakeholders(first: 100) { nodes { id key relations(first: 3) { nodes { id } } } }
                 areas(first: 100) { nodes { id code } } meetings(first: 10) { nodes { id } } }"""
    response = client.post("/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"})
    data = response.json()["data"]
    ids = [s["id"] for s in data["stakeholders"]["nodes"]]
    ids += [r["id"] for s in data["stakeholders"]["nodes"] for r in s["relations"]["nodes"]]
    ids += [a["id"] for a in data["areas"]["nodes"]] + [m["id"] for m in data["meetings"]["nodes"]]
    keys = [s["key"] for s in data["stakeholders"]["nodes"]]
    return list(dict.fromkeys(ids)), keys  # stakeholders first: the values Hypothesis tries most


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(store=str(folder / "fuzz.sqlite"), demo=True, rate_limit="", register_rate_limit="")
    store = open_store(settings_.store)
    tokens = role_tokens(store)
    with TestClient(build_app(settings_, store), raise_server_exceptions=False) as client:
        introspection = client.post("/graphql", json={"query": graphql.get_introspection_query()})
        schema = graphql.build_client_schema(introspection.json()["data"])
        ids, keys = known_ids(client, tokens["admin"])
        malformed_ids = st.one_of(
            st.sampled_from(["", "Relation:abc", encode("Relation", "abc"), encode("Stakeholder", "nobody"), "%%%"]),
            st.sampled_from(["Area", "Meeting", "Resident", "Nope"]).flatmap(
                lambda t: TEXT.map(lambda k: encode(t, k))
            ),
        )
        scalars = {
            "ID": mostly(st.sampled_from(ids), malformed_ids, TEXT, HUGE, LONE_SURROGATES).map(nodes.String),
            "String": mostly(
                st.one_of(CBS_CODES, WORDS, st.sampled_from(keys)), MALFORMED_CODES, DATES, TEXT, HUGE, LONE_SURROGATES
            ).map(nodes.String),
            "Int": mostly(st.integers(1, 6), INTS).map(nodes.Int),
            "Float": mostly(st.floats(0, 1).map(repr), FLOAT_LITERALS).map(lambda f: graphql.FloatValueNode(value=f)),
            "Date": mostly(DATES, MALFORMED_DATES, TEXT).map(nodes.String),
            "DateTime": mostly(st.datetimes().map(lambda d: d.isoformat()), MALFORMED_DATES).map(nodes.String),
            "JSON": import_documents(st.sampled_from(keys)).map(json_value),
        }
        stakeholder = st.sampled_from([i for i in ids if decode(i)[0] in STAKEHOLDER_TYPES]).map(nodes.String)
        area = st.sampled_from(["GM0344", "WK034403", "BU03440311", "BU03440312"]).map(nodes.String)
        theme = st.sampled_from(THEMES).map(nodes.String)
        by_name: dict[str, st.SearchStrategy[graphql.ValueNode]] = {"areaCode": area, "parentCode": area, "code": area}
        by_name["theme"] = theme
        by_name["themes"] = st.lists(theme, min_size=1, max_size=2).map(lambda keys: nodes.List(list(keys)))
        by_name |= dict.fromkeys(
            ["id", "from", "to", "forId", "keepId", "mergeId", "sourceId", "targetId"], stakeholder
        )
        yield City(client, store, tokens, schema, scalars, by_name)
    store.close()


# Operations -------------------------------------------------------------------------------------


def rewrite(
    document: DocumentNode,
    root: GraphQLObjectType,
    by_name: dict[str, st.SearchStrategy[graphql.ValueNode]],
    data: st.DataObject,
) -> tuple[str, dict[str, Any]]:
    """The operation as sent: some optional arguments of its root fields left out (hypothesis-graphql
    gives most of them, and one bad cursor refuses the whole request), some given a good value for
    their name (a stakeholder's id for ``from``, a theme's key for ``theme``: the analyses get past
    their checks), and the rest, in half of the requests, moved into variables (``$v0``, ...) typed
    as their arguments. Only JSON variables carry a lone surrogate to the server, or NaN and
    Infinity (which JSON does not allow)."""
    lift = data.draw(st.booleans(), label="as variables")
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    definitions: list[VariableDefinitionNode] = []
    values: dict[str, Any] = {}
    selections = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value not in root.fields:
            selections.append(selection)
            continue
        field = root.fields[selection.name.value]
        arguments = []
        for argument in selection.arguments or ():
            given = field.args.get(argument.name.value)
            if given is None:  # an unknown argument (negative mode) stays as it is
                arguments.append(argument)
                continue
            optional = not graphql.is_non_null_type(given.type) or given.default_value is not graphql.Undefined
            if optional and data.draw(st.booleans(), label=f"leave out {argument.name.value}"):
                continue
            if argument.name.value in by_name and data.draw(st.booleans(), label=f"a good {argument.name.value}"):
                argument = ArgumentNode(name=argument.name, value=data.draw(by_name[argument.name.value]))
            if not lift:
                arguments.append(argument)
                continue
            name = f"v{len(values)}"
            values[name] = graphql.value_from_ast_untyped(argument.value)
            variable = VariableNode(name=NameNode(value=name))
            definitions.append(VariableDefinitionNode(variable=variable, type=graphql.parse_type(str(given.type))))
            arguments.append(ArgumentNode(name=argument.name, value=variable))
        selections.append(dataclasses.replace(selection, arguments=tuple(arguments)))
    if values and data.draw(st.integers(0, 9), label="not finite") == 0:
        values[f"v{len(values)}"] = data.draw(NON_FINITE)  # an unused variable: refused all the same
    operation = dataclasses.replace(
        operation,
        variable_definitions=tuple(definitions),
        selection_set=dataclasses.replace(operation.selection_set, selections=tuple(selections)),
    )
    return graphql.print_ast(DocumentNode(definitions=(operation,))), values


def operations(city: City, kind: str, field: str) -> st.SearchStrategy[DocumentNode]:
    make = queries if kind == "query" else mutations
    common: dict[str, Any] = {"fields": [field], "custom_scalars": city.scalars, "print_ast": lambda d: d}
    valid = make(city.schema, **common)
    root = city.schema.query_type if kind == "query" else city.schema.mutation_type
    assert root is not None
    if not root.fields[field].args:
        return valid
    return st.one_of(valid, valid, make(city.schema, mode=Mode.NEGATIVE, **common))


def no_constants(name: str) -> Any:
    raise AssertionError(f"{name} in an answer")


def refused(body: dict[str, Any]) -> bool:
    """Whether the request was refused as a whole: a request error, or every root field failed
    itself (an error at its path) or answered userErrors. (A nested field's error after a write
    does not count: the write stands.)"""
    errors = body.get("errors") or []
    data = body.get("data")
    if not data:
        return all(len(error.get("path") or ()) <= 1 for error in errors)
    at_root = {error["path"][0] for error in errors if len(error.get("path") or ()) == 1}
    return all(
        alias in at_root or (isinstance(result, dict) and bool(result.get("userErrors")))
        for alias, result in data.items()
    )


def send(city: City, kind: str, field: str, data: st.DataObject) -> None:
    """One operation on ``field`` as sent by the public or the administrator, and what must hold of its answer."""
    root = city.schema.query_type if kind == "query" else city.schema.mutation_type
    assert root is not None and field in root.fields, f"{field} is in schema/schema.graphql but not served"
    document = data.draw(operations(city, kind, field), label="operation")
    role = data.draw(st.sampled_from(ROLES), label="role")
    query, values = rewrite(document, root, city.by_name, data)
    before = city.digest()
    city.seen = None
    response = city.post(query, values, role)
    shown = f"{role}: {query[:2000]!r} {json.dumps(values)[:2000]}"
    assert response.status_code < 500, f"{response.status_code} {response.text[:2000]} for {shown}"
    assert MASKED not in response.text, f"a masked internal error for {shown}: {response.text[:2000]}"
    body = json.loads(response.text, parse_constant=no_constants)
    event(f"{role}: {'refused' if refused(body) else 'answered'}")  # see --hypothesis-show-statistics
    if kind == "query" or refused(body):
        city.seen = digest(city.store)
        assert city.seen == before, f"the store changed for {shown}: {response.text[:2000]}"


FUZZING = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("field", QUERY_FIELDS)
@FUZZING
@given(data=st.data())
def test_fuzzed_queries_are_answered_or_refused_honestly(city: City, field: str, data: st.DataObject):
    send(city, "query", field, data)


@pytest.mark.parametrize("field", MUTATION_FIELDS)
@FUZZING
@given(data=st.data())
def test_fuzzed_mutations_are_answered_or_refused_without_writing(city: City, field: str, data: st.DataObject):
    send(city, "mutation", field, data)
