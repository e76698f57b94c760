"""The manager registry: one module per manager, registered in one dict (as pre-commit does).

A manager's behaviour is its module's ``recipe()``; its facts (OSes, ecosystem, setup action,
tracker) are data in ``matrix/managers/NAME.yml``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rodeo_action.managers.base import CellSpec, Family, Manager, ManagerInfo, Recipe, Target, os_family
from rodeo_action.resources import data_dir, read_yaml

# name -> module; imported on first use so `rodeo run` loads only the manager it runs
MODULES: dict[str, str] = {
    "pip": "pip", "uv": "uv", "poetry": "poetry", "pdm": "pdm", "pipenv": "pipenv", "hatch": "hatch",
    "conda": "conda", "mamba": "mamba", "micromamba": "micromamba", "pixi": "pixi",
    "nix": "nix", "mach-nix": "mach_nix", "poetry2nix": "poetry2nix", "uv2nix": "uv2nix",
    "spack": "spack", "apt": "apt",
}

__all__ = ["MODULES", "CellSpec", "Family", "Manager", "ManagerInfo", "Recipe", "Target", "get", "manager_info",
           "os_family"]


@dataclass(frozen=True)
class _ModuleManager:
    info: ManagerInfo
    _recipe: Callable[[CellSpec], Recipe]

    def recipe(self, spec: CellSpec) -> Recipe:
        return self._recipe(spec)


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
    module = importlib.import_module(f"rodeo_action.managers.{MODULES[name]}")
    return _ModuleManager(manager_info(name), module.recipe)
