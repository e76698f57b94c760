"""conda, mamba, micromamba and pixi: what their recipes share, and runs against shims (tests/managers/condakit.py).

These managers cannot reach conda-forge here, so (1) every recipe is checked for every OS family
against the tools' documented CLIs (``conda create --help``: ``-p``, ``-c``, ``--override-channels``,
``-y``; pixi's ``install --manifest-path`` and ``[workspace]`` manifest), with the generated
pixi.toml / environment.yml parsed back to prove a hostile package name stays inside its string;
(2) the steps run for real against shim executables on PATH that log their argv and either build a
fake environment at the prefix they are given (whose python then imports the stub modules) or
print the tool's own solver error and exit 1; their ``run`` activates that environment (sourcing its
``etc/conda/activate.d`` scripts) as the real tools do, and a stub ``pyproj`` imports only when proj's
activation script has set ``PROJ_DATA`` - so a cell passes only if the probe and the test were
launched through ``run`` (issue 18, item 11).

Each manager's own cases (its solver's error, its ``run`` flags; pixi's manifest) are in test_NAME.py.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml
from shimkit import calls, execute, shim_env, write_shim

from rodeo_action.managers import get
from rodeo_action.managers.base import Family, Target
from rodeo_action.managers.condafamily import Dependency
from rodeo_action.run.repro import TEST_SCRIPT, repro_text
from tests.managers.condakit import (
    ALL,
    CHANNEL,
    CONDA_CLI,
    FAMILIES,
    HOSTILE,
    SUCCEED,
    launcher_of,
    make_spec,
    posix_only,
    rodeo_run,
    workdir,
)

# ---------------------------------------------------------------- (1) what the recipes say


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", CONDA_CLI)
def test_conda_cli_recipe_argv(manager: str, family: Family) -> None:
    recipe = get(manager).recipe(make_spec(manager, family))
    target = Target(family)
    prefix = target.join(workdir(family), "env")
    commands = [(step.phase, list(step.argv)) for step in recipe.steps if step.write is None]
    # on Windows the set goes through a spec file: cmd.exe (conda.bat) would read `>` as a redirection
    specs = [r"--file", r"C:\cells\cell\specs.txt"] if family == "windows" else ["cartopy", "tensorflow>=2"]
    assert commands == [
        ("create", [manager, "create", "-y", "-p", prefix, *CHANNEL, "python=3.12"]),
        ("install", [manager, "install", "-y", "-p", prefix, *CHANNEL, "python=3.12", *specs]),
    ]
    files = {step.write: (step.phase, step.content) for step in recipe.steps if step.write is not None}
    assert files.keys() == ({target.join(workdir(family), "environment.yml"), r"C:\cells\cell\specs.txt"}
                            if family == "windows" else {"/cells/cell/environment.yml"})
    if family == "windows":
        assert files[r"C:\cells\cell\specs.txt"] == ("install", "cartopy\ntensorflow>=2\n")
        assert all(">" not in arg for step in recipe.steps for arg in step.argv)
    if family == "windows":
        assert recipe.python == r"C:\cells\cell\env\python.exe"
        assert recipe.bin_dirs[0] == prefix and r"C:\cells\cell\env\Library\bin" in recipe.bin_dirs
        assert r"C:\cells\cell\env\Scripts" in recipe.bin_dirs
    else:
        assert recipe.python == "/cells/cell/env/bin/python"
        assert recipe.bin_dirs == ("/cells/cell/env/bin",)
    assert recipe.env == ()
    # the probe and `test:` run activated: `conda run` streams its output only when told to; mamba 2 and
    # micromamba would take that option for the command, mamba 1 hands `run` to conda
    assert recipe.launcher == (manager, "run", "-p", prefix, *(["--no-capture-output"] if manager == "conda" else []))
    assert recipe.launched(recipe.python, "-I", "probe.py") == (*recipe.launcher, recipe.python, "-I", "probe.py")


@pytest.mark.parametrize("manager", CONDA_CLI)
def test_conda_cli_cache_and_tool_path(manager: str) -> None:
    recipe = get(manager).recipe(make_spec(manager, cache_dir="/cache/conda", tool="/opt/mf/bin/" + manager))
    assert recipe.env == (("CONDA_PKGS_DIRS", "/cache/conda"),)
    assert {step.argv[0] for step in recipe.steps if step.argv} == {"/opt/mf/bin/" + manager}
    assert recipe.launcher[:2] == ("/opt/mf/bin/" + manager, "run")     # `run` by the same tool that installed


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", CONDA_CLI)
def test_environment_yml_is_valid_and_holds_hostile_names(manager: str, family: Family) -> None:
    recipe = get(manager).recipe(make_spec(manager, family, requirements=("cartopy", HOSTILE, "x: [y]")))
    (written,) = [step for step in recipe.steps if step.write and step.write.endswith("environment.yml")]
    assert written.phase == "create"
    assert written.write == Target(family).join(workdir(family), "environment.yml")
    assert yaml.safe_load(written.content) == {
        "channels": ["conda-forge", "nodefaults"],
        "dependencies": ["python=3.12", "cartopy", HOSTILE, "x: [y]"],
    }


def test_free_threaded_python() -> None:
    recipe = get("micromamba").recipe(make_spec("micromamba", python="3.13t", requirements=("numpy",)))
    assert recipe.steps[1].argv[-2:] == ("python=3.13", "python-freethreading")
    assert recipe.steps[2].argv[-3:] == ("python=3.13", "python-freethreading", "numpy")
    pixi = get("pixi").recipe(make_spec("pixi", python="3.13t", requirements=("numpy",)))
    deps = tomllib.loads(pixi.steps[2].content)["dependencies"]
    assert deps == {"python": "3.13.*", "python-freethreading": "*", "numpy": "*"}


@pytest.mark.parametrize(("matchspec", "name", "version"), [
    ("tensorflow>=2", "tensorflow", ">=2"),
    ("tensorflow>=2,<3", "tensorflow", ">=2,<3"),
    ("numpy 1.26.*", "numpy", "1.26.*"),
    ("pytorch", "pytorch", "*"),
    ("x==1.0", "x", "==1.0"),
    ("y!=2", "y", "!=2"),
    ("z~=1.4", "z", "~=1.4"),
    (HOSTILE, 'a"b', "[x]"),
])
def test_dependency_parse(matchspec: str, name: str, version: str) -> None:
    assert Dependency.parse(matchspec) == Dependency(name, version)


@pytest.mark.parametrize("manager", ALL)
def test_registered_with_data(manager: str) -> None:
    info = get(manager).info
    assert info.ecosystem == "conda" and info.provisions_python and set(info.families) == set(FAMILIES)
    assert info.cache_env == ("PIXI_CACHE_DIR" if manager == "pixi" else "CONDA_PKGS_DIRS")


# ---------------------------------------------------------------- (2) running the steps against shims


@pytest.fixture
def shims(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "shims", tmp_path / "shim.log"


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_recipe_runs_against_succeeding_shim(manager: str, tmp_path: Path, shims: tuple[Path, Path]) -> None:
    bin_dir, log = shims
    write_shim(bin_dir, manager, SUCCEED)
    spec = make_spec(manager, requirements=("cartopy", "tensorflow>=2", "xgcm"),
                     cache_dir=str(tmp_path / "cache"), work=str(tmp_path / "cell"))
    recipe = get(manager).recipe(spec)
    outcome = execute(recipe, shim_env(bin_dir, log))
    assert outcome.failed_phase is None, outcome.output

    logged = calls(log)
    assert [call.argv for call in logged] == [list(step.argv[1:]) for step in recipe.steps if step.argv]
    cache_var = "PIXI_CACHE_DIR" if manager == "pixi" else "CONDA_PKGS_DIRS"
    assert all(call.env[cache_var] == str(tmp_path / "cache") for call in logged)

    probe = subprocess.run([recipe.python, "-c", "import sys, cartopy, tensorflow, xgcm; print(sys.prefix)"],
                           capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).resolve() == Path(recipe.python).parent.parent.resolve()
    assert Path(recipe.bin_dirs[0], "python").exists()
    missing = subprocess.run([recipe.python, "-c", "import docrep"], capture_output=True, text=True)
    assert missing.returncode != 0 and "No module named 'docrep'" in missing.stderr


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_only_the_launcher_sees_what_activation_sets(manager: str, tmp_path: Path,
                                                      shims: tuple[Path, Path]) -> None:
    """The double has teeth: pyproj fails from the env's python called directly (what rodeo did before
    issue 18), and imports with PROJ_DATA set when the same command goes through the recipe's launcher."""
    bin_dir, log = shims
    write_shim(bin_dir, manager, SUCCEED)
    recipe = get(manager).recipe(make_spec(manager, requirements=("pyproj",), work=str(tmp_path / "cell")))
    env = shim_env(bin_dir, log)
    assert execute(recipe, env).failed_phase is None
    code = "import os, pyproj; print(os.environ['PROJ_DATA'])"
    direct = subprocess.run([recipe.python, "-I", "-c", code], capture_output=True, text=True, env=env)
    assert direct.returncode != 0 and "PROJ_DATA is not set" in direct.stderr
    launched = subprocess.run(recipe.launched(recipe.python, "-I", "-c", code), capture_output=True, text=True,
                              env=env, check=True)
    prefix = Path(recipe.python).parent.parent
    assert launched.stdout.strip() == str(prefix / "share" / "proj")
    assert calls(log)[-1].argv == list(recipe.launcher[1:]) + [recipe.python, "-I", "-c", code]


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_repro_runs_the_probe_and_test_through_the_launcher(manager: str, tmp_path: Path,
                                                            shims: tuple[Path, Path]) -> None:
    """The repro a person pastes, run by bash against the shims: it passes only through `run` (the
    import of pyproj and the test both need proj's activation), and it says `run` in so many words."""
    bin_dir, log = shims
    write_shim(bin_dir, manager, SUCCEED)
    recipe = get(manager).recipe(make_spec(manager, requirements=("pyproj",), work=str(tmp_path / "cell")))
    test = 'test "$PROJ_DATA" = "$CONDA_PREFIX/share/proj" && echo "it\'s activated: $PROJ_DATA"'
    repro = repro_text(recipe, ["pyproj"], test)
    lines = repro.splitlines()
    assert shlex.join(recipe.launched(recipe.python, "-c", "import pyproj")) in lines
    assert lines[-1] == shlex.join(recipe.launched("bash", TEST_SCRIPT))
    assert f"cat > {TEST_SCRIPT} <<'EOF'" in lines and test in lines
    run = "pixi run --manifest-path " if manager == "pixi" else f"{manager} run -p "
    assert lines[-1].startswith(run) and lines[-5].startswith(run)
    work = tmp_path / "person"
    work.mkdir()
    proc = subprocess.run(["bash", "-c", repro], cwd=work, env=shim_env(bin_dir, log), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == f"it's activated: {Path(recipe.python).parent.parent}/share/proj"
    assert [c.argv[0] for c in calls(log)][-2:] == ["run", "run"]


# ---------------------------------------------------------------- (3) the same, through `rodeo run`


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_rodeo_run_passes_against_succeeding_shim(manager: str, tmp_path: Path) -> None:
    result, log = rodeo_run(manager, SUCCEED, ["cartopy", "xgcm"], tmp_path)
    assert result["status"] == "pass", log
    assert result["imports"] == {"cartopy": "ok", "xgcm": "ok"}
    assert result["resolved"] == {"cartopy": "1.0", "xgcm": "1.0"}
    assert result["manager_version"] == f"{manager} 2.3.2"
    argvs = [call.argv for call in calls(tmp_path / "shim.log")]
    # after the pass, the conda family's lock: `list -p PREFIX --explicit --md5` (pixi's is the pixi.lock it writes)
    assert argvs[0] == ["--version"] and [argv[0] for argv in argvs[1:]] == (
        ["install", "install", "run"] if manager == "pixi" else ["create", "install", "run", "list"])
    if manager == "pixi":
        assert result["lock"] == {"file": f"{result['cell']['id']}.lock/pixi.lock", "format": "pixi.lock"}
    else:
        assert argvs[-1][-2:] == ["--explicit", "--md5"]
        lock = tmp_path / "out" / result["lock"]["file"]  # type: ignore[index]
        assert result["lock"] == {"file": f"{result['cell']['id']}.lock/explicit.txt",  # type: ignore[index]
                                  "format": "conda-explicit"}
        assert lock.read_text().splitlines()[0] == "@EXPLICIT" and "/cartopy-1.0-0.conda#" in lock.read_text()


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_rodeo_run_probes_and_tests_in_the_activated_environment(manager: str, tmp_path: Path) -> None:
    """Issue 18 item 11: the probe and `test:` go through `TOOL run`, so proj's activation script has
    set PROJ_DATA for both (the stub pyproj imports only then); the repro says the same."""
    test = 'test "$PROJ_DATA" = "$CONDA_PREFIX/share/proj" && python -c "import pyproj" && echo "$PROJ_DATA"'
    result, log = rodeo_run(manager, SUCCEED, ["pyproj"], tmp_path, test)
    assert result["status"] == "pass", log
    assert result["imports"] == {"pyproj": "ok"}
    probe, run_test = [c.argv for c in calls(tmp_path / "shim.log") if c.argv[0] == "run"]
    prefix = Path(probe[probe.index("-I") - 1]).parent.parent
    work = prefix.parent if manager != "pixi" else prefix.parent.parent.parent
    launcher = launcher_of(manager, work)
    assert probe[:len(launcher)] == launcher
    assert probe[len(launcher):len(launcher) + 2] == [str(prefix / "bin" / "python"), "-I"]
    assert [Path(a).name for a in probe[-3:]] == ["probe.py", ".rodeo-probe.json", ".rodeo-probe-spec.json"]
    assert run_test == [*launcher, "bash", str(work / ".rodeo-test.sh")]
    assert f"\n{prefix / 'share' / 'proj'}\n" in log      # the test's own output
    repro = str(result["repro"]).splitlines()   # in a folder of its own, "$R"
    run = {"pixi": 'pixi run --manifest-path "$R/pixi.toml" --frozen',
           "conda": 'conda run -p "$R/env" --no-capture-output'}.get(manager, f'{manager} run -p "$R/env"')
    python = '"$R/.pixi/envs/default/bin/python"' if manager == "pixi" else '"$R/env/bin/python"'
    assert f"{run} {python} -c 'import pyproj'" in repro
    assert repro[-1] == f"{run} bash {TEST_SCRIPT}" and test in repro


def _rerun_from_lock(tmp_path: Path, cell: str, lock: Path) -> dict[str, Any]:
    """``rodeo run --cell CELL --lock LOCK`` into ``again/`` with a fresh shim log; the result it wrote."""
    import sys

    (tmp_path / "shim.log").unlink()
    env = shim_env(tmp_path / "shims", tmp_path / "shim.log")
    env.update(RODEO_CACHE_DIR=str(tmp_path / "cache"), RUNNER_TEMP=str(tmp_path / "work"))
    proc = subprocess.run([sys.executable, "-m", "rodeo_action", "run", "--cell", cell, "--config",
                           str(tmp_path / "rodeo.yml"), "--output", str(tmp_path / "again"), "--lock", str(lock)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = yaml.safe_load((tmp_path / "again" / f"{cell}.json").read_text())
    return result


@posix_only
@pytest.mark.parametrize("manager", ["conda", "mamba", "micromamba"])
def test_rodeo_run_lock_recreates_the_prefix_from_the_explicit_list(manager: str, tmp_path: Path) -> None:
    """``rodeo run --lock CELL.lock/explicit.txt``: ``create -p PREFIX --file explicit.txt``, nothing solved."""

    first, _ = rodeo_run(manager, SUCCEED, ["cartopy", "xgcm"], tmp_path)
    cell = str(first["cell"]["id"])  # type: ignore[index]
    lock = tmp_path / "out" / str(first["lock"]["file"])  # type: ignore[index]
    again = _rerun_from_lock(tmp_path, cell, lock)
    assert again["status"] == "pass" and again["resolved"] == first["resolved"]
    argvs = [c.argv for c in calls(tmp_path / "shim.log") if c.argv != ["--version"]]   # the version is cached
    assert [a[0] for a in argvs] == ["create", "run", "list"]   # no install: the lock is the environment
    assert argvs[0][-2] == "--file" and argvs[0][-1].endswith("/explicit.txt")


@posix_only
def test_rodeo_run_lock_installs_pixi_frozen_from_the_locked_manifest(tmp_path: Path) -> None:
    """``rodeo run --lock CELL.lock/pixi.lock``: pixi.toml and pixi.lock as they passed, ``pixi install --frozen``."""

    first, _ = rodeo_run("pixi", SUCCEED, ["cartopy"], tmp_path)
    cell = str(first["cell"]["id"])  # type: ignore[index]
    lock = tmp_path / "out" / str(first["lock"]["file"])  # type: ignore[index]
    assert sorted(p.name for p in lock.parent.iterdir()) == ["pixi.lock", "pixi.toml"]
    again = _rerun_from_lock(tmp_path, cell, lock)
    assert again["status"] == "pass" and again["resolved"] == first["resolved"]
    argvs = [c.argv for c in calls(tmp_path / "shim.log") if c.argv != ["--version"]]
    assert argvs[0][:2] == ["install", "--frozen"] and len([a for a in argvs if a[0] == "install"]) == 1
