"""The managers: one module per manager (as pre-commit has one per language), listed once in :mod:`.registry`.

A manager's behaviour is its module's ``recipe()``; its facts (OSes, ecosystem, setup action,
tracker) are data in ``matrix/managers/NAME.yml``; :func:`get` joins the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rodeo_action.managers.base import CellSpec, Family, Manager, ManagerInfo, ManagerModule, Recipe, Target, os_family
from rodeo_action.managers.registry import MODULES
from rodeo_action.resources import data_dir, read_yaml

__all__ = ["MODULES", "CellSpec", "Family", "Manager", "ManagerInfo", "Recipe", "Target", "get", "manager_info",
           "os_family"]


@dataclass(frozen=True)
class _ModuleManager:
    """A :class:`Manager`: a module's ``recipe`` with the manager's YAML data."""

    info: ManagerInfo
    module: ManagerModule

    def recipe(self, spec: CellSpec) -> Recipe:
        return self.module.recipe(spec)


@cache
def manager_info(name: str) -> ManagerInfo:
    raw: dict[str, Any] = read_yaml(data_dir("matrix") / "managers" / f"{name}.yml")
    families: tuple[Family, ...] = tuple(raw["os"])
    return ManagerInfo(
        name=raw["name"], ecosystem=raw["ecosystem"], executable=raw["executable"], families=families,
        pypi=raw.get("pypi"), version_args=tuple(raw.get("version-args", ["--version"])),
        provisions_python=bool(raw.get("provisions-python", False)),
        needs_system=bool(raw.get("needs-system", False)), tracker=raw.get("tracker"), home=raw.get("home"),
        distros=tuple(raw.get("distros", ())), setup=tuple(raw.get("setup", ())),
        cache_env=raw.get("cache-env"), unavailable_hint=raw.get("unavailable-hint"),
        pythons=tuple(str(p) for p in raw.get("pythons", ())),
    )


@cache
def get(name: str) -> Manager:
    return _ModuleManager(manager_info(name), MODULES[name].load())
