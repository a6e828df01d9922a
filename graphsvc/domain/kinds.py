"""The kinds of things in the graph and which relation kinds may join which ends.

Every node of the graph is a stakeholder, a meeting (bijeenkomst) or an area (gebied).
Relation kinds are directed where the meaning is (``FOUNDED``: founder -> founded);
``KNOWS`` and ``PARTNERS_WITH`` are symmetric.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class NodeKind(StrEnum):
    """What a node of the graph is."""

    RESIDENT = "RESIDENT"  # inwoner: personal data
    ORGANISATION = "ORGANISATION"  # vereniging, stichting, business, school, ...
    WIJKPARTNER = "WIJKPARTNER"  # neighbourhood partner: DOCK, buurtteam, wijkbureau, ...
    INITIATIVE = "INITIATIVE"  # bewonersinitiatief, collective, alliance, cooperative
    MUNICIPALITY_ROLE = "MUNICIPALITY_ROLE"  # gebiedswethouder, contactpersoon, beleidsadviseur
    MEETING = "MEETING"  # bijeenkomst: evidence of ties
    AREA = "AREA"  # gemeente, wijk, buurt


STAKEHOLDER_KINDS = frozenset(
    {
        NodeKind.RESIDENT,
        NodeKind.ORGANISATION,
        NodeKind.WIJKPARTNER,
        NodeKind.INITIATIVE,
        NodeKind.MUNICIPALITY_ROLE,
    }
)
PARTNER_KINDS = frozenset({NodeKind.WIJKPARTNER, NodeKind.ORGANISATION, NodeKind.MUNICIPALITY_ROLE})


class Visibility(StrEnum):
    """Who may see a resident: everyone, social brokers, or nobody but editors."""

    PUBLIC = "PUBLIC"
    BROKERS = "BROKERS"
    PRIVATE = "PRIVATE"


class InitiativeStatus(StrEnum):
    IDEA = "IDEA"
    STARTING = "STARTING"
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ENDED = "ENDED"


class AreaLevel(StrEnum):
    """Levels of the area tree; WORKING_AREA is a municipality's own area (gebied) beside CBS."""

    MUNICIPALITY = "MUNICIPALITY"  # gemeente, GM + 4 digits
    DISTRICT = "DISTRICT"  # wijk, WK + 6 digits
    NEIGHBOURHOOD = "NEIGHBOURHOOD"  # buurt, BU + 8 digits
    WORKING_AREA = "WORKING_AREA"  # gebied or kern of the municipality's own area work


# The ``type`` a stakeholder of each kind may have. Open vocabularies would make filters
# useless, so these are closed; extend them here (a data migration is not needed).
TYPES: dict[NodeKind, frozenset[str]] = {
    NodeKind.ORGANISATION: frozenset(
        {
            "ASSOCIATION",  # vereniging
            "FOUNDATION",  # stichting
            "BUSINESS",
            "SCHOOL",
            "CARE",
            "CULTURE",
            "COOPERATIVE",
            "HOUSING_CORPORATION",  # woningcorporatie
            "RELIGIOUS",
            "SPORTS",
            "COMMUNITY_CENTRE",  # wijkcentrum
            "OTHER",
        }
    ),
    NodeKind.WIJKPARTNER: frozenset(
        {
            "SOCIAL_BROKER",  # sociaal makelorganisatie, e.g. DOCK
            "NEIGHBOURHOOD_TEAM",  # buurtteam
            "DISTRICT_OFFICE",  # wijkbureau
            "HEALTH_CENTRE",  # gezondheidscentrum
            "YOUTH_WORK",  # jongerenwerk
            "POLICE",  # wijkagent
            "SHELTER",  # maatschappelijke opvang, e.g. SMO
            "LIBRARY",
            "OTHER",
        }
    ),
    NodeKind.INITIATIVE: frozenset({"RESIDENTS_INITIATIVE", "COLLECTIVE", "ALLIANCE", "COOPERATIVE"}),
    NodeKind.MUNICIPALITY_ROLE: frozenset(
        {
            "AREA_ALDERMAN",  # gebiedswethouder
            "AREA_CONTACT",  # gebiedscontactpersoon
            "POLICY_ADVISER",  # beleidsadviseur
            "DISTRICT_COORDINATOR",  # wijkcoördinator
            "ALDERMAN",  # wethouder
            "COORDINATOR",  # e.g. the coordinator of an alliance appointed by the municipality
        }
    ),
}


class Need(StrEnum):
    """What an initiative may need, and what a partner may offer."""

    SPACE = "SPACE"  # ruimte: a place to meet or work
    FUNDING = "FUNDING"  # subsidie, financiering
    VOLUNTEERS = "VOLUNTEERS"  # vrijwilligers
    KNOWLEDGE = "KNOWLEDGE"  # kennis, expertise
    CONTACTS = "CONTACTS"  # netwerk
    PERMITS = "PERMITS"  # vergunningen
    PUBLICITY = "PUBLICITY"  # bekendheid
    MATERIALS = "MATERIALS"  # materiaal


NEEDS = frozenset(need.value for need in Need)


class RelationKind(StrEnum):
    MEMBER_OF = "MEMBER_OF"
    WORKS_FOR = "WORKS_FOR"
    COORDINATES = "COORDINATES"
    FOUNDED = "FOUNDED"
    PARTNERS_WITH = "PARTNERS_WITH"
    SUPPORTS = "SUPPORTS"  # steunverklaring
    FUNDS = "FUNDS"
    KNOWS = "KNOWS"
    ATTENDED = "ATTENDED"
    CONTACT_FOR = "CONTACT_FOR"
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    ACTIVE_IN = "ACTIVE_IN"
    LIVES_IN = "LIVES_IN"
    WORKS_ON = "WORKS_ON"


class Purpose(StrEnum):
    """Why a tie with a resident is kept (purpose limitation, AVG art. 5(1)(b)): the purposes of the
    processing register. A tie with a resident records one; without one given, its kind's (``PURPOSE_OF``)."""

    CONTACT = "CONTACT"  # in contact brengen: putting people, initiatives and partners in touch
    PARTICIPATION = "PARTICIPATION"  # deelname: taking part in an initiative, organisation or meeting
    SUPPORT = "SUPPORT"  # steun: supporting an initiative (a steunverklaring, funding)
    AREA = "AREA"  # buurt: where someone lives or is active, to find partners nearby


PURPOSE_OF: dict[RelationKind, Purpose] = {
    RelationKind.MEMBER_OF: Purpose.PARTICIPATION,
    RelationKind.WORKS_FOR: Purpose.CONTACT,
    RelationKind.COORDINATES: Purpose.PARTICIPATION,
    RelationKind.FOUNDED: Purpose.PARTICIPATION,
    RelationKind.PARTNERS_WITH: Purpose.CONTACT,
    RelationKind.SUPPORTS: Purpose.SUPPORT,
    RelationKind.FUNDS: Purpose.SUPPORT,
    RelationKind.KNOWS: Purpose.CONTACT,
    RelationKind.ATTENDED: Purpose.PARTICIPATION,
    RelationKind.CONTACT_FOR: Purpose.CONTACT,
    RelationKind.RESPONSIBLE_FOR: Purpose.CONTACT,
    RelationKind.ACTIVE_IN: Purpose.AREA,
    RelationKind.LIVES_IN: Purpose.AREA,
    RelationKind.WORKS_ON: Purpose.PARTICIPATION,
}


def purpose_of(kind: RelationKind, given: str | None, ends: Iterable[NodeKind]) -> Purpose | None:
    """Why a tie is kept: the purpose recorded with it, else its kind's when a resident is at one end
    (None: a tie between organisations is no personal data).

    >>> purpose_of(RelationKind.KNOWS, None, [NodeKind.RESIDENT, NodeKind.INITIATIVE])
    <Purpose.CONTACT: 'CONTACT'>
    >>> purpose_of(RelationKind.KNOWS, "SUPPORT", [NodeKind.RESIDENT]), purpose_of(RelationKind.KNOWS, None, [NodeKind.ORGANISATION])
    (<Purpose.SUPPORT: 'SUPPORT'>, None)
    """
    if given:
        return Purpose(given)
    return PURPOSE_OF[kind] if NodeKind.RESIDENT in ends else None


SYMMETRIC = frozenset({RelationKind.KNOWS, RelationKind.PARTNERS_WITH})

_R, _O, _W, _I, _M = (
    NodeKind.RESIDENT,
    NodeKind.ORGANISATION,
    NodeKind.WIJKPARTNER,
    NodeKind.INITIATIVE,
    NodeKind.MUNICIPALITY_ROLE,
)
_ANY = frozenset(STAKEHOLDER_KINDS)
_GROUPS = frozenset({_O, _W, _I})

# Which (source kind, target kind) each relation kind may join.
ENDS: dict[RelationKind, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    RelationKind.MEMBER_OF: (frozenset({_R, _O, _I, _W}), _GROUPS),
    RelationKind.WORKS_FOR: (frozenset({_R, _M}), _GROUPS),
    RelationKind.COORDINATES: (_ANY, _GROUPS | {NodeKind.MEETING}),
    RelationKind.FOUNDED: (_ANY, _GROUPS),
    RelationKind.PARTNERS_WITH: (_ANY, _ANY),
    RelationKind.SUPPORTS: (_ANY, _GROUPS),
    RelationKind.FUNDS: (frozenset({_O, _W, _M, _I}), _GROUPS),
    RelationKind.KNOWS: (_ANY, _ANY),
    RelationKind.ATTENDED: (_ANY, frozenset({NodeKind.MEETING})),
    RelationKind.CONTACT_FOR: (frozenset({_R, _W, _M, _O}), _GROUPS | {NodeKind.AREA}),
    RelationKind.RESPONSIBLE_FOR: (frozenset({_M, _W}), _GROUPS | {NodeKind.AREA}),
    RelationKind.ACTIVE_IN: (_ANY, _GROUPS | {NodeKind.AREA}),
    RelationKind.LIVES_IN: (frozenset({_R}), frozenset({NodeKind.AREA})),
    RelationKind.WORKS_ON: (_ANY, frozenset({_I})),
}

# Compact codes the projection stores per relation instead of the enum.
RELATION_CODES: dict[RelationKind, int] = {kind: i for i, kind in enumerate(RelationKind)}
RELATION_BY_CODE: tuple[RelationKind, ...] = tuple(RelationKind)


def fits(kind: RelationKind, source: NodeKind, target: NodeKind) -> bool:
    """Whether a relation of ``kind`` may go from a ``source`` node to a ``target`` node.

    >>> fits(RelationKind.LIVES_IN, NodeKind.RESIDENT, NodeKind.AREA)
    True
    >>> fits(RelationKind.LIVES_IN, NodeKind.ORGANISATION, NodeKind.AREA)
    False
    """
    sources, targets = ENDS[kind]
    return source in sources and target in targets
