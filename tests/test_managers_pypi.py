"""poetry, pdm, pipenv, hatch and apt: the exact commands and files each recipe generates, per OS family.

Fast and offline. Generated TOML (pyproject.toml, Pipfile, hatch.toml) is parsed back with tomllib
to prove the requirements, the cell's Python range and the index land where each tool reads them,
and that a hostile requirement stays inside its string. Real installs are in test_managers_real.py.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import tomllib
from packaging.requirements import Requirement

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Family, Recipe, Step, Target
from rodeo_action.managers.hatch import hatch_literal
from rodeo_action.managers.pipenv import pipfile_entries

FAMILIES: tuple[Family, ...] = ("linux", "macos", "windows")
PYPI_FAMILY = ("poetry", "pdm", "pipenv", "hatch")
HOSTILE = 'evil"\t]]\t[tool.evil] x = "{env:HOME}'   # line breaks: refused by CellSpec (test_commands_hostile)
MIRROR = "https://mirror.example/simple/"
EXTRA = ("https://extra-1.example/simple/", "https://extra-2.example/simple/")


def workdir(family: Family) -> str:
    return r"C:\cells\cell" if family == "windows" else "/cells/cell"


def interpreter(family: Family) -> str:
    return r"C:\Python311\python.exe" if family == "windows" else "/opt/python/3.11/bin/python3.11"


def make_spec(manager: str, family: Family = "linux", *, requirements: tuple[str, ...] = ("six", "docrep>=0.3"),
              python: str = "3.11", index_url: str | None = None, extra: tuple[str, ...] = (),
              cache_dir: str | None = "CACHE", interp: str | None = "default") -> CellSpec:
    os_label = {"linux": "ubuntu-latest", "macos": "macos-latest", "windows": "windows-latest"}[family]
    return CellSpec(cell_id=f"{manager}-all-{os_label}-py{python}", python=python, target=Target(family),
                    packages=(), requirements=requirements, workdir=workdir(family), tool=manager,
                    interpreter=interpreter(family) if interp == "default" else interp, index_url=index_url,
                    extra_index_urls=extra, cache_dir=cache_dir)


def commands(recipe: Recipe) -> list[tuple[str, list[str], str | None]]:
    return [(s.phase, list(s.argv), s.cwd) for s in recipe.steps if s.write is None]


def written(recipe: Recipe, name: str) -> list[Step]:
    return [s for s in recipe.steps if s.write is not None and s.write.replace("\\", "/").endswith("/" + name)]


def toml_of(recipe: Recipe, name: str) -> dict[str, Any]:
    """The last version written of ``name``, parsed."""
    return tomllib.loads(written(recipe, name)[-1].content)


def venv_python(family: Family) -> str:
    return (r"C:\cells\cell\.venv\Scripts\python.exe" if family == "windows"
            else "/cells/cell/.venv/bin/python")


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


# ------------------------------------------------------------------------------ poetry


@pytest.mark.parametrize("family", FAMILIES)
def test_poetry_argv(family: Family) -> None:
    recipe = get("poetry").recipe(make_spec("poetry", family))
    assert commands(recipe) == [
        ("create", ["poetry", "env", "use", "--no-interaction", interpreter(family)], workdir(family)),
        ("install", ["poetry", "install", "--no-interaction"], workdir(family)),
    ]
    assert [s.phase for s in recipe.steps] == ["create", "create", "install"]
    env = dict(recipe.env)
    assert env["POETRY_VIRTUALENVS_IN_PROJECT"] == "true"
    assert env["POETRY_VIRTUALENVS_CREATE"] == "true"
    assert env["POETRY_NO_INTERACTION"] == "1"
    assert env["POETRY_CACHE_DIR"] == "CACHE"


def test_poetry_pyproject_always_names_a_primary_simple_index() -> None:
    """Poetry's implicit PyPI needs the per-version JSON API; a simple index as primary source avoids it."""
    doc = toml_of(get("poetry").recipe(make_spec("poetry")), "pyproject.toml")
    assert doc["tool"]["poetry"] == {"package-mode": False, "source": [
        {"name": "rodeo-index", "url": "https://pypi.org/simple/", "priority": "primary"}]}
    assert doc["project"]["requires-python"] == ">=3.11,<3.12"
    assert doc["project"]["dependencies"] == ["six", "docrep>=0.3"]


def test_poetry_index_and_extras_are_primary_sources_in_order() -> None:
    doc = toml_of(get("poetry").recipe(make_spec("poetry", index_url=MIRROR, extra=EXTRA)), "pyproject.toml")
    assert doc["tool"]["poetry"]["source"] == [
        {"name": "rodeo-index", "url": MIRROR, "priority": "primary"},
        {"name": "rodeo-extra-1", "url": EXTRA[0], "priority": "primary"},
        {"name": "rodeo-extra-2", "url": EXTRA[1], "priority": "primary"},
    ]


# ------------------------------------------------------------------------------ pdm


@pytest.mark.parametrize("family", FAMILIES)
def test_pdm_argv(family: Family) -> None:
    recipe = get("pdm").recipe(make_spec("pdm", family))
    assert commands(recipe) == [
        ("create", ["pdm", "venv", "create", interpreter(family)], workdir(family)),
        ("install", ["pdm", "install"], workdir(family)),
    ]
    env = dict(recipe.env)
    assert env["PDM_VENV_IN_PROJECT"] == "true"
    assert env["PDM_NON_INTERACTIVE"] == "1"
    assert env["PDM_CHECK_UPDATE"] == "false"
    assert env["PDM_CACHE_DIR"] == "CACHE"


def test_pdm_pyproject_sources() -> None:
    doc = toml_of(get("pdm").recipe(make_spec("pdm")), "pyproject.toml")
    assert doc["tool"]["pdm"] == {"distribution": False,
                                  "source": [{"name": "pypi", "url": "https://pypi.org/simple/"}]}
    assert doc["project"]["requires-python"] == ">=3.11,<3.12"
    assert doc["project"]["dependencies"] == ["six", "docrep>=0.3"]
    mirrored = toml_of(get("pdm").recipe(make_spec("pdm", index_url=MIRROR, extra=EXTRA)), "pyproject.toml")
    # the index takes the name "pypi", which replaces PDM's default source
    assert mirrored["tool"]["pdm"]["source"] == [{"name": "pypi", "url": MIRROR},
                                                 {"name": "rodeo-extra-1", "url": EXTRA[0]},
                                                 {"name": "rodeo-extra-2", "url": EXTRA[1]}]


def test_free_threaded_python_resolves_for_its_minor_version() -> None:
    for manager in ("poetry", "pdm"):
        doc = toml_of(get(manager).recipe(make_spec(manager, python="3.13t")), "pyproject.toml")
        assert doc["project"]["requires-python"] == ">=3.13,<3.14"
    assert toml_of(get("pipenv").recipe(make_spec("pipenv", python="3.13t")), "Pipfile")["requires"] == {
        "python_version": "3.13"}


# ------------------------------------------------------------------------------ pipenv


@pytest.mark.parametrize("family", FAMILIES)
def test_pipenv_argv(family: Family) -> None:
    recipe = get("pipenv").recipe(make_spec("pipenv", family))
    assert commands(recipe) == [
        ("create", ["pipenv", "--python", interpreter(family)], workdir(family)),
        ("install", ["pipenv", "install", "--verbose"], workdir(family)),
    ]
    env = dict(recipe.env)
    assert env["PIPENV_VENV_IN_PROJECT"] == "1"
    assert env["PIPENV_YES"] == "1"
    assert env["PIPENV_IGNORE_VIRTUALENVS"] == "1"
    assert env["PIPENV_PIPFILE"] == Target(family).join(workdir(family), "Pipfile")
    assert env["PIPENV_CACHE_DIR"] == "CACHE"


def test_pipfile_sources_packages_and_python() -> None:
    recipe = get("pipenv").recipe(make_spec("pipenv", index_url="http://plain.example/simple/", extra=EXTRA[:1]))
    doc = toml_of(recipe, "Pipfile")
    assert doc["source"] == [
        {"name": "rodeo-index", "url": "http://plain.example/simple/", "verify_ssl": False},
        {"name": "rodeo-extra-1", "url": EXTRA[0], "verify_ssl": True},
    ]
    assert doc["packages"] == {"six": {"version": "*"}, "docrep": {"version": ">=0.3"}}
    assert doc["requires"] == {"python_version": "3.11"}
    default = toml_of(get("pipenv").recipe(make_spec("pipenv")), "Pipfile")
    assert default["source"] == [{"name": "rodeo-index", "url": "https://pypi.org/simple/", "verify_ssl": True}]


def test_pipfile_entries_from_pep508() -> None:
    entries = {e.name: dict(e.fields) for e in pipfile_entries((
        "requests[socks,security]>=2; python_version >= '3.8'",
        "six",
        "six<2",
        "numpy>=1; sys_platform == 'linux'",
        "numpy<3; sys_platform == 'darwin'",
        "attrs; os_name == 'nt'",
        "attrs",
        "pkg @ https://files.example/pkg-1.0.tar.gz",
        "tool @ git+https://github.com/o/tool@v1",
    ))}
    assert entries["requests"] == {"version": ">=2", "extras": ("security", "socks"),
                                   "markers": 'python_version >= "3.8"'}
    assert entries["six"] == {"version": "<2"}
    assert entries["numpy"] == {"version": ">=1,<3",
                                "markers": '(sys_platform == "linux") or (sys_platform == "darwin")'}
    assert entries["attrs"] == {"version": "*"}
    assert entries["pkg"] == {"file": "https://files.example/pkg-1.0.tar.gz"}
    assert entries["tool"] == {"git": "git+https://github.com/o/tool@v1"}


def test_pipfile_round_trips_entries() -> None:
    reqs = ("requests[socks]>=2; python_version >= '3.8'", "tool @ git+https://github.com/o/tool@v1")
    doc = toml_of(get("pipenv").recipe(make_spec("pipenv", requirements=reqs)), "Pipfile")
    assert doc["packages"] == {
        "requests": {"version": ">=2", "extras": ["socks"], "markers": 'python_version >= "3.8"'},
        "tool": {"git": "git+https://github.com/o/tool@v1"},
    }


# ------------------------------------------------------------------------------ hatch


@pytest.mark.parametrize("family", FAMILIES)
def test_hatch_argv_and_phases(family: Family) -> None:
    recipe = get("hatch").recipe(make_spec("hatch", family))
    assert commands(recipe) == [
        ("create", ["hatch", "env", "create"], workdir(family)),
        ("install", ["hatch", "run", "python", "--version"], workdir(family)),
    ]
    created, installed = written(recipe, "hatch.toml")
    assert (created.phase, installed.phase) == ("create", "install")
    first = tomllib.loads(created.content)["envs"]["default"]
    assert first == {"type": "virtual", "path": ".venv", "python": interpreter(family), "skip-install": True,
                     "dependencies": []}
    assert tomllib.loads(installed.content)["envs"]["default"]["dependencies"] == ["six", "docrep>=0.3"]
    assert [s.content for s in written(recipe, "hatch-config.toml")] == [""]
    env = dict(recipe.env)
    assert env["HATCH_CONFIG"] == Target(family).join(workdir(family), "hatch-config.toml")
    assert env["HATCH_CACHE_DIR"] == "CACHE"
    assert env["PIP_CACHE_DIR"] == Target(family).join("CACHE", "pip")


def test_hatch_index_reaches_pip_through_env_vars() -> None:
    recipe = get("hatch").recipe(make_spec("hatch", index_url=MIRROR, extra=EXTRA))
    for step in written(recipe, "hatch.toml"):
        assert tomllib.loads(step.content)["envs"]["default"]["env-vars"] == {
            "PIP_INDEX_URL": MIRROR, "PIP_EXTRA_INDEX_URL": " ".join(EXTRA)}
    assert "env-vars" not in toml_of(get("hatch").recipe(make_spec("hatch")), "hatch.toml")["envs"]["default"]


def test_hatch_braces_are_escaped_from_context_formatting() -> None:
    assert hatch_literal("a{env:X}b}") == "a{{env:X}}b}}"
    recipe = get("hatch").recipe(make_spec("hatch", index_url="https://h.example/{x}/simple/"))
    doc = toml_of(recipe, "hatch.toml")["envs"]["default"]
    assert doc["env-vars"]["PIP_INDEX_URL"] == "https://h.example/{{x}}/simple/"


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


def test_hostile_marker_and_url_stay_inside_the_pipfile() -> None:
    reqs = ("six; platform_machine == 'x\"]\\n[evil'", 'pkg @ https://files.example/a"b.tar.gz')
    doc = toml_of(get("pipenv").recipe(make_spec("pipenv", requirements=reqs, index_url='https://x/"]][e]')),
                  "Pipfile")
    assert set(doc) == {"source", "packages", "requires"}
    # packaging reads "\\n" in a marker's quoted value as a line break, and writes it back raw - which does
    # not parse again - so the marker goes in as written; read back, it is the same marker
    assert doc["packages"]["six"]["markers"] == "platform_machine == 'x\"]\\n[evil'"
    assert Requirement("six; " + doc["packages"]["six"]["markers"]).marker == Requirement(reqs[0]).marker
    assert "[evil" in doc["packages"]["six"]["markers"]
    assert doc["packages"]["pkg"] == {"file": 'https://files.example/a"b.tar.gz'}
    assert doc["source"][0]["url"] == 'https://x/"]][e]'


# ------------------------------------------------------------------------------ apt


def test_apt_argv() -> None:
    recipe = get("apt").recipe(make_spec("apt", requirements=("python3-six", "python3-yaml"), interp=None,
                                         cache_dir=None))
    as_root = ["sh", "-c", 'if [ "$(id -u)" -eq 0 ]; then exec "$@"; fi; exec sudo -n -- "$@"', "rodeo-as-root",
               "env", "DEBIAN_FRONTEND=noninteractive", "apt"]
    got = commands(recipe)
    assert [(phase, cmd) for phase, cmd, _ in got] == [
        ("setup", [*as_root, "update", "-q"]),
        ("create", ["/usr/bin/python3", "-c", got[1][1][2], "3.11"]),
        ("install", [*as_root, "install", "-y", "-q", "--no-install-recommends", "python3-six", "python3-yaml"]),
    ]
    assert recipe.python == "/usr/bin/python3"
    assert recipe.bin_dirs == ("/usr/bin",)
    assert dict(recipe.env) == {"DEBIAN_FRONTEND": "noninteractive"}
    assert recipe.notes


@pytest.mark.parametrize("want,ok", [(f"{sys.version_info[0]}.{sys.version_info[1]}", True), ("2.7", False)])
def test_apt_python_check_says_which_python_apt_provides(want: str, ok: bool) -> None:
    """The create step's check, run here with this interpreter standing in for /usr/bin/python3."""
    step = commands(get("apt").recipe(make_spec("apt", python=want, interp=None)))[1]
    proc = subprocess.run([sys.executable, *step[1][1:]], capture_output=True, text=True, check=False)
    assert (proc.returncode == 0) is ok
    if not ok:
        assert f"apt provides Python {sys.version_info[0]}.{sys.version_info[1]} here, not 2.7" in proc.stderr


def test_apt_escalation_runs_directly_as_root_and_via_sudo_otherwise(tmp_path: Any) -> None:
    """The fixed ``sh -c`` wrapper: as root it execs the command itself; otherwise it asks ``sudo -n``."""
    script = commands(get("apt").recipe(make_spec("apt", interp=None)))[0][1][2]
    fake = tmp_path / "bin"
    fake.mkdir()
    for name, body in (("id", 'echo "$FAKE_UID"'), ("sudo", 'echo "sudo $*"')):
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    for uid, expected in (("0", "echo hi"), ("1001", "sudo -n -- echo hi")):
        env = {"PATH": f"{fake}:/usr/bin:/bin", "FAKE_UID": uid}
        out = subprocess.run(["sh", "-c", script, "x", "echo", "hi"], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == ("hi" if uid == "0" else expected)
