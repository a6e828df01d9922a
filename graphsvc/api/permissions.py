"""Who may ask what: every root field's permission, checked once per operation before anything runs.

Reads answer from the caller's view, so what a role may read is decided there (``engine.view``).
What a role may *do* besides reading is decided here: the connection questions and suggestions
need ``ASK`` (brokers and up), every write ``WRITE`` (editors and up), the admin fields
``ADMINISTER``. A root field missing from ``ROOT_FIELDS`` is refused to everyone (deny by
default; ``tests/test_policy.py`` reads the served schema so that a new field without a row fails).
An operation with one field the caller may not use is refused whole, before any resolver runs, so
a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from ..engine.view import Permission, Viewer

ASK, WRITE, ADMINISTER = Permission.ASK, Permission.WRITE, Permission.ADMINISTER
ROOT_FIELDS: dict[str, Permission | None] = {  # None: anyone, answered from their view
    "__typename": None,
    "__schema": None,
    "__type": None,
    "node": None,
    "nodes": None,
    "stakeholder": None,
    "stakeholders": None,
    "area": None,
    "areas": None,
    "themes": None,
    "connectionPaths": ASK,
    "connected": ASK,
    "introducers": ASK,
    "matchPartners": ASK,
    "brokers": ASK,
    "communities": ASK,
    "coverageGaps": ASK,
    "egoNetwork": ASK,
    "collaborationSuggestions": ASK,
    "suggestionReviews": ASK,
    "changes": ASK,
    "toCheck": WRITE,  # the editors' list of stale facts
    "confirmFacts": WRITE,
    "updateRelation": WRITE,
    "endRelation": WRITE,
    "createStakeholder": WRITE,
    "updateStakeholder": WRITE,
    "deleteStakeholder": WRITE,
    "link": WRITE,
    "unlink": WRITE,
    "reviewSuggestion": WRITE,
    "importGraph": WRITE,  # replacing existing records needs ADMINISTER as well (checked by the import)
    "similarStakeholders": WRITE,  # offered to an editor before a create
    "meetings": ASK,
    "mergeStakeholders": WRITE,
    "recordMeeting": WRITE,
    "tieFromMeeting": WRITE,
    "me": None,
    "tokens": ADMINISTER,
    "auditLog": ADMINISTER,
    "createToken": ADMINISTER,
    "revokeToken": ADMINISTER,
    "eraseResident": ADMINISTER,
    "objectResident": ADMINISTER,
    # self-registration: anyone signs up and withdraws; editors moderate their municipalities' queue
    "register": None,
    "withdrawRegistration": None,
    "registrationConsent": None,
    "registrations": WRITE,
    "approveRegistration": WRITE,
    "rejectRegistration": WRITE,
}


def refused(viewer: Viewer, fields: list[str]) -> list[str]:
    """The root fields of ``fields`` that ``viewer`` may not use."""
    return [
        name
        for name in fields
        if name not in ROOT_FIELDS or (ROOT_FIELDS[name] is not None and not viewer.may(ROOT_FIELDS[name]))  # type: ignore[arg-type]
    ]


def root_fields(document: DocumentNode, operation_name: str | None) -> list[str]:
    """The names of the root fields the operation selects (through fragments too)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    return sorted({name for op in chosen[:1] for name in _fields(op.selection_set, fragments, set())})


def _fields(selection: SelectionSetNode, fragments: dict, seen: set[str]) -> Iterator[str]:
    for node in selection.selections:
        if isinstance(node, FieldNode):
            yield node.name.value
        elif isinstance(node, InlineFragmentNode):
            yield from _fields(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen and node.name.value in fragments:
            seen.add(node.name.value)
            yield from _fields(fragments[node.name.value].selection_set, fragments, seen)


def forbidden(viewer: Viewer, document: DocumentNode, operation_name: str | None) -> list[GraphQLError]:
    """The error refusing the operation (code FORBIDDEN) when ``viewer`` may not use one of its root fields."""
    denied = refused(viewer, root_fields(document, operation_name))
    if not denied:
        return []
    message = f"your role ({viewer.role.value.lower()}) may not use {', '.join(denied)}"
    return [GraphQLError(message, extensions={"code": "FORBIDDEN"})]
