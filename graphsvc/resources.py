"""Data files installed with the package: the demo seeds and the schemas.

In the repository they live in ``seeds/`` and ``schema/`` at the top; pyproject installs them
as ``graphsvc.seeds`` and ``graphsvc.schema``, so a plain install finds them too.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def _path(folder: str, name: str) -> Path:
    try:
        with as_file(files(f"graphsvc.{folder}") / name) as path:
            return Path(path)
    except ModuleNotFoundError:  # an editable install runs from the checkout itself
        return CHECKOUT / folder / name


def seed_path(name: str = "demo.json") -> Path:
    return _path("seeds", name)


def schema_path(name: str) -> Path:
    return _path("schema", name)
