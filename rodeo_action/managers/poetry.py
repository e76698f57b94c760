"""poetry: a ``pyproject.toml`` with ``package-mode = false``, ``poetry env use`` + ``poetry install``.

Poetry's implicit PyPI source reads PyPI's per-version JSON API, which mirrors (and the registry
reachable on some machines) do not serve; so every cell names a simple index as an explicit
``primary`` source, which also turns the implicit PyPI off. Extra indexes are further primary
sources: Poetry searches every primary source, as pip searches every ``--extra-index-url``.
``requires-python`` admits the cell's minor version only, so the lock is solved for it alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.managers.pypi import primary_index, requires_python


@dataclass(frozen=True)
class Source:
    name: str
    url: str


def sources(spec: CellSpec) -> tuple[Source, ...]:
    """The configured index first, then the extras; names are ours, Poetry only needs them unique."""
    urls = (primary_index(spec), *spec.extra_index_urls)
    return tuple(Source("rodeo-index" if i == 0 else f"rodeo-extra-{i}", url) for i, url in enumerate(urls))


def pyproject(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    return render("poetry-pyproject.toml.j2", requires_python=requires_python(spec.python),
                  requirements=spec.requirements, sources=sources(spec))


def environment(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """No prompts, no keyring, the venv in the project, and config/caches kept to the cell and the cache."""
    t, work = spec.target, spec.workdir
    cache = spec.cache_dir
    env = {
        "POETRY_NO_INTERACTION": "1",
        "POETRY_VIRTUALENVS_CREATE": "true",
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
        "POETRY_KEYRING_ENABLED": "false",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        # the host user's config.toml must not change what a cell means; Poetry writes nothing here
        "POETRY_CONFIG_DIR": t.join(work, ".poetry-config"),
        "VIRTUALENV_OVERRIDE_APP_DATA": t.join(cache or work, "virtualenv-app-data"),
    }
    if cache:
        env["POETRY_CACHE_DIR"] = cache
    return tuple(sorted(env.items()))


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
