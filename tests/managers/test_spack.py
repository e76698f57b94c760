"""spack: an independent environment (spack.yaml) in the cell's folder, a CPU TensorFlow, pinned releases;
the same shims and ``rodeo run`` cases as the Nix family (tests/managers/nixkit.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.conftest import ROOT
from tests.managers.nixkit import (
    FAMILIES,
    WORK,
    check_recipe_install_failure_is_attributed_to_install,
    check_recipe_runs_against_succeeding_shims,
    check_registered_for_linux_and_macos_only,
    check_rodeo_run_fails_in_install_against_failing_shims,
    check_rodeo_run_passes_against_succeeding_shims,
    linux_cells,
    make_spec,
    posix_only,
    shape,
    written,
)


@pytest.mark.parametrize("family", FAMILIES)
def test_spack_recipe(family: Family) -> None:
    spec = make_spec("spack", family, requirements=("py-cartopy", "py-tensorflow", "py-xgcm"))
    recipe = get("spack").recipe(spec)
    assert shape(recipe) == [
        ("create", f"{WORK}/spack.yaml", [], None),
        ("create", None, ["spack", "env", "create", "-d", f"{WORK}/env", f"{WORK}/spack.yaml"], None),
        ("install", None, ["spack", "-e", f"{WORK}/env", "concretize"], None),
        ("install", None, ["spack", "-e", f"{WORK}/env", "install"], None),
    ]
    cpu_only = {"prefer": ["~cuda"]}
    assert yaml.safe_load(written(recipe, "spack.yaml")) == {"spack": {
        "specs": ["python@3.12", "py-cartopy", "py-tensorflow", "py-xgcm"],
        "view": f"{WORK}/view",
        "concretizer": {"unify": True},
        "packages": {"py-tensorflow": cpu_only, "py-torch": cpu_only, "py-jaxlib": cpu_only, "py-horovod": cpu_only,
                     "py-dgl": cpu_only},
    }}
    assert recipe.python == f"{WORK}/view/bin/python" and recipe.bin_dirs == (f"{WORK}/view/bin",)


def test_spack_asks_for_a_cpu_tensorflow_and_keeps_the_build_cache() -> None:
    """py-tensorflow defaults to +cuda on Linux: CUDA and a Bazel build from source, past any timeout
    (issue 18). The cell asks for ~cuda as a strong preference, which a spec of the set can override,
    and leaves the mirrors setup-spack adds (its build cache) and Spack's binary reuse as they are."""
    recipe = get("spack").recipe(make_spec("spack", requirements=("py-tensorflow", "py-torch+cuda")))
    manifest = yaml.safe_load(written(recipe, "spack.yaml"))["spack"]
    assert manifest["packages"]["py-tensorflow"] == {"prefer": ["~cuda"]}
    assert "py-torch+cuda" in manifest["specs"]           # the user's own constraint stays in the specs
    assert "mirrors" not in manifest and "reuse" not in manifest["concretizer"] and "config" not in manifest
    install = recipe.steps[-1].argv
    assert install == ("spack", "-e", f"{WORK}/env", "install")   # Spack's default: --use-buildcache auto
    assert not {"--no-cache", "--use-buildcache", "--only-concrete", "--no-check-signature"} & set(install)


def test_spack_pins_a_release_of_spack_and_its_packages() -> None:
    """setup-spack checks out `develop` unless told otherwise; the release it should use is data here."""
    raw = yaml.safe_load((ROOT / "matrix" / "managers" / "spack.yml").read_text(encoding="utf-8"))
    pin = raw["pins"]
    assert pin["spack"] == "https://github.com/spack/spack" and re.fullmatch(r"v\d+\.\d+\.\d+", pin["spack-ref"])
    assert pin["spack-packages"] == "https://github.com/spack/spack-packages"
    assert re.fullmatch(r"v\d{4}\.\d{2}\.\d+", pin["spack-packages-ref"])
    assert re.fullmatch(r"[0-9a-f]{40}", pin["spack-rev"]) and re.fullmatch(r"[0-9a-f]{40}", pin["spack-packages-rev"])
    assert "develop" not in pin.values()
    assert all(isinstance(v, str) for v in pin.values())     # one flat mapping of strings, as for the nix family


def test_spack_has_no_free_threaded_python() -> None:
    with pytest.raises(ValueError, match="free-threaded"):
        get("spack").recipe(make_spec("spack", python="3.13t"))


def test_hostile_values_stay_inside_yaml_strings() -> None:
    hostile = ('a"]\t[tool.evil]\tx = "1', "b\\c", "d\'\'\'e", "${x}", "x: [y]\t- z")
    spack = get("spack").recipe(make_spec("spack", requirements=hostile, work="/cells/a: b\n- c"))
    parsed_yaml = yaml.safe_load(written(spack, "spack.yaml"))
    assert parsed_yaml["spack"]["specs"] == ["python@3.12", *hostile]
    assert parsed_yaml["spack"]["view"] == "/cells/a: b\n- c/view"


def test_tool_path_is_used() -> None:
    spack = get("spack").recipe(make_spec("spack", tool="/opt/spack/bin/spack"))
    assert {step.argv[0] for step in spack.steps if step.argv} == {"/opt/spack/bin/spack"}


def test_registered_for_linux_and_macos_only() -> None:
    check_registered_for_linux_and_macos_only("spack")


# ---------------------------------------------------------------- against shims, and through `rodeo run`


@posix_only
def test_recipe_runs_against_succeeding_shims(tmp_path: Path) -> None:
    check_recipe_runs_against_succeeding_shims("spack", tmp_path)


@posix_only
def test_recipe_install_failure_is_attributed_to_install(tmp_path: Path) -> None:
    check_recipe_install_failure_is_attributed_to_install("spack", tmp_path)


@posix_only
@linux_cells
def test_rodeo_run_passes_against_succeeding_shims(tmp_path: Path) -> None:
    check_rodeo_run_passes_against_succeeding_shims("spack", tmp_path)


@posix_only
@linux_cells
def test_rodeo_run_fails_in_install_against_failing_shims(tmp_path: Path) -> None:
    check_rodeo_run_fails_in_install_against_failing_shims("spack", tmp_path)
