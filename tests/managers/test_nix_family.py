"""nix, mach-nix, poetry2nix and uv2nix: what their recipes share, and runs against shims (tests/managers/nixkit.py).

None of these can reach its channels here, so (1) every recipe is checked, for Linux and macOS, step
by step against the tools' documented usage (nix-build ``-o``; ``nix-shell -I nixpkgs=... -p ...
--run``; ``spack env create -d``, ``spack -e DIR concretize|install``); (2) every generated ``.nix``
file goes through ``nix-instantiate --parse`` (Debian's nix-bin; skipped when absent), hostile
package names included, and the TOML/YAML files are parsed back; (3) the steps run for real against
shim executables on PATH - first with a small step executor, then through ``rodeo run`` - that log
their argv and either build a fake environment where the real tool would (``result`` ->
a venv with stub distributions, or the Spack view) or print the tool's own error and exit 1.

Each manager's own commands and files are in test_NAME.py; spack, which shares the harness, in test_spack.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from rodeo_action.managers.nixfamily import Pins, nix_attr, pins, python_attr
from tests.managers.nixkit import (
    FAMILIES,
    NIX_BASE32_SHA256,
    NIX_FAMILY,
    check_recipe_install_failure_is_attributed_to_install,
    check_recipe_runs_against_succeeding_shims,
    check_registered_for_linux_and_macos_only,
    check_rodeo_run_fails_in_install_against_failing_shims,
    check_rodeo_run_passes_against_succeeding_shims,
    linux_cells,
    make_spec,
    needs_nix,
    nix_parse,
    posix_only,
    written,
)

# ---------------------------------------------------------------- (1) what the recipes say


def test_tool_paths_are_used_and_nix_shell_is_found_beside_nix_build() -> None:
    tool = "/nix/var/nix/profiles/default/bin/nix-build"
    for manager in ("poetry2nix", "uv2nix"):
        recipe = get(manager).recipe(make_spec(manager, tool=tool))
        assert [step.argv[0] for step in recipe.steps if step.argv] == [
            "/nix/var/nix/profiles/default/bin/nix-shell", tool]


@pytest.mark.parametrize(("version", "attr"), [("3.12", "python312"), ("3.10", "python310"),
                                               ("3.9", "python39"), ("3.13t", "python313FreeThreading")])
def test_python_attr(version: str, attr: str) -> None:
    assert python_attr(version) == attr


@pytest.mark.parametrize("version", ["3", "3.12.1", "2.7", "3.x", '3.12"; x'])
def test_python_attr_refuses_what_is_not_a_minor_version(version: str) -> None:
    with pytest.raises(ValueError, match="no nixpkgs interpreter attribute"):
        python_attr(version)


@pytest.mark.parametrize(("name", "rendered"), [
    ("cartopy", "cartopy"), ("ruamel-yaml", "ruamel-yaml"), ("_private'", "_private'"),
    ("or", '"or"'), ("in", '"in"'), ('a"b${x}', '"a\\"b\\${x}"'), ("x y", '"x y"'), ("a\nb", '"a\\nb"'),
    ("1abc", '"1abc"'), ("ruamel.yaml", '"ruamel.yaml"'),
])
def test_nix_attr_is_bare_only_when_nix_allows_it(name: str, rendered: str) -> None:
    assert nix_attr(name) == rendered


def test_free_threaded_python() -> None:
    nix = written(get("nix").recipe(make_spec("nix", python="3.13t")), "default.nix")
    assert "pkgs.python313FreeThreading.withPackages" in nix
    uv2nix = get("uv2nix").recipe(make_spec("uv2nix", python="3.13t"))
    assert "pkgs.uv\n    pkgs.python313FreeThreading\n" in written(uv2nix, "lock.nix")
    assert ("UV_PYTHON", "3.13t") in uv2nix.env


def test_hostile_values_stay_inside_toml_strings() -> None:
    hostile = ('a"]\t[tool.evil]\tx = "1', "b\\c", "d'''e", "${x}", "x: [y]\t- z")
    uv = get("uv2nix").recipe(make_spec("uv2nix", requirements=hostile, index_url='https://m/"]][evil]'))
    parsed = tomllib.loads(written(uv, "pyproject.toml"))
    assert set(parsed) == {"project", "tool"} and parsed["project"]["dependencies"] == list(hostile)
    assert parsed["tool"]["uv"]["index"] == [{"url": 'https://m/"]][evil]', "default": True}]
    p2n = get("poetry2nix").recipe(make_spec("poetry2nix", index_url='https://m/"]][evil]'))
    assert tomllib.loads(written(p2n, "pyproject.toml"))["tool"]["poetry"]["source"][0]["url"] == 'https://m/"]][evil]'


# ---------------------------------------------------------------- (2) nix-instantiate --parse


@needs_nix
@pytest.mark.parametrize("python", ["3.12", "3.13t"])
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_every_generated_nix_file_parses(manager: str, family: Family, python: str, tmp_path: Path) -> None:
    recipe = get(manager).recipe(make_spec(manager, family, python=python, index_url="https://mirror/simple"))
    files = [step.content for step in recipe.steps if step.write and step.write.endswith(".nix")]
    assert len(files) == (2 if manager in ("poetry2nix", "uv2nix") else 1)      # default.nix (+ lock.nix)
    for source in files:
        ast = nix_parse(source, tmp_path)
        assert python_attr(python) in ast or "pkgs).poetry" in ast
        # every tarball is checked against a hash: a fetchTarball call is an attribute set with both
        # url and sha256 (nix prints attributes sorted), never a bare URL
        calls = re.findall(r"\(builtins\)\.fetchTarball (\S)", ast)
        assert set(calls) == ({"{"} if manager != "mach-nix" else set()), ast
        assert len(re.findall(r'\{ sha256 = "[0-9a-z]{52}"; url = "https://github\.com/', ast)) == len(calls), ast
        if manager == "mach-nix":     # a git fetch, pinned by its commit as well as its tag
            assert re.search(r'\(builtins\)\.fetchGit \{ ref = "refs/tags/[\d.]+"; rev = "[0-9a-f]{40}"; ', ast)


NIX_FAMILY_PINS = {m: pins(m) for m in NIX_FAMILY}


@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_pins_are_revisions_with_hashes_never_a_channel_or_a_branch(manager: str) -> None:
    """Every fetched source is a GitHub archive at a tag or a commit, with the sha256 Nix checks."""
    pin = NIX_FAMILY_PINS[manager]
    for key, value in pin.values.items():
        assert "channels.nixos.org" not in value and "nixexprs" not in value, key
        if key.endswith("-rev"):
            rev = pin[key]
            assert re.fullmatch(r"[0-9a-f]{40}|refs/tags/[\w.-]+|[0-9]{4}\.[0-9]{1,2}\.[0-9]+", rev), (key, rev)
        if key.endswith("-sha256"):
            assert NIX_BASE32_SHA256.match(value), (key, value)
    names = [key.removesuffix("-sha256") for key in pin.values if key.endswith("-sha256")]
    assert "nixpkgs" in names or manager == "mach-nix"      # mach-nix's nixpkgs is its own flake.lock's
    for name in names:
        source = pin.source(name)
        assert source.url == f"{source.url.split('/archive/')[0]}/archive/{pin[name + '-rev']}.tar.gz"
        assert source.url.startswith("https://github.com/") and "{" not in source.url


def test_pins_fill_placeholders_and_label_revisions() -> None:
    pin = Pins({"lib-version": "1.2", "lib-ref": "refs/tags/{lib-version}", "nixpkgs-rev": "a" * 40,
                "nixpkgs": "https://x/archive/{nixpkgs-rev}.tar.gz", "nixpkgs-sha256": "h",
                "tool-rev": "refs/tags/26.05"})
    assert pin["lib-ref"] == "refs/tags/1.2" and pin["nixpkgs"] == f"https://x/archive/{'a' * 40}.tar.gz"
    assert pin.source("nixpkgs").sha256 == "h"
    assert (pin.label("lib"), pin.label("nixpkgs"), pin.label("tool"), pin.label("none")) == (
        "lib 1.2", "nixpkgs aaaaaaaaaaaa", "tool 26.05", None)
    with pytest.raises(KeyError):
        Pins({"a": "{missing}"})["a"]


# ---------------------------------------------------------------- (3) running the steps against shims


@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_registered_for_linux_and_macos_only(manager: str) -> None:
    check_registered_for_linux_and_macos_only(manager)


@posix_only
@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_recipe_runs_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    check_recipe_runs_against_succeeding_shims(manager, tmp_path)


@posix_only
@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_recipe_install_failure_is_attributed_to_install(manager: str, tmp_path: Path) -> None:
    check_recipe_install_failure_is_attributed_to_install(manager, tmp_path)


# ---------------------------------------------------------------- (4) the same, through `rodeo run`


@posix_only
@linux_cells
@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_rodeo_run_passes_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    check_rodeo_run_passes_against_succeeding_shims(manager, tmp_path)


@posix_only
@linux_cells
@pytest.mark.parametrize("manager", NIX_FAMILY)
def test_rodeo_run_fails_in_install_against_failing_shims(manager: str, tmp_path: Path) -> None:
    check_rodeo_run_fails_in_install_against_failing_shims(manager, tmp_path)
