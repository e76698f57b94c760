"""pipenv: the commands per OS family, and the Pipfile: sources, PEP 508 lines as entries, hostile markers and URLs."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from rodeo_action.managers import get
from rodeo_action.managers.base import Family, Target
from rodeo_action.managers.pipenv import pipfile_entries
from tests.managers.pypikit import EXTRA, FAMILIES, commands, interpreter, make_spec, toml_of, workdir


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
