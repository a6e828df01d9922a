"""The graph engine: the in-memory networkx projection kept in step with the store."""

from .engine import Engine, build_projection, import_into, view_in_memory
from .frozen import FrozenView
from .projection import Projection, name_order
from .view import BROKER, RelationFacts, Role, Tie, View, Viewer

__all__ = [
    "BROKER",
    "Engine",
    "FrozenView",
    "Projection",
    "RelationFacts",
    "Role",
    "Tie",
    "View",
    "Viewer",
    "build_projection",
    "import_into",
    "name_order",
    "view_in_memory",
]
