"""What conda, mamba, micromamba and pixi share: conda-forge only, a Python they provision, a prefix layout.

All four solve from conda-forge alone (``--override-channels -c conda-forge``): with a single
channel, strict channel priority holds by construction and a user's ``.condarc`` cannot leak
``defaults`` (or its terms of service) into a cell. The cell's Python is itself a conda package
(``python=3.12``), so these managers need no host interpreter. The environment is created with
Python only, then the set is installed, so a Python conda-forge lacks fails in ``create`` and a
package it lacks fails in ``install``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rodeo_action.managers.base import CellSpec, Recipe, Target, lines_file, run, write

CHANNEL = "conda-forge"
CHANNEL_ARGS = ("-c", CHANNEL, "--override-channels")
FREE_THREADING = "python-freethreading"   # conda-forge's selector for the cp3XXt ABI of `python`

# where a conda matchspec's name ends and its version constraint begins: `tensorflow>=2`, `numpy 1.26.*`
_MATCHSPEC = re.compile(r"^(?P<name>[^ \t<>=!~]+)[ \t]*(?P<version>.*)$", re.DOTALL)


def python_specs(version: str) -> tuple[str, ...]:
    """The specs pinning the cell's Python: ``3.12`` -> python=3.12; ``3.13t`` adds the free-threaded ABI."""
    if version.endswith("t"):
        return (f"python={version[:-1]}", FREE_THREADING)
    return (f"python={version}",)


def prefix(spec: CellSpec) -> str:
    """conda/mamba/micromamba's prefix: inside the cell's folder, never a named env."""
    return spec.target.join(spec.workdir, "env")


def bin_dirs(target: Target, env: str) -> tuple[str, ...]:
    """The PATH entries ``conda activate`` adds, so a ``test:`` command finds the env's tools and DLLs."""
    if target.windows:
        library = target.join(env, "Library")
        return (env, target.join(library, "mingw-w64", "bin"), target.join(library, "usr", "bin"),
                target.join(library, "bin"), target.join(env, "Scripts"), target.join(env, "bin"))
    return (target.conda_bin(env),)


@dataclass(frozen=True)
class Dependency:
    """A matchspec split for a manifest table: ``tensorflow>=2`` -> (tensorflow, >=2); none -> ``*``."""

    name: str
    version: str

    @classmethod
    def parse(cls, matchspec: str) -> Dependency:
        match = _MATCHSPEC.match(matchspec.strip())
        if match is None:  # empty or operator-first: keep it whole so the solver reports it
            return cls(matchspec, "*")
        return cls(match["name"], match["version"].strip() or "*")


def python_dependencies(version: str) -> tuple[Dependency, ...]:
    """The cell's Python as manifest entries: ``python = "3.12.*"`` (plus the free-threaded selector)."""
    base = version[:-1] if version.endswith("t") else version
    deps = (Dependency("python", f"{base}.*"),)
    return deps + ((Dependency(FREE_THREADING, "*"),) if version.endswith("t") else ())


def environment_yml(spec: CellSpec) -> str:
    """The cell as an ``environment.yml``: the file people and upstream trackers use to recreate an env."""
    from rodeo_action.templating import render

    return render("environment.yml.j2", channels=[CHANNEL],
                  dependencies=[*python_specs(spec.python), *spec.requirements])


def conda_cli_recipe(spec: CellSpec, cache_env: str | None, run_flags: tuple[str, ...] = ()) -> Recipe:
    """conda, mamba and micromamba share one CLI: ``create -p`` with Python, then ``install -p`` the set.

    ``install`` repeats the Python pin so the solver may not move the env to another Python to fit
    a package: the cell is about this Python. ``environment.yml`` is written next to the prefix as
    the equivalent declarative form for the repro (``conda env create -p env -f environment.yml``);
    the commands themselves use the command line, which is identical across the three tools.
    On Windows the set goes through ``--file specs.txt``: ``conda`` there is ``condabin\\conda.bat``,
    and cmd.exe would read the ``>`` of ``tensorflow>=2`` as a redirection.

    The probe and ``test:`` run through ``TOOL run -p PREFIX [run_flags]``, as a user runs a command in
    the environment: ``run`` activates it first (its ``etc/conda/activate.d`` scripts set e.g. proj's
    ``PROJ_DATA``), which the environment's python called directly would skip.
    """
    env = prefix(spec)
    pythons = python_specs(spec.python)
    steps = [
        write("create", spec.target.join(spec.workdir, "environment.yml"), environment_yml(spec)),
        run("create", spec.tool, "create", "-y", "-p", env, *CHANNEL_ARGS, *pythons),
    ]
    install = [spec.tool, "install", "-y", "-p", env, *CHANNEL_ARGS, *pythons]
    if spec.target.windows and spec.requirements:
        specs = spec.target.join(spec.workdir, "specs.txt")
        steps.append(write("install", specs, lines_file(spec.requirements)))
        install += ["--file", specs]
    else:
        install += spec.requirements
    steps.append(run("install", *install))
    return Recipe(
        steps=tuple(steps),
        python=spec.target.conda_python(env),
        bin_dirs=bin_dirs(spec.target, env),
        env=((cache_env, spec.cache_dir),) if cache_env and spec.cache_dir else (),
        launcher=(spec.tool, "run", "-p", env, *run_flags),
    )
