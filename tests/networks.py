"""Real networks that networkx ships, as graphsvc import documents.

Each is imported through the public import format (``engine_with(karate_document())``), so the
analysis sees them exactly as it would see a municipality's data.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from graphsvc.domain.document import FORMAT


def slug(name: object) -> str:
    """An id from a node label: 'Evelyn Jefferson' -> 'evelyn-jefferson', 3 -> 'n3'."""
    text = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return text if text and not text.isdigit() else f"n{text}"


def stakeholder_document(graph: nx.Graph, kind: str, relation: str) -> dict[str, Any]:
    """Every node a stakeholder of ``kind`` (residents PUBLIC), every edge a ``relation``."""
    extra = {"visibility": "PUBLIC"} if kind == "RESIDENT" else {}
    return {
        "format": FORMAT,
        "stakeholders": [{"id": slug(n), "kind": kind, "name": str(n), **extra} for n in graph],
        "relations": [{"kind": relation, "source": slug(u), "target": slug(v)} for u, v in graph.edges()],
    }


def florentine_document() -> dict[str, Any]:
    """Padgett's Florentine families: marriage ties between families as partnerships."""
    return stakeholder_document(nx.florentine_families_graph(), "ORGANISATION", "PARTNERS_WITH")


def karate_document() -> dict[str, Any]:
    """Zachary's karate club: the members as residents who know each other."""
    return stakeholder_document(nx.karate_club_graph(), "RESIDENT", "KNOWS")


def davis_document() -> dict[str, Any]:
    """Davis' Southern Women: the women as residents, the social events they attended as meetings."""
    graph = nx.davis_southern_women_graph()
    women = [n for n, side in graph.nodes(data="bipartite") if side == 0]
    events = [n for n, side in graph.nodes(data="bipartite") if side == 1]
    return {
        "format": FORMAT,
        "stakeholders": [{"id": slug(w), "kind": "RESIDENT", "name": w, "visibility": "PUBLIC"} for w in women],
        "meetings": [{"id": slug(e), "name": f"Event {e}", "date": "1935-01-01"} for e in events],
        "relations": [
            {"kind": "ATTENDED", "source": slug(w), "target": slug(e)}
            for w, e in (sorted(edge, key=lambda n: n in events) for edge in graph.edges())
        ],
    }
