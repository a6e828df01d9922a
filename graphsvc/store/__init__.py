"""Durable storage behind one small interface (``Store``); ``open_store`` picks the backend."""

from .open import open_store
from .protocol import Applied, Changes, Edge, StakeholderQuery, Store

__all__ = ["Applied", "Changes", "Edge", "StakeholderQuery", "Store", "open_store"]
