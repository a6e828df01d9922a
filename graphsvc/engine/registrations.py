"""Self-registration: the public signs up, an editor approves or rejects, the registrant may withdraw.

A registration is validated as the stakeholder it would become (the rules of ``createStakeholder``)
and then kept in the store's own place for registrations (``Store.add_registration``), not in the
graph: until an editor approves it, it is in no view, search, count, export or change feed. An editor
sees and decides only the registrations that name an area in its municipalities; any other is
answered exactly like a missing one. Approval creates the stakeholder through the normal create
path (``edits.create_node``) with its source; withdrawal deletes a pending registration, or erases the
stakeholder an approved one became (``Engine.erase``) -- the registrant is gone.

Protection against bulk submission here: identical pending submissions are refused (DUPLICATE), and a
municipality holds at most ``cap`` pending ones (QUEUE_FULL). The per-client rate limit is the API's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain import ConflictError, Node, NodeKind, NotFoundError, Problem, Visibility
from ..domain.model import utcnow
from ..domain.records import not_unicode
from ..domain.registration import (
    APPROVED,
    CONSENT_VERSION,
    PENDING,
    Registration,
    code_digest,
    fingerprint,
    municipalities_of,
    new_code,
    new_key,
    well_formed_code,
)
from ..domain.validate import Context, Validator
from . import edits
from .engine import Engine
from .view import View, Viewer

KINDS = frozenset({NodeKind.INITIATIVE, NodeKind.ORGANISATION, NodeKind.RESIDENT})
FIELDS = ("name", "areas", "themes", "needs", "offers", "visibility")  # of the stakeholder to be
MAX_CONTACT = 320  # characters: the longest e-mail address
NOT_FOUND = "no registration with that id"
_queue = threading.Lock()  # the duplicate and queue checks and the write they allow, one at a time


def source_on(day: date) -> str:
    """The source (provenance) of a stakeholder that came from a registration approved on ``day``."""
    return f"aanmelding (self-registration) {day.isoformat()}"


@dataclass(frozen=True, slots=True)
class Registered:
    registration: Registration
    code: str  # the withdrawal code: given to the registrant once, never kept


def register(
    engine: Engine, view: View, values: dict[str, Any], consent: bool, cap: int, now: datetime | None = None
) -> Registered:
    """Validate a sign-up (``values``: kind and the fields of ``FIELDS`` in the import format, and
    ``contact``) against the areas and themes of ``view`` and keep it for moderation; all problems
    are raised together and nothing is kept when there is one."""
    now = now or utcnow()
    kind = str(values.get("kind") or "")
    contact = values.get("contact") or None
    record = {key: values[key] for key in FIELDS if values.get(key) not in (None, [], "")}
    if kind == NodeKind.RESIDENT.value:
        record.setdefault("visibility", Visibility.PRIVATE.value)  # the least exposing, unless chosen
    validator = Validator(Context.over(lambda _key: None, view.areas, view.themes.keys()))
    checked = {**record, "id": "registration", "kind": kind}
    if kind == NodeKind.RESIDENT.value and contact is not None:
        checked["contact"] = contact
    node = validator.node(checked, "input")
    if node is not None and node.kind not in KINDS:
        validator.problem("INVALID", "input.kind", "register an initiative, an organisation or a resident")
    if contact is not None and (len(contact) > MAX_CONTACT or not_unicode(contact)):
        validator.problem("INVALID", "input.contact", f"at most {MAX_CONTACT} characters of text")
    if not municipalities_of(record.get("areas") or ()):
        validator.problem("AREA_REQUIRED", "input.areas", "name at least one buurt, wijk or gemeente")
    if not consent:
        validator.problem("CONSENT_REQUIRED", "input.consent", "consent is needed to keep the registration")
    validator.raise_if_any()
    same = fingerprint({**record, "kind": kind, "contact": contact})
    code = new_code()
    made = Registration(
        id=new_key(),
        code=code_digest(code),
        kind=kind,
        record=record,
        contact=contact,
        fingerprint=same,
        consent_version=CONSENT_VERSION,
        consented_at=now,
        created_at=now,
    )
    with _queue:
        pending = engine.store.registrations()
        if any(r.fingerprint == same for r in pending):
            raise ConflictError("an identical registration is waiting", problems=[_duplicate()])
        for gm in municipalities_of(made.areas):
            if sum(gm in municipalities_of(r.areas) for r in pending) >= cap:
                raise ConflictError(f"the queue of {gm} is full", problems=[Problem("QUEUE_FULL", "input.areas", gm)])
        engine.store.add_registration(made)
    return Registered(made, code)


def _duplicate() -> Problem:
    return Problem("DUPLICATE", "input", "an identical registration is already waiting for an editor")


def pending(engine: Engine, viewer: Viewer) -> list[Registration]:
    """The pending registrations the viewer moderates (naming an area in its municipalities), oldest first."""
    return [r for r in engine.store.registrations() if viewer.in_scope(r.areas)]


def find(engine: Engine, viewer: Viewer, key: str) -> Registration:
    """A pending registration the viewer moderates; any other is ``NotFoundError``, like a missing one."""
    found = engine.store.registration(key)
    if found is None or found.state != PENDING or not viewer.in_scope(found.areas):
        raise NotFoundError(NOT_FOUND, field="id")
    return found


def approve(engine: Engine, view: View, key: str, today: date | None = None) -> Node:
    """Create the stakeholder a pending registration describes, in the editor's scope, through the normal
    create path; then keep of the registration only what withdrawal needs. Its key is derived from the
    registration's, so an approval retried after a failure between the two writes finds its stakeholder."""
    found = find(engine, view.viewer, key)
    record: dict[str, Any] = {
        **found.record,
        "kind": found.kind,
        "provenance": source_on(today or date.today()),
        "id": edits.new_key(found.name, found.kind, seed=f"registration\n{found.id}"),
    }
    if found.kind == NodeKind.RESIDENT.value and found.contact:
        record["contact"] = found.contact  # a resident's contact goes with them; anyone else's stays behind
    node = engine.stored(record["id"]) or edits.create_node(engine, view, record)
    if engine.store.approve_registration(found.id, node.id) is None:
        raise NotFoundError(NOT_FOUND, field="id")  # decided meanwhile by another editor
    return node


def reject(engine: Engine, viewer: Viewer, key: str) -> None:
    """Delete a pending registration the viewer moderates."""
    found = find(engine, viewer, key)
    engine.store.delete_registrations([found.id])


@dataclass(frozen=True, slots=True)
class Withdrawn:
    registration: Registration
    erased: str | None  # the audit log's label for the stakeholder it had become, if it was approved


def withdraw(engine: Engine, code: str) -> Withdrawn | None:
    """The registrant withdraws with their code: a pending registration is deleted; an approved one's
    stakeholder is erased (its relations and reviews with it) and the registration deleted. None for
    a code that names nothing."""
    if not well_formed_code(code):
        return None
    found = engine.store.registration_by_code(code_digest(code))
    if found is None:
        return None
    erased = None
    if found.state == APPROVED and found.stakeholder:
        erased = engine.erase(found.stakeholder, kinds=KINDS)
    engine.store.delete_registrations([found.id])
    return Withdrawn(found, erased)
