"""pip: the stdlib ``venv`` plus ``python -m pip install`` - the baseline every other manager is measured against."""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run
from rodeo_action.managers.pypi import index_args


def recipe(spec: CellSpec) -> Recipe:
    env = spec.env_dir
    python = spec.target.venv_python(env)
    base = spec.interpreter or spec.target.exe(f"python{spec.python}")
    return Recipe(
        steps=(
            run("create", base, "-m", "venv", env),
            run("install", python, "-m", "pip", "install", *index_args(spec, "pip"), *spec.requirements),
        ),
        python=python,
        bin_dirs=(spec.target.bin_dir(env),),
        env=(("PIP_CACHE_DIR", spec.cache_dir),) if spec.cache_dir else (),
    )
