"""Durable storage behind one small interface (``Store``); ``open_store`` picks the backend."""

from .open import open_store
from .protocol import Applied, Changes, Edge, Store

__all__ = ["Applied", "Changes", "Edge", "Store", "open_store"]
