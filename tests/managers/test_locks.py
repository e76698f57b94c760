"""Locks as data: what each manager's lock step runs or copies, and the frozen install that reads it back.

The conda family, pixi, spack, apt and the nix family cannot run here (their channels are
unreachable): their lock steps and frozen installs are checked as the argv and files they are.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Target
from rodeo_action.managers.locks import (
    LockError,
    convert,
    dpkg_step,
    frozen_recipe,
    lock_mismatch,
    lock_plan,
    pinned_names,
    requirements_from_report,
)

WORK = "/cells/c"


def make(manager: str, requirements: tuple[str, ...] = ("six",), tool: str = "/bin/tool") -> CellSpec:
    return CellSpec(cell_id="c", python="3.12", target=Target("linux"), packages=(), requirements=requirements,
                    workdir=WORK, tool=tool, interpreter="/usr/bin/python3.12")


def argvs(manager: str, files: dict[str, str], requirements: tuple[str, ...] = ("six",)) -> list[tuple[str, ...]]:
    spec = make(manager, requirements)
    return [s.argv for s in frozen_recipe(manager, spec, get(manager).recipe(spec), files).steps if s.argv]


@pytest.mark.parametrize(("manager", "name", "fmt"), [
    ("pip", "requirements.txt", "requirements-hashes"), ("uv", "requirements.txt", "requirements-hashes"),
    ("hatch", "requirements.txt", "requirements-hashes"), ("poetry", "poetry.lock", "poetry.lock"),
    ("pdm", "pdm.lock", "pdm.lock"), ("pipenv", "Pipfile.lock", "Pipfile.lock"), ("pixi", "pixi.lock", "pixi.lock"),
    ("conda", "explicit.txt", "conda-explicit"), ("mamba", "explicit.txt", "conda-explicit"),
    ("micromamba", "explicit.txt", "conda-explicit"), ("spack", "spack.lock", "spack.lock"),
    ("nix", "default.nix", "nix-expression"), ("uv2nix", "default.nix", "nix-expression"),
    ("apt", "apt.txt", "apt-pins"),
])
def test_every_manager_names_its_native_lock(manager: str, name: str, fmt: str) -> None:
    spec = make(manager)
    plan = lock_plan(manager, spec, get(manager).recipe(spec))
    assert plan is not None and (plan.name, plan.format) == (name, fmt)
    assert plan.steps or plan.copies   # something makes it
    for step in plan.steps:
        assert step.phase == "lock" and step.argv


@pytest.mark.parametrize("manager", ["conda", "mamba", "micromamba"])
def test_conda_family_lock_is_list_explicit_md5_and_installs_with_create_file(manager: str) -> None:
    spec = make(manager, ("numpy>=1.26",))
    plan = lock_plan(manager, spec, get(manager).recipe(spec))
    assert plan is not None
    (step,) = plan.steps
    assert step.argv == ("/bin/tool", "list", "-p", f"{WORK}/env", "--explicit", "--md5")
    assert step.stdout == f"{WORK}/.rodeo-lock/explicit.txt"
    explicit = "@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/numpy-2.1.0-py312.conda#abc\n"
    assert argvs(manager, {"explicit.txt": explicit}) == [
        ("/bin/tool", "create", "-y", "-p", f"{WORK}/env", "--file", f"{WORK}/explicit.txt")]
    spec = make(manager)
    written = [s for s in frozen_recipe(manager, spec, get(manager).recipe(spec), {"explicit.txt": explicit}).steps
               if s.write]
    assert [(s.write, s.content) for s in written] == [(f"{WORK}/explicit.txt", explicit)]


def test_pixi_installs_its_lock_frozen() -> None:
    got = argvs("pixi", {"pixi.lock": "version: 6\n", "pixi.toml": "[workspace]\n"})
    assert got == [("/bin/tool", "install", "--frozen", "--manifest-path", f"{WORK}/pixi.toml")]


def test_nix_family_builds_the_locked_expression_with_its_pinned_revision() -> None:
    spec = make("nix")
    locked = "let pkgs = import (fetchTarball { url = \"https://x/nixpkgs/abc.tar.gz\"; sha256 = \"0q\"; }) {}; in 1\n"
    recipe = frozen_recipe("nix", spec, get("nix").recipe(spec), {"default.nix": locked})
    (expr,) = [s for s in recipe.steps if s.write and s.write.endswith("default.nix")]
    assert expr.content == locked
    assert [s.argv for s in recipe.steps if s.argv] == [s.argv for s in get("nix").recipe(spec).steps if s.argv]


def test_spack_creates_its_environment_from_spack_lock() -> None:
    assert argvs("spack", {"spack.lock": "{}"}) == [
        ("/bin/tool", "env", "create", "-d", f"{WORK}/env", f"{WORK}/spack.lock"),
        ("/bin/tool", "-e", f"{WORK}/env", "install")]


def test_apt_lock_is_dpkg_pins_of_installed_packages_and_installs_them() -> None:
    spec = make("apt", ("python3-six",))
    plan = lock_plan("apt", spec, get("apt").recipe(spec))
    assert plan is not None and plan.steps[0].argv[0] == "dpkg-query" and plan.convert == "dpkg"
    listed = "installed\tpython3-six=1.16.0-4\nnot-installed\tpython3-gone=\nconfig-files\tpython3-old=1\n" \
             "installed\tpython3=3.11.2-1\n"
    assert convert("dpkg", listed) == "python3-six=1.16.0-4\npython3=3.11.2-1\n"
    got = argvs("apt", {"apt.txt": "python3-six=1.16.0-4\npython3=3.11.2-1\n"}, ("python3-six",))
    assert got[-1][-2:] == ("python3-six=1.16.0-4", "python3=3.11.2-1")
    assert "python3-six" not in got[-1][:-2]   # the set's unpinned names are replaced by the pins


@pytest.mark.parametrize(("manager", "want"), [
    ("pip", ("-m", "pip", "install", "--require-hashes", "--no-deps", "-r", f"{WORK}/requirements.txt")),
    ("uv", ("pip", "sync", "--python", f"{WORK}/.venv/bin/python", "--require-hashes", f"{WORK}/requirements.txt")),
    ("hatch", ("run", "python", "-m", "pip", "install", "--require-hashes", "--no-deps", "-r",
               f"{WORK}/requirements.txt")),
])
def test_requirements_locks_install_with_require_hashes(manager: str, want: tuple[str, ...]) -> None:
    got = argvs(manager, {"requirements.txt": "six==1.17.0 --hash=sha256:ab\n"})
    assert got[-1][1:] == want
    assert not any("six" == a for argv in got for a in argv)   # the set itself is never resolved again


@pytest.mark.parametrize(("manager", "lock", "project", "sync"), [
    ("poetry", "poetry.lock", "pyproject.toml", ("sync", "--no-interaction")),
    ("pdm", "pdm.lock", "pyproject.toml", ("sync", "--no-self")),
    ("pipenv", "Pipfile.lock", "Pipfile", ("sync",)),
])
def test_project_managers_sync_from_the_lock_and_its_own_project(manager: str, lock: str, project: str,
                                                                 sync: tuple[str, ...]) -> None:
    spec = make(manager)
    files = {lock: "LOCK", project: "PROJECT"}
    recipe = frozen_recipe(manager, spec, get(manager).recipe(spec), files)
    writes = {s.write: s.content for s in recipe.steps if s.write}
    assert writes == {f"{WORK}/{lock}": "LOCK", f"{WORK}/{project}": "PROJECT"}   # not the generated project
    assert recipe.steps[-1].argv == ("/bin/tool", *sync)
    assert recipe.steps[-1].cwd == WORK


def test_a_manager_without_a_lock_file_is_a_clear_error() -> None:
    spec = make("pip")
    with pytest.raises(LockError, match="no lock file of pip among notes.md"):
        frozen_recipe("pip", spec, get("pip").recipe(spec), {"notes.md": "x"})


def test_a_pip_report_becomes_hashed_pins_and_says_what_has_no_hash() -> None:
    report = {"install": [
        {"metadata": {"name": "six", "version": "1.17.0"},
         "download_info": {"archive_info": {"hashes": {"sha256": "aa"}, "hash": "sha256=aa"}}},
        {"metadata": {"name": "Docrep", "version": "0.3.2"}, "download_info": {"archive_info": {"hash": "sha256=bb"}}},
        {"metadata": {"name": "local", "version": "1"}, "download_info": {"dir_info": {}}},
    ]}
    text = requirements_from_report(report)
    assert text == ("Docrep==0.3.2 --hash=sha256:bb\nlocal==1  # no hash known\nsix==1.17.0 --hash=sha256:aa\n")
    assert pinned_names(text) == {"Docrep": "0.3.2", "local": "1", "six": "1.17.0"}


def test_pinned_names_reads_uv_compile_continuations() -> None:
    text = "six==1.17.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\nnumpy==2.1.0 ; python_version >= '3'\n"
    assert pinned_names(text) == {"six": "1.17.0", "numpy": "2.1.0"}


@pytest.mark.parametrize("line", [
    "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
    "  × Failed to download `six==1.17.0`\n  ╰─▶ Hash mismatch for `six==1.17.0`",
    # pdm sync of a lock written on this platform (tests/corpus/wild/pdm/hash-lock-six-raw.log)
    "pdm.exceptions.CandidateNotFound: No candidate is found for `six` that matches the environment or hashes",
])
def test_a_hash_that_no_longer_matches_is_named(line: str) -> None:
    said = lock_mismatch(f"Collecting six\n{line}\n")
    assert said is not None and said.startswith("the lock's hash no longer matches")
    assert lock_mismatch("ERROR: No matching distribution found for six") is None


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="dpkg-query: Debian/Ubuntu only")
def test_the_dpkg_step_for_real_lists_this_machine_s_installed_python3(tmp_path: Path) -> None:
    step = dpkg_step(str(tmp_path / "dpkg.txt"))
    proc = subprocess.run(step.argv, capture_output=True, text=True, check=False)
    pins = convert("dpkg", proc.stdout)
    if "installed\tpython3=" not in proc.stdout:
        pytest.skip("no python3 package from apt on this machine")
    assert re.search(r"^python3=\S+$", pins, re.M) and all("=" in line for line in pins.splitlines())
