"""pixi: a ``pixi.toml`` workspace in the cell's folder, solved and installed by ``pixi install``.

pixi has no ``create -p``: the environment is the workspace's ``.pixi/envs/default``. To keep
failure attribution honest the manifest is installed twice: first with Python alone (phase
``create``), then with the set (phase ``install``, re-solving from the first lock).

The probe and ``test:`` run through ``pixi run --manifest-path pixi.toml --frozen``, which activates
the environment as ``pixi run`` does for a user; ``--frozen`` takes the lock as the install left it,
so neither re-solves nor reaches the network.
"""

from __future__ import annotations

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe, Target, run, write
from rodeo_action.managers.condafamily import CHANNEL, Dependency, bin_dirs, python_dependencies
from rodeo_action.managers.formats import toml_document, toml_table

COMMENT = """\
# Written by rodeo-action: one cell's workspace. Every value is a TOML string written by tomli-w.
"""

# (OS family, CPU) -> conda subdir; macos-latest runners are Apple silicon (osx-arm64), macos-13 Intel.
PLATFORMS = {("linux", "x86_64"): "linux-64", ("linux", "aarch64"): "linux-aarch64",
             ("macos", "arm64"): "osx-arm64", ("macos", "x86_64"): "osx-64",
             ("windows", "x86_64"): "win-64", ("windows", "arm64"): "win-arm64"}


def platform(target: Target) -> str:
    """The conda subdir pixi solves for; a workspace only installs on a platform it lists."""
    return PLATFORMS[(target.family, target.arch)]


def env_prefix(spec: CellSpec) -> str:
    return spec.target.join(spec.workdir, ".pixi", "envs", "default")


def merged(dependencies: tuple[Dependency, ...]) -> tuple[Dependency, ...]:
    """One entry per name, as a TOML table cannot repeat a key: constraints on one conda name are AND-ed."""
    versions: dict[str, list[str]] = {}
    for dep in dependencies:
        versions.setdefault(dep.name, [])
        if dep.version != "*" and dep.version not in versions[dep.name]:
            versions[dep.name].append(dep.version)
    return tuple(Dependency(name, ",".join(found) or "*") for name, found in versions.items())


def manifest(spec: CellSpec, dependencies: tuple[Dependency, ...]) -> str:
    return toml_document(COMMENT, {
        "workspace": {"name": f"rodeo-{spec.cell_id}", "channels": [CHANNEL], "platforms": [platform(spec.target)]},
        "dependencies": toml_table((dep.name, dep.version) for dep in dependencies),
    })


def recipe(spec: CellSpec) -> Recipe:
    path = spec.target.join(spec.workdir, "pixi.toml")
    pythons = python_dependencies(spec.python)
    wanted = tuple(Dependency.parse(req) for req in spec.requirements)
    cache_env = manager_info("pixi").cache_env
    env = env_prefix(spec)
    return Recipe(
        steps=(
            write("create", path, manifest(spec, pythons)),
            run("create", spec.tool, "install", "--manifest-path", path),
            write("install", path, manifest(spec, merged(pythons + wanted))),
            run("install", spec.tool, "install", "--manifest-path", path),
        ),
        python=spec.target.conda_python(env),
        bin_dirs=bin_dirs(spec.target, env),
        env=((cache_env, spec.cache_dir),) if cache_env and spec.cache_dir else (),
        launcher=(spec.tool, "run", "--manifest-path", path, "--frozen"),
    )
