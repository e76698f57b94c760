"""What the PyPI-family managers share: how a custom index reaches each of them."""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec

DEFAULT_INDEX = "https://pypi.org/simple/"


def index_args(spec: CellSpec, flavour: str) -> list[str]:
    """Command-line index options in ``flavour`` (pip or uv) spelling."""
    args: list[str] = []
    if spec.index_url:
        args += ["--index-url" if flavour == "pip" else "--default-index", spec.index_url]
    for url in spec.extra_index_urls:
        args += ["--extra-index-url" if flavour == "pip" else "--index", url]
    return args


def primary_index(spec: CellSpec) -> str:
    return spec.index_url or DEFAULT_INDEX


def requires_python(version: str) -> str:
    """A range that admits exactly one minor version, so a resolver solves for the cell's Python only."""
    major, minor = version.rstrip("t").split(".")[:2]
    return f">={major}.{minor},<{major}.{int(minor) + 1}"
