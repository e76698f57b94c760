"""spack: an independent Spack environment (spack.yaml) with the set and the cell's Python, unified.

``spack env create -d`` keeps the environment inside the cell's folder (no named, global env),
``concretize`` and ``install`` are separate steps so a solver failure and a build failure read
differently, and the environment's view gives one prefix with ``bin/python``. ``install`` keeps
Spack's default ``--use-buildcache auto``, so the build cache setup-spack configures is used.

Packages whose Linux default is ``+cuda`` get a strong ``~cuda`` preference (``prefer:`` in
``matrix/managers/spack.yml``): what a user on a runner without a GPU asks for, where the default
means building CUDA and Bazel from source for hours.
"""

from __future__ import annotations

from functools import cache

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.resources import data_dir, read_yaml


@cache
def preferences() -> tuple[tuple[str, str], ...]:
    """``(package, spec)`` from ``prefer:`` in spack's matrix YAML, sorted by name."""
    raw = read_yaml(data_dir("matrix") / "managers" / "spack.yml").get("prefer") or {}
    return tuple(sorted((str(k), str(v)) for k, v in raw.items()))


def python_spec(version: str) -> str:
    if version.endswith("t"):
        raise ValueError(f"Spack has no free-threaded Python build to match {version!r}")
    return f"python@{version}"


def spack_yaml(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    return render("spack.yaml.j2", specs=[python_spec(spec.python), *spec.requirements], view=view(spec),
                  prefer=preferences())


def view(spec: CellSpec) -> str:
    return spec.target.join(spec.workdir, "view")


def recipe(spec: CellSpec) -> Recipe:
    if spec.target.windows:
        raise ValueError("spack runs on Linux and macOS only")
    manifest = spec.target.join(spec.workdir, "spack.yaml")
    env_dir = spec.target.join(spec.workdir, "env")
    bin_dir = spec.target.join(view(spec), "bin")
    return Recipe(
        steps=(
            write("create", manifest, spack_yaml(spec)),
            run("create", spec.tool, "env", "create", "-d", env_dir, manifest),
            run("install", spec.tool, "-e", env_dir, "concretize"),
            run("install", spec.tool, "-e", env_dir, "install"),
        ),
        python=spec.target.join(bin_dir, "python"),
        bin_dirs=(bin_dir,),
    )
