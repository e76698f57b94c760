"""poetry, pdm, pipenv and hatch: what their recipes share, per OS family, and real installs of each.

Fast and offline first: the in-project venv, the paths a tool is handed (all under the cell or the
cache), the cell's Python range, a hostile requirement kept inside its TOML string (parsed back with
tomllib). Each manager's own commands and files are in test_NAME.py.

Then each tool installs real packages through ``rodeo run --cell`` (marked ``network``): ``six`` +
``docrep`` pass (docrep is an sdist, so a build runs too), ``six==99.0`` fails in ``install``, a
distribution imported under the wrong name (``import:`` set wrong) fails in ``import``, and an
index that does not exist fails in ``install`` - proving ``index-url`` reaches the manager. One
download cache serves the whole run (``shared_cache``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rodeo_action.config import host_python
from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from rodeo_action.managers.hatch import hatch_literal
from tests.managers.pypikit import (
    FAMILIES,
    HOSTILE,
    PYPI_FAMILY,
    Run,
    commands,
    install_tools,
    make_spec,
    real_environment,
    run_cell,
    toml_of,
    venv_python,
    workdir,
)

# ------------------------------------------------------------------------------ shared shape


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_env_python_is_the_in_project_venv(manager: str, family: Family) -> None:
    recipe = get(manager).recipe(make_spec(manager, family))
    assert recipe.python == venv_python(family)
    assert recipe.bin_dirs == (venv_python(family).rsplit("\\" if family == "windows" else "/", 1)[0],)
    for step in recipe.steps:
        if step.write is not None:
            assert step.write.startswith(workdir(family))
        else:
            assert step.cwd == workdir(family)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_writes_stay_in_the_workdir_and_the_cache(manager: str, family: Family) -> None:
    """Every path the recipe hands a tool (config, logs, data, app data) is under the workdir or the cache."""
    cache = r"C:\cache\m" if family == "windows" else "/cache/m"
    recipe = get(manager).recipe(make_spec(manager, family, cache_dir=cache))
    env = dict(recipe.env)
    for key, value in env.items():
        if key.endswith(("_DIR", "_FILE", "_CONFIG", "_APP_DATA", "_PIPFILE")):
            assert value.startswith((workdir(family), cache)), (key, value)
    assert env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    assert env["VIRTUALENV_OVERRIDE_APP_DATA"].startswith(cache)
    without_cache = dict(get(manager).recipe(make_spec(manager, family, cache_dir=None)).env)
    assert without_cache["VIRTUALENV_OVERRIDE_APP_DATA"].startswith(workdir(family))
    assert not any(k.endswith("CACHE_DIR") for k in without_cache)


@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_no_interpreter_falls_back_to_the_version(manager: str) -> None:
    """Without a host interpreter each tool is asked for "3.11" and finds (or fetches) one itself."""
    recipe = get(manager).recipe(make_spec(manager, interp=None))
    argv = [a for _, cmd, _ in commands(recipe) for a in cmd]
    hatch = toml_of(recipe, "hatch.toml") if manager == "hatch" else {}
    assert "3.11" in argv or hatch["envs"]["default"]["python"] == "3.11"


def test_free_threaded_python_resolves_for_its_minor_version() -> None:
    for manager in ("poetry", "pdm"):
        doc = toml_of(get(manager).recipe(make_spec(manager, python="3.13t")), "pyproject.toml")
        assert doc["project"]["requires-python"] == ">=3.13,<3.14"
    assert toml_of(get("pipenv").recipe(make_spec("pipenv", python="3.13t")), "Pipfile")["requires"] == {
        "python_version": "3.13"}


# ------------------------------------------------------------------------------ hostile input


@pytest.mark.parametrize("manager,name", [("poetry", "pyproject.toml"), ("pdm", "pyproject.toml"),
                                          ("hatch", "hatch.toml")])
def test_hostile_requirement_stays_inside_its_string(manager: str, name: str) -> None:
    recipe = get(manager).recipe(make_spec(manager, requirements=(HOSTILE, "six"), index_url='https://x/"]]'))
    doc = toml_of(recipe, name)
    expected = [hatch_literal(HOSTILE), "six"] if manager == "hatch" else [HOSTILE, "six"]
    if manager == "hatch":
        assert doc["envs"]["default"]["dependencies"] == expected
        assert set(doc["envs"]) == {"default"} and "tool" not in doc
    else:
        assert doc["project"]["dependencies"] == expected
        assert set(doc["tool"]) == {manager}
        assert doc["tool"][manager]["source"][0]["url"] == 'https://x/"]]'


# ------------------------------------------------------------------------------ real installs


@pytest.fixture(scope="session")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_tools(request, tmp_path_factory)


@pytest.fixture
def real_env(cli_env: dict[str, str], tools_bin: Path) -> dict[str, str]:
    return real_environment(cli_env, tools_bin)


@pytest.mark.network
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_installs_six_and_docrep(manager: str, rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, manager, "packages: [six, docrep]\n")
    assert result["status"] == "pass", result["log"]
    assert result["imports"] == {"six": "ok", "docrep": "ok"}
    assert {"six", "docrep"} <= set(result["resolved"])
    assert result["python_version"].startswith(host_python() + ".")
    assert manager in result["manager_version"].lower()
    assert set(result["durations"]) >= {"create", "install", "import"}
    assert ".venv" in result["repro"]


@pytest.mark.network
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_missing_version_fails_in_install(manager: str, rodeo: Run, tmp_path: Path,
                                          real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, manager, 'packages: ["six==99.0"]\n')
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert result["cause"]["kind"] in ("no-matching-distribution", "conflict"), result["cause"]


@pytest.mark.network
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_wrong_import_name_fails_in_import(manager: str, rodeo: Run, tmp_path: Path,
                                           real_env: dict[str, str]) -> None:
    """python-dateutil installs the module ``dateutil``; importing ``python_dateutil`` must fail."""
    config = "packages:\n  - name: python-dateutil\n    import: [python_dateutil]\n"
    result = run_cell(rodeo, tmp_path, real_env, manager, config)
    assert (result["status"], result["phase"]) == ("fail", "import"), result["log"]
    assert result["cause"]["kind"] == "import-error"
    assert result["imports"]["python_dateutil"].startswith("ModuleNotFoundError")
    assert "python-dateutil" in result["resolved"]


@pytest.mark.network
@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_index_url_reaches_the_manager(manager: str, rodeo: Run, tmp_path: Path,
                                       real_env: dict[str, str]) -> None:
    """An index that does not exist: had the manager fallen back to PyPI, ``six`` would install."""
    config = "packages: [six]\nindex-url: https://pypi.org/rodeo-no-such-index/simple/\n"
    result = run_cell(rodeo, tmp_path, real_env, manager, config)
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert "rodeo-no-such-index" in result["log"]
