"""poetry: a ``pyproject.toml`` with ``package-mode = false``, ``poetry env use`` + ``poetry install``.

Poetry's implicit PyPI source reads PyPI's per-version JSON API, which mirrors (and the registry
reachable on some machines) do not serve; so every cell names a simple index as an explicit
``primary`` source, which also turns the implicit PyPI off. Extra indexes are further primary
sources: Poetry searches every primary source, as pip searches every ``--extra-index-url``.
``requires-python`` admits the cell's minor version only, so the lock is solved for it alone.
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.managers.pypi import project_file, tool_env

COMMENT = """\
# Written by rodeo-action: one cell's Poetry project (no package of its own, package-mode = false).
# Every value is a TOML basic string written by tomli-w, so a requirement cannot leave its string.
"""


def pyproject(spec: CellSpec) -> str:
    return project_file(COMMENT, spec, "poetry", {"package-mode": False}, "rodeo-index", {"priority": "primary"})


def environment(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """No prompts, no keyring, the venv in the project, and config/caches kept to the cell and the cache."""
    t, work = spec.target, spec.workdir
    return tool_env(spec, {
        "POETRY_NO_INTERACTION": "1",
        "POETRY_VIRTUALENVS_CREATE": "true",
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
        "POETRY_KEYRING_ENABLED": "false",
        # the host user's config.toml must not change what a cell means; Poetry writes nothing here
        "POETRY_CONFIG_DIR": t.join(work, ".poetry-config"),
    }, "POETRY_CACHE_DIR")


def recipe(spec: CellSpec) -> Recipe:
    t, work = spec.target, spec.workdir
    return Recipe(
        steps=(
            write("create", t.join(work, "pyproject.toml"), pyproject(spec)),
            run("create", spec.tool, "env", "use", "--no-interaction", spec.interpreter or spec.python, cwd=work),
            run("install", spec.tool, "install", "--no-interaction", cwd=work),
        ),
        python=t.venv_python(spec.env_dir),
        bin_dirs=(t.bin_dir(spec.env_dir),),
        env=environment(spec),
    )
