"""uv: ``uv venv`` + ``uv pip install``; uv can find or download the requested Python itself."""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run
from rodeo_action.managers.pypi import index_args


def recipe(spec: CellSpec) -> Recipe:
    env = spec.env_dir
    python = spec.target.venv_python(env)
    extra = (("UV_CACHE_DIR", spec.cache_dir),) if spec.cache_dir else ()
    return Recipe(
        steps=(
            run("create", spec.tool, "venv", "--no-project", "--python", spec.interpreter or spec.python, env),
            run("install", spec.tool, "pip", "install", "--python", python, *index_args(spec, "uv"),
                *spec.requirements),
        ),
        python=python,
        bin_dirs=(spec.target.bin_dir(env),),
        env=(("UV_PYTHON_DOWNLOADS", "automatic"),) + extra,
    )
