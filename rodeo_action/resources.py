"""Locate the data shipped with the package (matrix/, templates/, schema/).

In a wheel, matrix/ and templates/ are force-included inside ``rodeo_action/``; in a checkout
(editable install or PYTHONPATH) they sit next to the package. Both layouts are supported so
that tests run against the tree and users against the wheel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"rodeo-action data folder {name!r} not found next to {_PKG}")


def schema_path(name: str) -> Path:
    return _PKG / "schema" / name
