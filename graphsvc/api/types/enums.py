"""GraphQL enums, with the Dutch terms in their descriptions.

The domain's enums are registered with strawberry as they are (same names and values), so
resolvers pass domain values straight through; StakeholderKind is the subset of node kinds
that are stakeholders.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from ...analysis.area_changes import ChangeCode
from ...domain import kinds
from ...domain.kinds import AreaLevel, InitiativeStatus, Need, Purpose, RelationKind, Visibility


@strawberry.enum(description="What kind of stakeholder (belanghebbende) a node is.")
class StakeholderKind(Enum):
    RESIDENT = strawberry.enum_value("RESIDENT", description="Resident (inwoner): personal data")
    ORGANISATION = strawberry.enum_value("ORGANISATION", description="Organisation: vereniging, stichting, business...")
    WIJKPARTNER = strawberry.enum_value("WIJKPARTNER", description="Wijkpartner: neighbourhood partner (wijkpartner)")
    INITIATIVE = strawberry.enum_value("INITIATIVE", description="Residents' initiative (bewonersinitiatief)")
    MUNICIPALITY_ROLE = strawberry.enum_value(
        "MUNICIPALITY_ROLE", description="Municipality role: gebiedswethouder, contactpersoon, beleidsadviseur"
    )

    @property
    def domain(self) -> kinds.NodeKind:
        return kinds.NodeKind[self.name]


strawberry.enum(
    RelationKind,
    description="Kind of a relation; SUPPORTS is a statement of support (steunverklaring), "
    "ATTENDED points at a meeting (bijeenkomst), LIVES_IN and RESPONSIBLE_FOR may point at an area.",
)
strawberry.enum(
    Visibility,
    description="Who may see a resident: everyone, social brokers (sociaal makelaars), or editors only.",
)
strawberry.enum(InitiativeStatus, description="Where an initiative stands.")
strawberry.enum(
    Purpose,
    description="Why a tie with a resident is kept (doel): CONTACT (in contact brengen), PARTICIPATION (deelname "
    "aan een initiatief of bijeenkomst), SUPPORT (steun, steunverklaring), AREA (waar iemand woont of actief is).",
)
strawberry.enum(
    Need,
    description="What an initiative needs or a partner offers: SPACE (ruimte), FUNDING (subsidie), VOLUNTEERS "
    "(vrijwilligers), KNOWLEDGE (kennis), CONTACTS (netwerk), PERMITS (vergunningen), PUBLICITY, MATERIALS.",
)
strawberry.enum(
    AreaLevel,
    description="MUNICIPALITY = gemeente (GM code), DISTRICT = wijk (WK), NEIGHBOURHOOD = buurt (BU), "
    "WORKING_AREA = a municipality's own gebied or kern (GA code, not CBS).",
)

strawberry.enum(
    ChangeCode,
    description="What changed in an area: a tie begun or ended, an initiative started, paused or ended, a "
    "partner began (STARTED_SERVING) or stopped serving it",
)


@strawberry.enum(description="Which relations of a stakeholder: those it points to, those pointing at it, or both.")
class Direction(Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


__all__ = [
    "AreaLevel",
    "ChangeCode",
    "Direction",
    "InitiativeStatus",
    "Need",
    "Purpose",
    "RelationKind",
    "StakeholderKind",
    "Visibility",
]
