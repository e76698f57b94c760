"""Locate the data shipped with the package (matrix/, templates/, schema/).

In a wheel, matrix/ and templates/ are force-included inside ``rodeo_action/``; in a checkout
(editable install or PYTHONPATH) they sit next to the package. Both layouts are supported so
that tests run against the tree and users against the wheel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"rodeo-action data folder {name!r} not found next to {_PKG}")


def schema_path(name: str) -> Path:
    return _PKG / "schema" / name


def read_yaml(path: Path) -> Any:
    """Our own shipped YAML (manager recipes, names), parsed by libyaml when PyYAML has it.

    Every ``rodeo run`` reads a few of these files; the pure-Python loader spends ~20 ms on them,
    libyaml ~2 ms. User files go through ``yamlsrc`` instead, which keeps line numbers.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
