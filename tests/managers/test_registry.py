"""The manager registry (rodeo_action/managers/registry.py) is the one list of the managers.

Every other place that lists them derives from it or is held equal to it here, so a manager added in
one place only fails, naming the place and the manager: the schema's enums, ``matrix/managers/NAME.yml``,
the modules, the causes rules and tool table, ``config.manager_names``, one test file per manager.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import get_args

import pytest
import yaml

from rodeo_action.causes import MANAGER_RULES, RULE_SETS, guess_manager
from rodeo_action.config import manager_names
from rodeo_action.managers import MODULES, get, manager_info
from rodeo_action.managers.registry import RuleSet
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "rodeo_action" / "schema" / "config.schema.json").read_text(encoding="utf-8"))
ECOSYSTEMS = {manager_info(name).ecosystem for name in MODULES}   # pypi, conda, apt, nix, spack


def names_keys(node: object) -> list[list[str]]:
    """The key enums of every ``names:`` mapping in the schema (a package's names per ecosystem or manager)."""
    found: list[list[str]] = []
    if isinstance(node, dict):
        names = node.get("properties", {}).get("names", {})
        if "propertyNames" in names:
            found.append(names["propertyNames"]["enum"])
        for value in node.values():
            found += names_keys(value)
    elif isinstance(node, list):
        for value in node:
            found += names_keys(value)
    return found


def defines_recipe(path: Path) -> bool:
    """A manager's module defines ``recipe()``; the modules several managers share (base, pypi, ...) do not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "recipe" for node in tree.body)


def mirrors_a_shared_module(test: Path) -> bool:
    """tests/managers/test_X.py of a module X the managers share (registry, formats, ...): no manager's tests."""
    module = ROOT / "rodeo_action" / "managers" / f"{test.stem.removeprefix('test_')}.py"
    return module.is_file() and not defines_recipe(module)


def places() -> dict[str, list[str]]:
    """Each place that lists the managers, and the names it lists (as manager names: ``mach-nix``)."""
    (keys,) = names_keys(SCHEMA)
    yml = sorted((ROOT / "matrix" / "managers").glob("*.yml"))
    return {
        "config.manager_names()": list(manager_names()),
        "config.schema.json $defs.manager.enum": SCHEMA["$defs"]["manager"]["enum"],
        "config.schema.json names: keys (besides the ecosystems)": [
            n for n in keys if n not in ECOSYSTEMS or n in MODULES],
        "matrix/managers/NAME.yml": [path.stem for path in yml],
        "matrix/managers/NAME.yml name:": [yaml.safe_load(path.read_text(encoding="utf-8"))["name"] for path in yml],
        "rodeo_action/managers/NAME.py with recipe()": [path.stem.replace("_", "-") for path in
                                                        sorted((ROOT / "rodeo_action" / "managers").glob("*.py"))
                                                        if defines_recipe(path)],
        "rodeo_action.causes.MANAGER_RULES": list(MANAGER_RULES),
        "tests/managers/test_NAME.py": [path.stem.removeprefix("test_").replace("_", "-") for path in
                                        sorted((ROOT / "tests" / "managers").glob("test_*.py"))
                                        if not path.stem.endswith("_family") and not mirrors_a_shared_module(path)],
    }


def disagreements(registry: Sequence[str], listed: Mapping[str, Sequence[str]]) -> list[str]:
    """Each place that does not list exactly the registry's managers, once each: what it lacks, what it adds."""
    out = []
    for place, names in listed.items():
        lacks = [n for n in registry if n not in names]
        adds = [n for n in names if n not in registry]
        twice = sorted({n for n in names if list(names).count(n) > 1})
        if lacks or adds or twice:
            out.append(f"{place}: lacks {lacks}, adds {adds}, twice {twice}")
    return out


def test_every_place_lists_the_registrys_managers() -> None:
    assert len(MODULES) == 16
    assert disagreements(tuple(MODULES), places()) == []


@pytest.mark.parametrize("place", sorted(places()))
def test_a_manager_added_in_one_place_only_is_named(place: str) -> None:
    """The check has teeth: a fake manager in any one place is reported there, and only there."""
    listed = places()
    listed[place] = [*listed[place], "fakemgr"]
    assert disagreements(tuple(MODULES), listed) == [f"{place}: lacks [], adds ['fakemgr'], twice []"]


def test_a_manager_added_to_the_registry_only_is_missing_everywhere_else() -> None:
    problems = disagreements((*MODULES, "fakemgr"), places())
    assert len(problems) == len(places()) and all("lacks ['fakemgr']" in p for p in problems)


def test_names_keys_are_the_ecosystems_and_the_managers() -> None:
    (keys,) = names_keys(SCHEMA)
    assert sorted(keys) == sorted(ECOSYSTEMS | set(MODULES)) and ECOSYSTEMS == {"pypi", "conda", "apt", "nix", "spack"}


def test_the_report_order_is_the_registrys() -> None:
    """The schema's enum and manager_names() keep the registry's order: the order the report shows."""
    assert SCHEMA["$defs"]["manager"]["enum"] == list(manager_names()) == list(MODULES)


def test_every_module_loads_typed_and_joins_its_data() -> None:
    for name, registration in MODULES.items():
        module = registration.load()
        assert getattr(module, "__name__", None) == f"rodeo_action.managers.{name.replace('-', '_')}"
        assert get(name).info == manager_info(name) and manager_info(name).name == name


def test_log_rules_name_the_rule_sets_of_causes() -> None:
    """Each manager's logs are read with rule sets causes has, its own first where it has one."""
    assert set(RULE_SETS) == set(get_args(RuleSet))
    for name, registration in MODULES.items():
        assert MANAGER_RULES[name] == tuple(r for s in registration.log_rules for r in RULE_SETS[s])
        assert registration.log_rules and (name not in RULE_SETS or registration.log_rules[0] == name)


def test_the_tool_table_knows_every_manager_and_executable() -> None:
    """A ``$ `` line of a log is attributed: each manager's name as itself, its executable to a manager."""
    for name in MODULES:
        assert guess_manager(f"$ /opt/bin/{name} install x\n") == name
        executable = manager_info(name).executable
        if executable:
            guessed = guess_manager(f"$ {executable} --version\n")
            assert guessed in MODULES and (guessed == name or executable != name), (name, executable, guessed)


def test_every_manager_file_template_is_rendered_by_a_manager() -> None:
    """templates/ holds the report's texts (``.md.j2``) and the files managers write: each of those is rendered
    by a manager module, and each one a module renders exists (pixi.toml has none: tomli-w writes every TOML)."""
    rendered = {match for path in (ROOT / "rodeo_action" / "managers").glob("*.py")
                for match in re.findall(r'render\("([^"]+)"', path.read_text(encoding="utf-8"))}
    files = {path.name for path in (ROOT / "templates").glob("*.j2") if not path.name.endswith(".md.j2")}
    assert rendered == files and "nix-python.nix.j2" in files
    assert not any(name.endswith(".toml.j2") for name in files)
