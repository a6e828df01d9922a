"""Connection intelligence: one module per question, each a function over a ``View``.

``paths`` (how two stakeholders are connected), ``introducers`` (who can introduce them),
``matching`` (which partners fit an initiative, and who links them), ``brokers`` (who bridges
groups), ``communities`` (who works together), ``gaps`` (where a neighbourhood lacks initiatives,
partners or a residents' organisation) and ``ego`` (a stakeholder's neighbourhood). ``network``
makes a view cheap to search, ``catalogue`` indexes partners and initiatives by area and theme,
``igraphs`` runs the global measures and ``measures`` caches them per graph version (one
``Measures`` per app, computing on frozen copies of one version in the background).
"""

from .brokers import Broker, BrokerReport, brokers
from .communities import Bridge, Community, CommunityReport, ThemeShare, communities
from .ego import EgoNetwork, EgoNode, ego_network
from .gaps import NeighbourhoodGap, ThemeCoverage, coverage_gaps
from .introducers import Introducer, introducers
from .matching import MATCH_WEIGHTS, InitiativeDraft, MatchWeights, PartnerMatch, ScorePart, match_partners
from .measures import Freshness, Measures
from .paths import Hop, Introduction, Path, connection_paths, hops_between

__all__ = [
    "MATCH_WEIGHTS",
    "Bridge",
    "Broker",
    "BrokerReport",
    "Community",
    "CommunityReport",
    "EgoNetwork",
    "EgoNode",
    "Freshness",
    "Hop",
    "InitiativeDraft",
    "Introducer",
    "Introduction",
    "MatchWeights",
    "Measures",
    "NeighbourhoodGap",
    "PartnerMatch",
    "Path",
    "ScorePart",
    "ThemeCoverage",
    "ThemeShare",
    "brokers",
    "communities",
    "connection_paths",
    "coverage_gaps",
    "ego_network",
    "hops_between",
    "introducers",
    "match_partners",
]
