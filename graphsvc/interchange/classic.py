"""Real networks that networkx ships, as import documents, for checking the analysis against
published results: Zachary's karate club (1977), Davis' Southern Women (1941) and Padgett's
Florentine families (1993).

Their people become PUBLIC residents who KNOW each other, the Southern Women's events become
meetings they ATTENDED, and the Florentine families become organisations joined by marriage
(PARTNERS_WITH). Everything goes through the public import format, as any user's data would.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..domain.document import FORMAT

NETWORKS = ("karate", "davis", "florentine")


def _key(name: Any) -> str:
    return "n-" + "".join(ch if ch.isalnum() else "-" for ch in str(name).lower())


def classic_document(name: str) -> dict[str, Any]:
    """The import document of one of ``NETWORKS``."""
    if name == "karate":
        graph = nx.karate_club_graph()
        people = [
            {
                "id": _key(n),
                "kind": "RESIDENT",
                "name": f"Member {n}",
                "visibility": "PUBLIC",
                "tags": [graph.nodes[n]["club"]],
            }
            for n in graph
        ]
        ties = [{"kind": "KNOWS", "source": _key(u), "target": _key(v)} for u, v in graph.edges()]
        return {"format": FORMAT, "stakeholders": people, "relations": ties}
    if name == "davis":
        graph = nx.davis_southern_women_graph()
        women = [n for n, side in graph.nodes(data="bipartite") if side == 0]
        events = [n for n, side in graph.nodes(data="bipartite") if side == 1]
        people = [{"id": _key(w), "kind": "RESIDENT", "name": w, "visibility": "PUBLIC"} for w in women]
        meetings = [{"id": _key(e), "name": e} for e in events]
        ties = []
        for u, v in graph.edges():
            woman, event = (u, v) if u in women else (v, u)
            ties.append({"kind": "ATTENDED", "source": _key(woman), "target": _key(event)})
        return {"format": FORMAT, "stakeholders": people, "meetings": meetings, "relations": ties}
    if name == "florentine":
        graph = nx.florentine_families_graph()
        families = [{"id": _key(n), "kind": "ORGANISATION", "name": n, "type": "OTHER"} for n in graph]
        ties = [
            {"kind": "PARTNERS_WITH", "source": _key(u), "target": _key(v), "note": "marriage"}
            for u, v in graph.edges()
        ]
        return {"format": FORMAT, "stakeholders": families, "relations": ties}
    raise ValueError(f"unknown network {name!r}; expected one of {', '.join(NETWORKS)}")
