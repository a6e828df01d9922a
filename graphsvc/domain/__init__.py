"""The domain: kinds, value types and validation. No I/O in this layer."""

from .areas import Area, within
from .errors import ConflictError, GraphsvcError, NotFoundError, Problem, StoreUnavailableError, ValidationError
from .kinds import AreaLevel, InitiativeStatus, NodeKind, RelationKind, Visibility
from .model import Batch, Node, Relation, Review
from .themes import DEFAULT_THEMES, Theme

__all__ = [
    "DEFAULT_THEMES",
    "Area",
    "AreaLevel",
    "Batch",
    "ConflictError",
    "GraphsvcError",
    "InitiativeStatus",
    "Node",
    "NodeKind",
    "NotFoundError",
    "Problem",
    "Relation",
    "RelationKind",
    "Review",
    "StoreUnavailableError",
    "Theme",
    "ValidationError",
    "Visibility",
    "within",
]
