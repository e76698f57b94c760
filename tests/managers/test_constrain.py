"""constrained_recipe: each manager's own pins, read back from the files and arguments it generates.

Every written file is parsed (tomllib, yaml), never grepped; the conda family is tested as files only
(its channels are unreachable here). pip and uv also install for real (``network``): six pinned to
1.16.0 by the constraints file is what the venv then holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Family, Recipe, Step, Target, UnsafeValue
from rodeo_action.managers.constrain import (
    SUPPORTED,
    Unconstrainable,
    can_constrain,
    constrained_recipe,
    constraints_text,
)
from rodeo_action.managers.locks import LockError
from rodeo_action.names import NameMap
from tests.conftest import held

FAMILIES: tuple[Family, ...] = ("linux", "windows")
PINS = {"six": "1.16.0", "docrep": "0.3.2", "matplotlib": "3.8.4"}
HOSTILE_PINS = ({"six\nrequests": "1.0"}, {"six": "-e"}, {"six": "@ file:///x"}, {"six @ file:///x": "1.0"},
                {"-r": "1.0"}, {"six": "1.0\n-r evil"}, {"six": "1.0 --hash=sha256:0"}, {"six": "1.0\u2028x"},
                {"": "1.0"}, {"six": ""})


def _spec(manager: str, family: Family, requirements: tuple[str, ...] = ("six", "docrep>=0.3")) -> CellSpec:
    work = r"C:\cells\cell" if family == "windows" else "/cells/cell"
    interp = r"C:\Python312\python.exe" if family == "windows" else "/opt/python/3.12/bin/python3.12"
    return CellSpec(cell_id=f"{manager}-x", python="3.12", target=Target(family), packages=(),
                    requirements=requirements, workdir=work, tool=manager, interpreter=interp)


def _written(recipe: Recipe, name: str) -> list[Step]:
    return [s for s in recipe.steps if s.write is not None and s.write.replace("\\", "/").endswith("/" + name)]


def _toml(recipe: Recipe, name: str) -> dict[str, Any]:
    return tomllib.loads(_written(recipe, name)[-1].content)


def _runs(recipe: Recipe) -> list[Step]:
    return [s for s in recipe.steps if s.write is None]


# ------------------------------------------------------------------------------ pip and uv: a constraints file

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", ["pip", "uv"])
def test_pip_and_uv_write_a_constraints_file_the_install_reads(manager: str, family: Family) -> None:
    spec = _spec(manager, family)
    plain, pinned = get(manager).recipe(spec), constrained_recipe(manager, spec, PINS)
    [constraints] = _written(pinned, "constraints.txt")
    assert constraints.write == spec.target.join(spec.workdir, "constraints.txt")
    assert constraints.content.splitlines() == ["docrep==0.3.2", "matplotlib==3.8.4", "six==1.16.0"]
    [install] = [s for s in _runs(pinned) if s.phase == "install"]
    [before] = [s for s in _runs(plain) if s.phase == "install"]
    at = install.argv.index("-c")
    assert install.argv[at - 2:at] == ("pip", "install") and install.argv[at + 1] == constraints.write
    assert install.argv[:at] + install.argv[at + 2:] == before.argv   # nothing else changed
    assert pinned.steps.index(constraints) < pinned.steps.index(install)
    # only the install is constrained: the venv is created as the cell creates it
    assert [s for s in pinned.steps if s.phase != "install"] == [s for s in plain.steps if s.phase != "install"]
    assert (pinned.python, pinned.env, pinned.bin_dirs) == (plain.python, plain.env, plain.bin_dirs)


def test_the_tool_venvs_constraints_are_the_same_lines() -> None:
    assert constraints_text({"Hishel": "1.1.3", "pdm": "2.29.4"}) == "Hishel==1.1.3\npdm==2.29.4\n"
    with pytest.raises(UnsafeValue):
        constraints_text({"hishel": "1.1.3\n--index-url=https://evil.example/"})


# ------------------------------------------------------------------------------ the project managers

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", ["poetry", "pdm"])
def test_poetry_and_pdm_carry_the_pins_beside_the_sets_own_requirements(manager: str, family: Family) -> None:
    pinned = constrained_recipe(manager, _spec(manager, family), PINS)
    deps = _toml(pinned, "pyproject.toml")["project"]["dependencies"]
    assert deps == ["six", "docrep>=0.3", "docrep==0.3.2", "matplotlib==3.8.4", "six==1.16.0"]


def test_a_pin_contradicting_the_set_stays_in_the_project_so_the_resolver_refuses_it() -> None:
    pinned = constrained_recipe("poetry", _spec("poetry", "linux", ("six<1.16",)), {"six": "1.16.0"})
    assert _toml(pinned, "pyproject.toml")["project"]["dependencies"] == ["six<1.16", "six==1.16.0"]


@pytest.mark.parametrize("family", FAMILIES)
def test_pipenv_ands_a_pin_with_the_sets_own_entry(family: Family) -> None:
    spec = _spec("pipenv", family, ("Six", "docrep>=0.3"))
    packages = _toml(constrained_recipe("pipenv", spec, PINS), "Pipfile")["packages"]
    # the pin is spelled as the set spells it: one entry for Six, not Six and six
    assert packages == {"Six": {"version": "==1.16.0"}, "docrep": {"version": ">=0.3,==0.3.2"},
                        "matplotlib": {"version": "==3.8.4"}}


@pytest.mark.parametrize("family", FAMILIES)
def test_hatch_pins_the_install_not_the_create(family: Family) -> None:
    pinned = constrained_recipe("hatch", _spec("hatch", family), PINS)
    first, last = (tomllib.loads(s.content)["envs"]["default"] for s in _written(pinned, "hatch.toml"))
    assert first["dependencies"] == []
    assert last["dependencies"] == ["six", "docrep>=0.3", "docrep==0.3.2", "matplotlib==3.8.4", "six==1.16.0"]


# ------------------------------------------------------------------------------ the conda family and apt

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", ["conda", "mamba", "micromamba"])
def test_conda_clis_install_exact_match_specs(manager: str, family: Family) -> None:
    spec = _spec(manager, family, ("six", "msgpack-python"))
    pinned = constrained_recipe(manager, spec, {"six": "1.16.0", "msgpack": "1.0.8", "PyYAML": "6.0.1"})
    want = ["msgpack-python==1.0.8", "pyyaml==6.0.1", "six==1.16.0"]   # names.yml: msgpack is msgpack-python
    env = yaml.safe_load(_written(pinned, "environment.yml")[0].content)
    assert env["dependencies"] == ["python=3.12", "six", "msgpack-python", *want]
    [install] = [s for s in _runs(pinned) if s.phase == "install"]
    if family == "windows":   # cmd.exe would read > and = in arguments: the specs go through --file
        [specs] = _written(pinned, "specs.txt")
        assert specs.content.splitlines() == ["six", "msgpack-python", *want]
        assert install.argv[install.argv.index("--file") + 1] == specs.write
    else:
        assert list(install.argv[-5:]) == ["six", "msgpack-python", *want]


def test_a_name_conda_forge_does_not_package_is_dropped_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rodeo_action.names.builtin", lambda: NameMap({"pywin32-ctypes": {"conda": None}}))
    pinned = constrained_recipe("micromamba", _spec("micromamba", "linux"), {"pywin32-ctypes": "0.2", "six": "1.16"})
    assert yaml.safe_load(_written(pinned, "environment.yml")[0].content)["dependencies"][-1] == "six==1.16"
    assert "pywin32-ctypes==0.2" not in _runs(pinned)[-1].argv
    assert pinned.notes[-1] == "pin dropped: pywin32-ctypes is not packaged on conda-forge"


@pytest.mark.parametrize("family", FAMILIES)
def test_pixi_ands_the_pins_into_its_manifest(family: Family) -> None:
    spec = _spec("pixi", family, ("six", "tensorflow>=2"))
    pinned = constrained_recipe("pixi", spec, {"tensorflow": "2.16.1", "numpy": "1.26.4"})
    first, last = (tomllib.loads(s.content)["dependencies"] for s in _written(pinned, "pixi.toml"))
    assert first == {"python": "3.12.*"}
    assert last == {"python": "3.12.*", "six": "*", "tensorflow": ">=2,==2.16.1", "numpy": "==1.26.4"}


def test_apt_pins_a_package_in_place_and_adds_the_others() -> None:
    spec = _spec("apt", "linux", ("python3-six", "python3-yaml"))
    pinned = constrained_recipe("apt", spec, {"python3-yaml": "6.0.1-2", "libyaml-0-2": "0.2.5-1+b1",
                                              "python3": "3.11.2-1+b1"})
    [install] = [s for s in _runs(pinned) if s.phase == "install"]
    assert install.argv[-4:] == ("python3-six", "python3-yaml=6.0.1-2", "libyaml-0-2=0.2.5-1+b1",
                                 "python3=3.11.2-1+b1")
    assert install.shown is not None and install.shown[-4:] == install.argv[-4:]   # the repro pins too


# ------------------------------------------------------------------------------ every manager: refusals and no-ops

@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", sorted(SUPPORTED))
def test_no_pins_is_the_cell_itself(manager: str, family: Family) -> None:
    spec = _spec(manager, family)
    assert constrained_recipe(manager, spec, {}) == get(manager).recipe(spec)


@pytest.mark.parametrize("pins", HOSTILE_PINS, ids=repr)
@pytest.mark.parametrize("manager", sorted(SUPPORTED))
def test_a_pin_that_is_not_one_plain_token_is_refused(manager: str, pins: dict[str, str]) -> None:
    with pytest.raises(UnsafeValue):
        constrained_recipe(manager, _spec(manager, "linux"), pins)


@pytest.mark.parametrize("manager", ["nix", "mach-nix", "poetry2nix", "uv2nix", "spack"])
def test_nix_and_spack_cannot_pin_single_distributions(manager: str) -> None:
    assert not can_constrain(manager)
    with pytest.raises(Unconstrainable, match=f"^{manager} has no way to pin single distributions") as caught:
        constrained_recipe(manager, _spec(manager, "linux"), {"six": "1.16.0"})
    assert isinstance(caught.value, LockError)   # the driver's one clear line, as for a lock it cannot install
    spec = _spec(manager, "linux")
    assert constrained_recipe(manager, spec, {}) == get(manager).recipe(spec)   # nothing to pin: the cell itself


def test_every_supported_manager_can_constrain() -> None:
    assert all(can_constrain(m) for m in SUPPORTED) and len(SUPPORTED) == 11


# ------------------------------------------------------------------------------ for real: pip and uv

def _uv(request: pytest.FixtureRequest) -> str:
    """uv from PATH, else pip-installed once into pytest's cache folder."""
    found = shutil.which("uv")
    if found:
        return found
    home = Path(request.config.cache.mkdir("rodeo-constrain-uv")) if request.config.cache else Path("/nonexistent")
    exe = home / ("Scripts/uv.exe" if os.name == "nt" else "bin/uv")
    with held(home):   # the xdist workers share pytest's cache folder
        if not exe.exists():
            try:
                subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, capture_output=True,
                               timeout=300)
                python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
                subprocess.run([str(python), "-m", "pip", "install", "--quiet", "uv"], check=True,
                               capture_output=True, timeout=600)
            except (OSError, subprocess.SubprocessError) as exc:
                pytest.skip(f"cannot install uv: {exc}")
    return str(exe)


def _run_steps(recipe: Recipe) -> None:
    """The recipe as the runner runs it: files written, argv run with the recipe's and step's variables."""
    for step in recipe.steps:
        if step.write is not None:
            Path(step.write).parent.mkdir(parents=True, exist_ok=True)
            Path(step.write).write_text(step.content, encoding="utf-8")
            continue
        env = {**os.environ, **dict(recipe.env), **dict(step.env)}
        proc = subprocess.run(step.argv, cwd=step.cwd, env=env, capture_output=True, text=True, timeout=600,
                              check=False)
        assert proc.returncode == 0, (step.argv, proc.stdout[-2000:], proc.stderr[-2000:])


@pytest.mark.network
@pytest.mark.slow
@pytest.mark.parametrize("manager", ["pip", "uv"])
def test_a_constraint_pins_what_really_gets_installed(manager: str, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    tool = _uv(request) if manager == "uv" else "pip"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    spec = CellSpec(cell_id=f"{manager}-six", python=version, target=Target.for_label("ubuntu-latest"), packages=(),
                    requirements=("six",), workdir=str(tmp_path), tool=tool, interpreter=sys.executable)
    recipe = constrained_recipe(manager, spec, {"six": "1.16.0"})
    _run_steps(recipe)
    out = subprocess.run([recipe.python, "-c", "import six; print(six.__version__)"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "1.16.0"   # the newest six is 1.17.0: only the constraint holds it back
