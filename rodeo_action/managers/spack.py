"""spack: an independent Spack environment (spack.yaml) with the set and the cell's Python, unified.

``spack env create -d`` keeps the environment inside the cell's folder (no named, global env),
``concretize`` and ``install`` are separate steps so a solver failure and a build failure read
differently, and the environment's view gives one prefix with ``bin/python``.
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run, write


def python_spec(version: str) -> str:
    if version.endswith("t"):
        raise ValueError(f"Spack has no free-threaded Python build to match {version!r}")
    return f"python@{version}"


def spack_yaml(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    return render("spack.yaml.j2", specs=[python_spec(spec.python), *spec.requirements], view=view(spec))


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
