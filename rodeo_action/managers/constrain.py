"""A cell's recipe with some distributions pinned, each manager its own way: the tries of isolating a regression.

Isolating the release that broke a cell re-installs it with the last pass's pins, some changes
reverted (:mod:`rodeo_action.isolate`). A try must be the cell as it is - the same set, the same
manager, the same files - plus pins, through the mechanism a user of that manager would use, so a
try that passes says the manager itself can install the set at those versions:

- pip, uv: a ``constraints.txt`` in the cell's folder and ``-c FILE`` on the install (a constraint
  pins what gets installed without asking for it: an added distribution stays unwanted);
- poetry, pdm, pipenv, hatch: ``name==version`` requirements beside the set's own, in the project file
  the manager generates (PEP 621 ``project.dependencies`` and hatch's ``dependencies`` take both
  strings; the Pipfile AND-s them into one entry). A pin contradicting the set's own requirement
  stays impossible, and the resolver says so (a try that fails some other way);
- conda, mamba, micromamba, pixi: the match spec ``name==version`` beside the set's specs (conda's
  exact form: ``name=1.16`` is a prefix match and would take 1.16.1), PyPI names mapped to
  conda-forge's by ``matrix/names.yml``;
- apt: ``package=version``, dpkg's names and versions (the apt lock's lines, not the probe's PyPI ones).

The nix family and spack have no way to pin single distributions here (nixpkgs is one pinned
revision; a spack environment is concretized whole): :class:`Unconstrainable`, a :class:`LockError`,
whose message the driver reports as why the cell was not isolated.

Every pin is checked before it reaches a file or an argument: a name or version that is not one
plain token of its ecosystem (a line break, a leading ``-``, ``@ file:///x``) raises :class:`UnsafeValue`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Recipe, Step, UnsafeValue, lines_file, write
from rodeo_action.managers.locks import LockError

CONSTRAINTS = "constraints.txt"
CONSTRAINT_FILE = ("pip", "uv")
PROJECT = ("poetry", "pdm", "pipenv", "hatch")
CONDA = ("conda", "mamba", "micromamba", "pixi")
SUPPORTED = frozenset((*CONSTRAINT_FILE, *PROJECT, *CONDA, "apt"))

# PEP 508 names; conda-forge names (lowercase, may start with "_": _libgcc_mutex); Debian package names
# (with dpkg's ":arch" when it adds one)
_PYPI_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
_CONDA_NAME = re.compile(r"[a-z0-9_][a-z0-9_.+-]*")
_CONDA_VERSION = re.compile(r"[0-9A-Za-z_][0-9A-Za-z_.+!]*")
_APT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?")
_APT_VERSION = re.compile(r"[0-9][A-Za-z0-9.+~:-]*")


class Unconstrainable(LockError):
    """A manager that cannot install the set with single distributions pinned: the cell is not isolated."""


def can_constrain(manager: str) -> bool:
    """Whether :func:`constrained_recipe` can pin distributions for ``manager`` (ask before spending installs)."""
    return manager in SUPPORTED


def constrained_recipe(manager: str, spec: CellSpec, pins: Mapping[str, str]) -> Recipe:
    """The cell's own recipe with ``pins`` ({name: exact version}) applied the way ``manager`` pins.

    No pins: the recipe itself, unchanged (for every manager), so a try without pins is the cell.
    :class:`Unconstrainable` for a manager with no way to pin; :class:`UnsafeValue` for a pin that is not
    one plain token.
    """
    if not pins:
        return get(manager).recipe(spec)
    if manager not in SUPPORTED:
        raise Unconstrainable(f"{manager} has no way to pin single distributions here (rodeo pins with pip/uv "
                              "constraints, project files, conda match specs and apt versions only)")
    if manager in CONSTRAINT_FILE:
        return _with_constraints(spec, get(manager).recipe(spec), constraints_text(pins))
    if manager in PROJECT:
        return get(manager).recipe(replace(spec, requirements=(*spec.requirements, *_project_pins(spec, pins))))
    if manager in CONDA:
        specs, dropped = conda_pins(pins)
        recipe = get(manager).recipe(replace(spec, requirements=(*spec.requirements, *specs)))
        notes = tuple(f"pin dropped: {name} is not packaged on conda-forge" for name in dropped)
        return replace(recipe, notes=recipe.notes + notes)
    return get(manager).recipe(replace(spec, requirements=apt_requirements(spec.requirements, pins)))


def pypi_pins(pins: Mapping[str, str]) -> tuple[str, ...]:
    """``name==version`` for each pin, sorted by name; a name that is not PEP 508's or a version that is
    not PEP 440's (each could carry an option, a URL or a second line) is refused."""
    out = []
    for name, version in sorted(pins.items(), key=lambda item: canonicalize_name(item[0])):
        if not _PYPI_NAME.fullmatch(name):
            raise UnsafeValue(f"pin {name!r} is not a distribution name")
        try:
            Version(version)
        except InvalidVersion:
            raise UnsafeValue(f"pin {name}=={version!r} is not a version a PyPI resolver can pin") from None
        if version != version.strip():
            raise UnsafeValue(f"pin {name}=={version!r} holds whitespace")
        out.append(f"{name}=={version}")
    return tuple(out)


def constraints_text(pins: Mapping[str, str]) -> str:
    """A pip/uv constraints file of ``pins``: what a cell's install reads with ``-c``, and what the driver can
    hand the install of a manager's own tool venv (scope ``tool``), which is no recipe."""
    return lines_file(pypi_pins(pins))


def _project_pins(spec: CellSpec, pins: Mapping[str, str]) -> tuple[str, ...]:
    """The pins as requirements, each name spelled as the set spells it: a Pipfile keys its packages by
    name, and ``Six`` beside ``six`` would be two entries for one distribution."""
    spelled: dict[str, str] = {}
    for text in spec.requirements:
        try:
            name = Requirement(text).name
        except InvalidRequirement:   # config checked the set; a line packaging cannot read keeps its own
            continue
        spelled.setdefault(canonicalize_name(name), name)
    pypi_pins(pins)   # every pin checked as it was given
    return pypi_pins({spelled.get(canonicalize_name(name), name): version for name, version in pins.items()})


def _with_constraints(spec: CellSpec, recipe: Recipe, lines: str) -> Recipe:
    """``recipe`` writing ``constraints.txt`` before its install, which reads it with ``-c`` (after
    ``pip install``): only the install is constrained, the venv it creates is the cell's own."""
    path = spec.target.join(spec.workdir, CONSTRAINTS)
    steps: list[Step] = []
    for step in recipe.steps:
        if step.phase == "install" and step.write is None:
            if not any(s.write == path for s in steps):
                steps.append(write("install", path, lines))
            step = replace(step, argv=_after_install(step.argv, ("-c", path)))
        steps.append(step)
    return replace(recipe, steps=tuple(steps))


def _after_install(argv: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """``extra`` right after the ``pip install`` of ``argv`` (``python -m pip install``, ``uv pip install``)."""
    for i in range(len(argv) - 1):
        if argv[i:i + 2] == ("pip", "install"):
            return (*argv[:i + 2], *extra, *argv[i + 2:])
    raise ValueError(f"no 'pip install' in {argv!r} to constrain")


def conda_pins(pins: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``name==version`` match specs (conda's exact form), sorted, and the names not packaged on conda-forge.

    A PyPI name (what the probe records) becomes conda-forge's by ``matrix/names.yml`` (msgpack ->
    msgpack-python); any other name, already conda's (from an explicit lock), is lowercased as
    conda-forge's names all are.
    """
    from rodeo_action.names import builtin

    entries = builtin().entries
    specs: list[str] = []
    dropped: list[str] = []
    for name, version in sorted(pins.items()):
        if not _CONDA_NAME.fullmatch(name.lower()):
            raise UnsafeValue(f"pin {name!r} is not a conda package name")
        if not _CONDA_VERSION.fullmatch(version):
            raise UnsafeValue(f"pin {name}=={version!r} is not a conda version")
        entry = entries.get(canonicalize_name(name), {})
        if "conda" in entry and entry["conda"] is None:
            dropped.append(name)
            continue
        specs.append(f"{str(entry.get('conda', name)).lower()}=={version}")
    return tuple(sorted(specs)), tuple(dropped)


def apt_requirements(requirements: tuple[str, ...], pins: Mapping[str, str]) -> tuple[str, ...]:
    """The set with each pinned package as ``package=version`` in place of its bare name (apt-get asked
    for one package twice picks one of the two), the other pins after it, sorted."""
    wanted = dict.fromkeys(requirements)
    for name, version in pins.items():
        if not _APT_NAME.fullmatch(name):
            raise UnsafeValue(f"pin {name!r} is not a Debian package name")
        if not _APT_VERSION.fullmatch(version):
            raise UnsafeValue(f"pin {name}={version!r} is not a Debian version")
    pinned = {name: f"{name}={version}" for name, version in pins.items()}
    kept = tuple(pinned.pop(req, req) for req in wanted)
    return (*kept, *(pinned[name] for name in sorted(pinned)))
