"""The graph engine: the in-memory networkx projection kept in step with the store."""

from .engine import Engine, build_projection, import_into
from .projection import Projection
from .view import BROKER, Role, View, Viewer

__all__ = ["BROKER", "Engine", "Projection", "Role", "View", "Viewer", "build_projection", "import_into"]
