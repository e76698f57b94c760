"""pdm: a ``pyproject.toml`` with ``distribution = false``, ``pdm venv create`` + ``pdm install``.

The configured index replaces PDM's default source by taking its name, ``pypi``; extra indexes
are further ``[[tool.pdm.source]]`` entries, all searched. ``requires-python`` admits the cell's
minor version only, so the lock is solved for it alone. ``pdm venv create`` makes ``.venv`` in the
project and records it in ``.pdm-python``, which ``pdm install`` (lock + sync) then uses.
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.managers.pypi import project_file, tool_env

COMMENT = """\
# Written by rodeo-action: one cell's PDM project (distribution = false: nothing of its own to install).
# Every value is a TOML basic string written by tomli-w, so a requirement cannot leave its string.
"""


def pyproject(spec: CellSpec) -> str:
    # the index named "pypi" replaces PDM's default source instead of adding to it
    return project_file(COMMENT, spec, "pdm", {"distribution": False}, "pypi")


def environment(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """No prompts or update checks, an in-project venv, and config, logs and caches kept to the cell."""
    t, work = spec.target, spec.workdir
    return tool_env(spec, {
        "PDM_NON_INTERACTIVE": "1",
        "PDM_CHECK_UPDATE": "false",
        "PDM_VENV_IN_PROJECT": "true",
        "PDM_IGNORE_ACTIVE_VENV": "1",
        "COLUMNS": "400",   # pdm's rich console wraps at 80 columns, a build's output and its tracebacks mid-word
        # the host user's global config must not change what a cell means; logs stay with the cell
        "PDM_CONFIG_FILE": t.join(work, ".pdm-config.toml"),
        "PDM_LOG_DIR": t.join(work, ".pdm-log"),
    }, "PDM_CACHE_DIR")


def recipe(spec: CellSpec) -> Recipe:
    t, work = spec.target, spec.workdir
    return Recipe(
        steps=(
            write("create", t.join(work, "pyproject.toml"), pyproject(spec)),
            run("create", spec.tool, "venv", "create", spec.interpreter or spec.python, cwd=work),
            run("install", spec.tool, "install", cwd=work),
        ),
        python=t.venv_python(spec.env_dir),
        bin_dirs=(t.bin_dir(spec.env_dir),),
        env=environment(spec),
    )
