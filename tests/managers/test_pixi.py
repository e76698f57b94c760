"""pixi: its ``pixi.toml`` workspace (installed twice: Python, then the set), parsed back with tomllib, hostile
names included; its solver's error and the activation control against a shim.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from rodeo_action.managers import get
from rodeo_action.managers.base import Family, Target
from tests.managers.condakit import (
    HOSTILE,
    check_install_failure_is_attributed_to_install,
    check_rodeo_run_fails_in_install,
    check_without_activation_the_same_cell_fails_at_import,
    make_spec,
    posix_only,
    workdir,
)

CULPRIT = r"No candidates were found for nonexistent-pkg \*"


@pytest.mark.parametrize(("family", "platform"),
                         [("linux", "linux-64"), ("macos", "osx-arm64"), ("windows", "win-64")])
def test_pixi_recipe(family: Family, platform: str) -> None:
    spec = make_spec("pixi", family, requirements=("cartopy", "tensorflow>=2", "xgcm"),
                     cache_dir="/cache/pixi")
    recipe = get("pixi").recipe(spec)
    target = Target(family)
    manifest = target.join(workdir(family), "pixi.toml")
    assert [(step.phase, step.write, list(step.argv)) for step in recipe.steps] == [
        ("create", manifest, []),
        ("create", None, ["pixi", "install", "--manifest-path", manifest]),
        ("install", manifest, []),
        ("install", None, ["pixi", "install", "--manifest-path", manifest]),
    ]
    workspace = {"name": f"rodeo-{spec.cell_id}", "channels": ["conda-forge"], "platforms": [platform]}
    python_only = {"workspace": workspace, "dependencies": {"python": "3.12.*"}}
    assert tomllib.loads(recipe.steps[0].content) == python_only
    assert tomllib.loads(recipe.steps[2].content) == {
        "workspace": workspace,
        "dependencies": {"python": "3.12.*", "cartopy": "*", "tensorflow": ">=2", "xgcm": "*"},
    }
    env = target.join(workdir(family), ".pixi", "envs", "default")
    expected_python = r"C:\cells\cell\.pixi\envs\default\python.exe" if family == "windows" else \
        "/cells/cell/.pixi/envs/default/bin/python"
    assert recipe.python == expected_python
    assert recipe.bin_dirs[0] == (env if family == "windows" else env + "/bin")
    assert recipe.env == (("PIXI_CACHE_DIR", "/cache/pixi"),)
    # activated by `pixi run`, from the lock the install wrote (--frozen: no re-solve, no network)
    assert recipe.launcher == ("pixi", "run", "--manifest-path", manifest, "--frozen")


def test_pixi_toml_keeps_hostile_names_inside_strings() -> None:
    hostile = (HOSTILE, 'c" = "1"\t[workspace]\tname = "pwned', "d\\e>=1", "opencv", "opencv>=4", "opencv<5")
    recipe = get("pixi").recipe(make_spec("pixi", requirements=hostile))
    parsed = tomllib.loads(recipe.steps[2].content)
    assert parsed["workspace"]["name"] == "rodeo-pixi-all-ubuntu-latest-py3.12"
    assert set(parsed) == {"workspace", "dependencies"}
    assert parsed["dependencies"] == {
        "python": "3.12.*",
        'a"b': "[x]",              # a tab ends a matchspec's name, as a space does
        'c"': '= "1"\t[workspace]\tname = "pwned',
        "d\\e": ">=1",
        "opencv": ">=4,<5",        # two packages mapping to one conda name: one key, constraints AND-ed
    }


@posix_only
def test_recipe_install_failure_is_attributed_to_install(tmp_path: Path) -> None:
    check_install_failure_is_attributed_to_install("pixi", "pixi", CULPRIT, tmp_path)


@posix_only
def test_rodeo_run_fails_in_install_against_failing_shim(tmp_path: Path) -> None:
    repro = check_rodeo_run_fails_in_install("pixi", "pixi", tmp_path)
    assert 'python = "3.12.*"' in repro and "pixi install --manifest-path" in repro


@posix_only
def test_without_activation_the_same_cell_fails_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_without_activation_the_same_cell_fails_at_import("pixi", tmp_path, monkeypatch)
