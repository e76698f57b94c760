"""mamba: conda's CLI on the libmamba solver; same commands and flags as conda.

``mamba run`` gets no ``--no-capture-output``: mamba 2's ``run`` is micromamba's (output streamed; an
option it does not know would be taken for the command), mamba 1 hands ``run`` to conda (output
printed when the command ends).
"""

from __future__ import annotations

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe
from rodeo_action.managers.condafamily import conda_cli_recipe


def recipe(spec: CellSpec) -> Recipe:
    return conda_cli_recipe(spec, manager_info("mamba").cache_env)
