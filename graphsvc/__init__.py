"""graphsvc: the stakeholder network of a municipality as a graph, answering connection questions over GraphQL."""

__version__ = "0.1.0"
