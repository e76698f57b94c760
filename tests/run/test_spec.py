"""What a manager is told about a cell: requirements in its ecosystem, index URLs, modules, and
whether this machine can run it at all (rodeo_action/run/spec.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rodeo_action import host
from rodeo_action.config import Config, parse_config
from rodeo_action.managers import manager_info
from rodeo_action.names import builtin
from rodeo_action.plan import Cell, expand
from rodeo_action.run.spec import import_names, index_urls, requirements_for, unavailable_here
from tests.run.cellkit import OS, PY, config_text, run_one


@pytest.mark.network
def test_pip_index_url_from_the_environment_reaches_uv(tmp_path: Path, shared_cache: Path) -> None:
    """PIP_INDEX_URL applies to every PyPI-family manager, each in its own spelling (uv: --default-index)."""
    first = run_one(tmp_path / "first", config_text("[six]", "[uv]"), "uv", shared_cache)  # uv itself is set up
    assert first.status == "pass", first.log_tail
    env = {**os.environ, "PIP_INDEX_URL": "http://127.0.0.1:9/simple/", "UV_HTTP_TIMEOUT": "3"}
    result = run_one(tmp_path, config_text("[six]", "[uv]", extra="retries: 0\n"), "uv", shared_cache, environ=env)
    assert result.status == "fail" and result.phase == "install", result.log_tail
    assert "--default-index http://127.0.0.1:9/simple/" in result.log_tail
    assert result.cause is not None and result.cause.kind == "network", result.cause


def _cell(text: str, manager: str) -> tuple[Config, Cell]:
    config = parse_config(text, "rodeo.yml")
    return config, next(p.cell for p in expand(config) if p.cell.manager == manager)


def test_requirements_keep_pins_where_the_ecosystem_can_and_say_where_it_cannot() -> None:
    text = ('packages: ["six>=1.16", {name: docrep, names: {conda: docrep-cf, apt: python3-docrep}}]\n'
            f'managers: [pip, conda, apt]\npython: ["{PY}"]\nos: [ubuntu-latest]\n')
    config, pip = _cell(text, "pip")
    assert requirements_for(pip, config, manager_info("pip"), builtin()) == (["six>=1.16", "docrep"], [])
    _, conda = _cell(text, "conda")
    assert requirements_for(conda, config, manager_info("conda"), builtin()) == (["six>=1.16", "docrep-cf"], [])
    _, apt = _cell(text, "apt")
    reqs, notes = requirements_for(apt, config, manager_info("apt"), builtin())
    assert reqs == ["python3-six", "python3-docrep"]
    assert notes == ["apt cannot pin six>=1.16: installing python3-six"]


def test_rodeo_yml_index_wins_over_pips_variables() -> None:
    env = {"PIP_INDEX_URL": "https://env.example/simple", "PIP_EXTRA_INDEX_URL": "https://a.example https://b.example"}
    plain = parse_config(config_text("[six]"), "rodeo.yml")
    assert index_urls(plain, env) == ("https://env.example/simple", ("https://a.example", "https://b.example"))
    assert index_urls(plain, {}) == (None, ())
    own = parse_config(config_text("[six]", extra="index-url: https://own.example/simple\n"
                                   "extra-index-url: [https://c.example]\n"), "rodeo.yml")
    assert index_urls(own, env) == ("https://own.example/simple", ("https://c.example",))


def test_a_cell_for_another_os_or_a_system_manager_is_unavailable_here() -> None:
    text = f'packages: [six]\nmanagers: [pip, apt]\npython: ["{PY}"]\nos: [{OS}, windows-latest]\n'
    config = parse_config(text, "rodeo.yml")
    cells = {(p.cell.manager, p.cell.os): p.cell for p in expand(config)}
    assert unavailable_here(manager_info("pip"), cells["pip", OS], allow_system=False) is None
    assert unavailable_here(manager_info("pip"), cells["pip", "windows-latest"], allow_system=False) == \
        f"this machine runs {host.family()}; the cell is for windows-latest"
    if ("apt", OS) in cells and OS.startswith(("debian", "ubuntu")):
        assert "--allow-system" in (unavailable_here(manager_info("apt"), cells["apt", OS], allow_system=False) or "")
        assert unavailable_here(manager_info("apt"), cells["apt", OS], allow_system=True) is None


def test_import_names_are_the_known_modules_of_the_set() -> None:
    config, cell = _cell(config_text('[six, {name: PyYAML, import: [yaml]}, "rodeo-unknown-pkg"]'), "pip")
    assert import_names(cell, config, builtin()) == ["six", "yaml"]
