"""pdm: a ``pyproject.toml`` with ``distribution = false``, ``pdm venv create`` + ``pdm install``.

The configured index replaces PDM's default source by taking its name, ``pypi``; extra indexes
are further ``[[tool.pdm.source]]`` entries, all searched. ``requires-python`` admits the cell's
minor version only, so the lock is solved for it alone. ``pdm venv create`` makes ``.venv`` in the
project and records it in ``.pdm-python``, which ``pdm install`` (lock + sync) then uses.
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.managers.poetry import Source
from rodeo_action.managers.pypi import primary_index, requires_python


def sources(spec: CellSpec) -> tuple[Source, ...]:
    urls = (primary_index(spec), *spec.extra_index_urls)
    return tuple(Source("pypi" if i == 0 else f"rodeo-extra-{i}", url) for i, url in enumerate(urls))


def pyproject(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    return render("pdm-pyproject.toml.j2", requires_python=requires_python(spec.python),
                  requirements=spec.requirements, sources=sources(spec))


def environment(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """No prompts or update checks, an in-project venv, and config, logs and caches kept to the cell."""
    t, work = spec.target, spec.workdir
    cache = spec.cache_dir
    env = {
        "PDM_NON_INTERACTIVE": "1",
        "PDM_CHECK_UPDATE": "false",
        "PDM_VENV_IN_PROJECT": "true",
        "PDM_IGNORE_ACTIVE_VENV": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        # the host user's global config must not change what a cell means; logs stay with the cell
        "PDM_CONFIG_FILE": t.join(work, ".pdm-config.toml"),
        "PDM_LOG_DIR": t.join(work, ".pdm-log"),
        "VIRTUALENV_OVERRIDE_APP_DATA": t.join(cache or work, "virtualenv-app-data"),
    }
    if cache:
        env["PDM_CACHE_DIR"] = cache
    return tuple(sorted(env.items()))


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
