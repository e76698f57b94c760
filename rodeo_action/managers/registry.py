"""The sixteen managers, written once: their order, how to load each one's module, how to read its logs.

Every other list of managers derives from :data:`MODULES` (``config.manager_names``, the rules and the
tool table of :mod:`rodeo_action.causes`) or is checked against it by tests/managers/test_registry.py
(the schema's enums, ``matrix/managers/NAME.yml``, one test file per manager), which fails when a
manager is added in one place only.

A module is imported on first use, so ``rodeo run`` loads only the manager it runs
(tests/test_startup.py). Each loader is a function typed to return a
:class:`~rodeo_action.managers.base.ManagerModule`, so mypy checks every module's ``recipe`` against
the protocol, which a module imported by name (``importlib``) would escape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from rodeo_action.managers.base import ManagerModule

# The rule sets of rodeo_action.causes, one module each, that a manager's logs are read with
RuleSet = Literal["pip", "uv", "poetry", "pdm", "pipenv", "hatch", "conda", "pixi", "nix", "spack", "apt"]


@dataclass(frozen=True)
class Registration:
    """One manager: ``load`` imports its module; ``log_rules`` are its own rules, then those of the
    tools it drives (pip inside pipenv), in the order rodeo_action.causes tries them."""

    load: Callable[[], ManagerModule]
    log_rules: tuple[RuleSet, ...]


def _pip() -> ManagerModule:
    from rodeo_action.managers import pip
    return pip


def _uv() -> ManagerModule:
    from rodeo_action.managers import uv
    return uv


def _poetry() -> ManagerModule:
    from rodeo_action.managers import poetry
    return poetry


def _pdm() -> ManagerModule:
    from rodeo_action.managers import pdm
    return pdm


def _pipenv() -> ManagerModule:
    from rodeo_action.managers import pipenv
    return pipenv


def _hatch() -> ManagerModule:
    from rodeo_action.managers import hatch
    return hatch


def _conda() -> ManagerModule:
    from rodeo_action.managers import conda
    return conda


def _mamba() -> ManagerModule:
    from rodeo_action.managers import mamba
    return mamba


def _micromamba() -> ManagerModule:
    from rodeo_action.managers import micromamba
    return micromamba


def _pixi() -> ManagerModule:
    from rodeo_action.managers import pixi
    return pixi


def _nix() -> ManagerModule:
    from rodeo_action.managers import nix
    return nix


def _mach_nix() -> ManagerModule:
    from rodeo_action.managers import mach_nix
    return mach_nix


def _poetry2nix() -> ManagerModule:
    from rodeo_action.managers import poetry2nix
    return poetry2nix


def _uv2nix() -> ManagerModule:
    from rodeo_action.managers import uv2nix
    return uv2nix


def _spack() -> ManagerModule:
    from rodeo_action.managers import spack
    return spack


def _apt() -> ManagerModule:
    from rodeo_action.managers import apt
    return apt


# name -> registration, in the order the report shows managers
MODULES: Mapping[str, Registration] = {
    "pip": Registration(_pip, ("pip",)),
    "uv": Registration(_uv, ("uv",)),
    "poetry": Registration(_poetry, ("poetry", "pip")),
    "pdm": Registration(_pdm, ("pdm",)),
    "pipenv": Registration(_pipenv, ("pipenv", "pip")),
    "hatch": Registration(_hatch, ("hatch", "uv", "pip")),
    "conda": Registration(_conda, ("conda",)),
    "mamba": Registration(_mamba, ("conda",)),
    "micromamba": Registration(_micromamba, ("conda",)),
    "pixi": Registration(_pixi, ("pixi", "conda", "uv")),
    "nix": Registration(_nix, ("nix",)),
    "mach-nix": Registration(_mach_nix, ("nix", "pip")),
    "poetry2nix": Registration(_poetry2nix, ("nix", "poetry")),
    "uv2nix": Registration(_uv2nix, ("nix", "uv")),
    "spack": Registration(_spack, ("spack",)),
    "apt": Registration(_apt, ("apt",)),
}
