"""conda: the reference conda CLI (``conda create``/``conda install -p``), as setup-miniconda provides it.

``conda run`` captures the command's output and prints it only when the command ends (all of it lost
when the deadline kills it) unless told ``--no-capture-output`` (conda >= 4.9; ``-s`` is newer).
"""

from __future__ import annotations

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe
from rodeo_action.managers.condafamily import conda_cli_recipe


def recipe(spec: CellSpec) -> Recipe:
    return conda_cli_recipe(spec, manager_info("conda").cache_env, ("--no-capture-output",))
