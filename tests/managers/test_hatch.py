"""hatch: the commands, the two hatch.toml versions (create, install), the index as pip's env-vars, braces doubled."""

from __future__ import annotations

import pytest
import tomllib

from rodeo_action.managers import get
from rodeo_action.managers.base import Family, Target
from rodeo_action.managers.hatch import hatch_literal
from tests.managers.pypikit import EXTRA, FAMILIES, MIRROR, commands, interpreter, make_spec, toml_of, workdir, written


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


def test_hatch_index_reaches_pip_and_uv_through_env_vars() -> None:
    recipe = get("hatch").recipe(make_spec("hatch", index_url=MIRROR, extra=EXTRA))
    for step in written(recipe, "hatch.toml"):
        assert tomllib.loads(step.content)["envs"]["default"]["env-vars"] == {
            "PIP_INDEX_URL": MIRROR, "PIP_EXTRA_INDEX_URL": " ".join(EXTRA),
            "UV_DEFAULT_INDEX": MIRROR, "UV_INDEX": " ".join(EXTRA)}   # an environment with installer = "uv"
    assert "env-vars" not in toml_of(get("hatch").recipe(make_spec("hatch")), "hatch.toml")["envs"]["default"]


def test_hatch_braces_are_escaped_from_context_formatting() -> None:
    assert hatch_literal("a{env:X}b}") == "a{{env:X}}b}}"
    recipe = get("hatch").recipe(make_spec("hatch", index_url="https://h.example/{x}/simple/"))
    doc = toml_of(recipe, "hatch.toml")["envs"]["default"]
    assert doc["env-vars"]["PIP_INDEX_URL"] == "https://h.example/{{x}}/simple/"
