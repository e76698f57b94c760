"""micromamba: the standalone libmamba CLI that setup-micromamba installs; no base env, same flags.

``micromamba run -p PREFIX`` streams the command's output (no flag needed); on Linux and macOS it
``exec``s the command from its activation script.
"""

from __future__ import annotations

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe
from rodeo_action.managers.condafamily import conda_cli_recipe


def recipe(spec: CellSpec) -> Recipe:
    return conda_cli_recipe(spec, manager_info("micromamba").cache_env)
