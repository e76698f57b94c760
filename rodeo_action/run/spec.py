"""What a manager is told about a cell: its packages in the manager's ecosystem, the index, the
modules to import - the pieces of the :class:`~rodeo_action.managers.CellSpec` a recipe is built from."""

from __future__ import annotations

from collections.abc import Mapping

from rodeo_action import host
from rodeo_action.config import Config
from rodeo_action.managers import ManagerInfo, os_family
from rodeo_action.names import NameMap
from rodeo_action.plan import Cell


def requirements_for(cell: Cell, config: Config, info: ManagerInfo, names: NameMap) -> tuple[list[str], list[str]]:
    """The set's packages in the manager's ecosystem, and notes about what was lost in translation."""
    reqs, notes = [], []
    for name in cell.packages:
        pkg = config.package(name)
        if info.ecosystem == "pypi":
            reqs.append(pkg.requirement)
            continue
        mapped = names.ecosystem_name(pkg, info.ecosystem, info.name)
        assert mapped is not None  # n/a cells are never run
        if info.ecosystem == "conda" and pkg.specifier:
            reqs.append(f"{mapped}{pkg.specifier}")
        else:
            reqs.append(mapped)
            if pkg.specifier:
                notes.append(f"{info.ecosystem} cannot pin {pkg.name}{pkg.specifier}: installing {mapped}")
    return reqs, notes


def index_urls(config: Config, environ: Mapping[str, str]) -> tuple[str | None, tuple[str, ...]]:
    """rodeo.yml's index wins; otherwise pip's own PIP_INDEX_URL / PIP_EXTRA_INDEX_URL apply to all."""
    index = config.index_url or environ.get("PIP_INDEX_URL") or None
    extra = config.extra_index_url or tuple(environ.get("PIP_EXTRA_INDEX_URL", "").split())
    return index, tuple(extra)


def import_names(cell: Cell, config: Config, names: NameMap) -> list[str]:
    """The modules the set's packages are known to provide (names.yml or rodeo.yml's ``imports``)."""
    out: list[str] = []
    for name in cell.packages:
        out.extend(names.imports(config.package(name)) or ())
    return out


def unavailable_here(info: ManagerInfo, cell: Cell, allow_system: bool) -> str | None:
    """Why this machine cannot run the cell at all (another OS, distro, or a system manager not
    allowed); None when it can."""
    fam = host.family()
    if os_family(cell.os) != fam:
        return f"this machine runs {fam}; the cell is for {cell.os}"
    if info.distros and (host.distro() or "") not in info.distros:
        return f"{info.name} needs {'/'.join(info.distros)}; this machine is {host.distro() or fam}"
    if info.needs_system and not allow_system:
        return info.unavailable_hint or f"{info.name} changes the system; pass --allow-system"
    return None
