"""What the PyPI-family managers share: how a custom index reaches each of them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rodeo_action.managers.base import CellSpec
from rodeo_action.managers.formats import TomlValue, toml_document

if TYPE_CHECKING:
    from packaging.requirements import Requirement

DEFAULT_INDEX = "https://pypi.org/simple/"
_URL_END = re.compile(r"\s;")     # a URL requirement's marker follows whitespace and ';' (PEP 508)


class Indexes(Protocol):
    """What :func:`index_args` reads: a CellSpec's indexes, or any pair of them (isolation's dry run)."""

    @property
    def index_url(self) -> str | None: ...

    @property
    def extra_index_urls(self) -> tuple[str, ...]: ...


def index_args(spec: Indexes, flavour: str) -> list[str]:
    """Command-line index options in ``flavour`` (pip or uv) spelling."""
    args: list[str] = []
    if spec.index_url:
        args += ["--index-url" if flavour == "pip" else "--default-index", spec.index_url]
    for url in spec.extra_index_urls:
        args += ["--extra-index-url" if flavour == "pip" else "--index", url]
    return args


def marker_text(text: str, req: Requirement) -> str | None:
    """The environment marker of requirement ``text`` (parsed as ``req``), for a file that holds it apart.

    packaging's own spelling when it reads back as the same marker, else the marker as written:
    packaging unescapes a quoted value (``"\\\\"`` is one backslash) but writes it back unescaped
    (``"\\"``), which no longer parses.
    """
    if req.marker is None:
        return None
    from packaging.markers import InvalidMarker, Marker

    normal = str(req.marker)
    try:
        if Marker(normal) == req.marker:
            return normal
    except InvalidMarker:
        pass
    return (_URL_END.split(text, 1)[1] if req.url else text.split(";", 1)[1]).strip()


def primary_index(spec: CellSpec) -> str:
    return spec.index_url or DEFAULT_INDEX


def requires_python(version: str) -> str:
    """A range that admits exactly one minor version, so a resolver solves for the cell's Python only."""
    major, minor = version.rstrip("t").split(".")[:2]
    return f">={major}.{minor},<{major}.{int(minor) + 1}"


@dataclass(frozen=True)
class Source:
    """A package index as a project file names it (poetry, pdm)."""

    name: str
    url: str


def sources(spec: CellSpec, first: str) -> tuple[Source, ...]:
    """The configured index first (named ``first``), then the extras; the tools only need unique names."""
    urls = (primary_index(spec), *spec.extra_index_urls)
    return tuple(Source(first if i == 0 else f"rodeo-extra-{i}", url) for i, url in enumerate(urls))


def project_file(comment: str, spec: CellSpec, tool: str, settings: dict[str, bool], first_source: str,
                 source_fields: dict[str, str] | None = None) -> str:
    """A pyproject.toml with no package of its own: the set, the cell's Python, the indexes.

    ``[project]`` holds the set as PEP 621 dependencies; ``[tool.TOOL]`` the tool's ``settings``
    (e.g. ``package-mode = false``); each index is one item of ``tool.TOOL.source`` with ``source_fields``.
    """
    project: dict[str, TomlValue] = {"name": "rodeo-cell", "version": "0",
                                     "requires-python": requires_python(spec.python),
                                     "dependencies": spec.requirements}
    indexes: list[TomlValue] = [{"name": source.name, "url": source.url, **(source_fields or {})}
                                for source in sources(spec, first_source)]
    return toml_document(comment, {"project": project, "tool": {tool: {**settings, "source": indexes}}})


def tool_env(spec: CellSpec, own: Mapping[str, str], cache_var: str) -> tuple[tuple[str, str], ...]:
    """A PyPI tool's variables plus what every such tool needs: no keyring prompt, virtualenv's app
    data and the tool's download cache kept to rodeo's cache (or the cell), sorted for stable steps."""
    env = {**own, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
           "VIRTUALENV_OVERRIDE_APP_DATA": spec.target.join(spec.cache_dir or spec.workdir, "virtualenv-app-data")}
    if spec.cache_dir:
        env[cache_var] = spec.cache_dir
    return tuple(sorted(env.items()))
