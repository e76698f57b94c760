"""nix, mach-nix, poetry2nix, uv2nix and spack: the commands and files each recipe generates, and runs against shims.

None of these can reach its channels here, so (1) every recipe is checked, for Linux and macOS, step
by step against the tools' documented usage (nix-build ``-o``; ``nix-shell -I nixpkgs=... -p ...
--run``; ``spack env create -d``, ``spack -e DIR concretize|install``); (2) every generated ``.nix``
file goes through ``nix-instantiate --parse`` (Debian's nix-bin; skipped when absent), hostile
package names included, and the TOML/YAML files are parsed back; (3) the steps run for real against
shim executables on PATH - first with a small step executor, then through ``rodeo run`` - that log
their argv and either build a fake environment where the real tool would (``result`` ->
a venv with stub distributions, or the Spack view) or print the tool's own error and exit 1.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from shimkit import calls, execute, run_cell_with_shims, shim_env, write_shim

from rodeo_action.managers import get, manager_info
from rodeo_action.managers.base import CellSpec, Family, Phase, Recipe, Target
from rodeo_action.managers.nixfamily import Pins, nix_attr, pins, python_attr

NIX_FAMILY = ("nix", "mach-nix", "poetry2nix", "uv2nix")
ALL = (*NIX_FAMILY, "spack")
FAMILIES: tuple[Family, ...] = ("linux", "macos")
WORK = "/cells/cell"
NIX_BASE32_SHA256 = re.compile(r"^[0-9abcdfghijklmnpqrsvwxyz]{52}$")   # what nix-prefetch-url --unpack prints
HOSTILE_ATTRS = ('a"b${x}', "or", "in", "x y", "''", "a\tb", "back\\slash", "${builtins.abort \"x\"}",
                 "ruamel-yaml", "python-dateutil", "_private'")
SEED = ("cartopy", "tensorflow>=2", "xgcm")


def make_spec(manager: str, family: Family = "linux", *, requirements: tuple[str, ...] = SEED,
              python: str = "3.12", work: str = WORK, tool: str | None = None, cache_dir: str | None = None,
              index_url: str | None = None, extra: tuple[str, ...] = ()) -> CellSpec:
    os_label = {"linux": "ubuntu-latest", "macos": "macos-latest", "windows": "windows-latest"}[family]
    default_tool = "spack" if manager == "spack" else "nix-build"
    return CellSpec(cell_id=f"{manager}-all-{os_label}-py{python}", python=python, target=Target(family),
                    packages=(), requirements=requirements, workdir=work, tool=tool or default_tool,
                    index_url=index_url, extra_index_urls=extra, cache_dir=cache_dir)


def shape(recipe: Recipe) -> list[tuple[Phase, str | None, list[str], str | None]]:
    """Each step as (phase, file written, argv, cwd): the part of a recipe the tests pin exactly."""
    return [(step.phase, step.write, list(step.argv), step.cwd) for step in recipe.steps]


def written(recipe: Recipe, name: str) -> str:
    (content,) = [step.content for step in recipe.steps if step.write and step.write.endswith("/" + name)]
    return content


BUILD = ("install", None, ["nix-build", f"{WORK}/default.nix", "-o", f"{WORK}/result"], WORK)


def fetched(manager: str, name: str) -> str:
    """How a recipe's .nix file fetches pin ``name``: a tarball URL checked against its sha256."""
    source = pins(manager).source(name)
    return f'builtins.fetchTarball {{\n    url = "{source.url}";\n    sha256 = "{source.sha256}";\n  }}'


def lock_step(command: str) -> tuple[Phase, str | None, list[str], str | None]:
    return ("install", None, ["nix-shell", f"{WORK}/lock.nix", "--run", command], WORK)


# ---------------------------------------------------------------- (1) what the recipes say


@pytest.mark.parametrize("family", FAMILIES)
def test_nix_recipe(family: Family) -> None:
    recipe = get("nix").recipe(make_spec("nix", family, requirements=("cartopy", "tensorflow", "xgcm")))
    assert shape(recipe) == [("create", f"{WORK}/default.nix", [], None), BUILD]
    nix = written(recipe, "default.nix")
    assert f"pkgs = import ({fetched('nix', 'nixpkgs')}) {{" in nix
    assert "channels.nixos.org" not in nix
    assert "pkgs.python312.withPackages (ps: [\n  ps.cartopy\n  ps.tensorflow\n  ps.xgcm\n])" in nix
    assert "<nixpkgs>" not in nix.split("\nlet\n")[1]
    assert recipe.python == f"{WORK}/result/bin/python" and recipe.bin_dirs == (f"{WORK}/result/bin",)
    assert recipe.env == ()
    assert recipe.pinned == "nixpkgs 26.05"


@pytest.mark.parametrize("family", FAMILIES)
def test_mach_nix_recipe(family: Family) -> None:
    recipe = get("mach-nix").recipe(make_spec("mach-nix", family))
    assert shape(recipe) == [("create", f"{WORK}/requirements.txt", [], None),
                             ("create", f"{WORK}/default.nix", [], None), BUILD]
    assert written(recipe, "requirements.txt") == "cartopy\ntensorflow>=2\nxgcm\n"
    nix = written(recipe, "default.nix")
    assert ('url = "https://github.com/DavHau/mach-nix/";\n    ref = "refs/tags/3.5.0";\n'
            '    rev = "7e14360bde07dcae32e5e24f366c83272f52923f";') in nix
    assert 'mach-nix.mkPython {\n  python = "python312";\n  requirements = builtins.readFile ./requirements.txt;' in nix
    assert recipe.python == f"{WORK}/result/bin/python"
    assert recipe.pinned == "mach-nix 3.5.0, nixpkgs 554d2d8aa25b"


@pytest.mark.parametrize("family", FAMILIES)
def test_poetry2nix_recipe(family: Family) -> None:
    recipe = get("poetry2nix").recipe(make_spec("poetry2nix", family, cache_dir="/cache/poetry"))
    assert shape(recipe) == [
        ("create", f"{WORK}/pyproject.toml", [], None),
        ("create", f"{WORK}/default.nix", [], None),
        ("create", f"{WORK}/lock.nix", [], None),
        lock_step("poetry lock --no-interaction"),
        BUILD,
    ]
    assert tomllib.loads(written(recipe, "pyproject.toml")) == {"tool": {"poetry": {
        "name": "rodeo-cell", "version": "0.0.0", "description": "one rodeo-action cell", "authors": [],
        "package-mode": False,
        "dependencies": {"python": ">=3.12,<3.13", "cartopy": {"version": "*"},
                         "tensorflow": {"version": ">=2"}, "xgcm": {"version": "*"}},
    }}}
    nix = written(recipe, "default.nix")
    assert f"pkgs = import ({fetched('poetry2nix', 'nixpkgs')}) {{" in nix
    # the last release tag (2024.11.79136, pinned before, never existed: its fetch was a 404)
    assert f"poetry2nix = import ({fetched('poetry2nix', 'poetry2nix')}) {{ inherit pkgs; }};" in nix
    assert "/poetry2nix/archive/2025.3.1955794.tar.gz" in nix and "79136" not in nix
    assert f"pkgs = import ({fetched('poetry2nix', 'nixpkgs')}) {{" in written(recipe, "lock.nix")
    assert "packages = [\n    pkgs.poetry\n  ];" in written(recipe, "lock.nix")
    assert recipe.pinned == "poetry2nix 2025.3.1955794, nixpkgs 75e28c029ef2"
    assert "poetry2nix.mkPoetryEnv {\n  projectDir = ./.;\n  python = pkgs.python312;\n  preferWheels = true;" in nix
    assert recipe.env == (("POETRY_CACHE_DIR", "/cache/poetry"),
                          ("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring"))
    assert recipe.python == f"{WORK}/result/bin/python"


def test_poetry2nix_index_becomes_explicit_sources_and_requirements_become_tables() -> None:
    reqs = ("xgcm[io,extra]; python_version < '3.13'", "foo @ https://example.org/foo-1.0-py3-none-any.whl",
            "opencv-python>=4", "opencv-python<5; sys_platform == 'linux'")
    recipe = get("poetry2nix").recipe(make_spec("poetry2nix", requirements=reqs, index_url="https://mirror/simple",
                                                extra=("https://extra/simple",)))
    poetry = tomllib.loads(written(recipe, "pyproject.toml"))["tool"]["poetry"]
    assert poetry["dependencies"] == {
        "python": ">=3.12,<3.13",
        "xgcm": {"version": "*", "extras": ["extra", "io"], "markers": 'python_version < "3.13"'},
        "foo": {"url": "https://example.org/foo-1.0-py3-none-any.whl"},
        "opencv-python": [{"version": ">=4"}, {"version": "<5", "markers": 'sys_platform == "linux"'}],
    }
    assert poetry["source"] == [
        {"name": "rodeo-index", "url": "https://mirror/simple", "priority": "primary"},
        {"name": "rodeo-extra-1", "url": "https://extra/simple", "priority": "supplemental"},
    ]


@pytest.mark.parametrize("family", FAMILIES)
def test_uv2nix_recipe(family: Family) -> None:
    recipe = get("uv2nix").recipe(make_spec("uv2nix", family, cache_dir="/cache/uv"))
    assert shape(recipe) == [
        ("create", f"{WORK}/pyproject.toml", [], None),
        ("create", f"{WORK}/default.nix", [], None),
        ("create", f"{WORK}/lock.nix", [], None),
        lock_step("uv lock"),
        BUILD,
    ]
    assert tomllib.loads(written(recipe, "pyproject.toml")) == {"project": {
        "name": "rodeo-cell", "version": "0.0.0", "requires-python": ">=3.12,<3.13", "dependencies": list(SEED)}}
    nix = written(recipe, "default.nix")
    for name in ("nixpkgs", "pyproject-nix", "uv2nix", "build-system-pkgs"):
        assert fetched("uv2nix", name) in nix
    assert "master" not in nix and "channels.nixos.org" not in nix
    lock = written(recipe, "lock.nix")
    assert fetched("uv2nix", "nixpkgs") in lock and "packages = [\n    pkgs.uv\n    pkgs.python312\n  ];" in lock
    assert recipe.pinned == "uv2nix 4b59abb2ae18, nixpkgs e5bdc4a41d4c"
    assert "workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = ./.; };" in nix
    assert 'workspace.mkPyprojectOverlay { sourcePreference = "wheel"; }' in nix
    assert "python = pkgs.python312;" in nix and "pyproject-build-systems.wheel" in nix
    assert nix.rstrip().endswith('pythonSet.mkVirtualEnv "rodeo-cell-env" workspace.deps.default')
    assert recipe.env == (("UV_CACHE_DIR", "/cache/uv"), ("UV_PYTHON", "3.12"), ("UV_PYTHON_DOWNLOADS", "never"))


def test_uv2nix_indexes_live_in_pyproject() -> None:
    recipe = get("uv2nix").recipe(make_spec("uv2nix", index_url="https://mirror/simple",
                                            extra=("https://extra/simple",)))
    assert tomllib.loads(written(recipe, "pyproject.toml"))["tool"]["uv"]["index"] == [
        {"url": "https://extra/simple"}, {"url": "https://mirror/simple", "default": True}]
    assert "mirror" not in " ".join(" ".join(step.argv) for step in recipe.steps)


@pytest.mark.parametrize("family", FAMILIES)
def test_spack_recipe(family: Family) -> None:
    spec = make_spec("spack", family, requirements=("py-cartopy", "py-tensorflow", "py-xgcm"))
    recipe = get("spack").recipe(spec)
    assert shape(recipe) == [
        ("create", f"{WORK}/spack.yaml", [], None),
        ("create", None, ["spack", "env", "create", "-d", f"{WORK}/env", f"{WORK}/spack.yaml"], None),
        ("install", None, ["spack", "-e", f"{WORK}/env", "concretize"], None),
        ("install", None, ["spack", "-e", f"{WORK}/env", "install"], None),
    ]
    cpu_only = {"prefer": ["~cuda"]}
    assert yaml.safe_load(written(recipe, "spack.yaml")) == {"spack": {
        "specs": ["python@3.12", "py-cartopy", "py-tensorflow", "py-xgcm"],
        "view": f"{WORK}/view",
        "concretizer": {"unify": True},
        "packages": {"py-tensorflow": cpu_only, "py-torch": cpu_only, "py-jaxlib": cpu_only, "py-horovod": cpu_only,
                     "py-dgl": cpu_only},
    }}
    assert recipe.python == f"{WORK}/view/bin/python" and recipe.bin_dirs == (f"{WORK}/view/bin",)


def test_spack_asks_for_a_cpu_tensorflow_and_keeps_the_build_cache() -> None:
    """py-tensorflow defaults to +cuda on Linux: CUDA and a Bazel build from source, past any timeout
    (issue 18). The cell asks for ~cuda as a strong preference, which a spec of the set can override,
    and leaves the mirrors setup-spack adds (its build cache) and Spack's binary reuse as they are."""
    recipe = get("spack").recipe(make_spec("spack", requirements=("py-tensorflow", "py-torch+cuda")))
    manifest = yaml.safe_load(written(recipe, "spack.yaml"))["spack"]
    assert manifest["packages"]["py-tensorflow"] == {"prefer": ["~cuda"]}
    assert "py-torch+cuda" in manifest["specs"]           # the user's own constraint stays in the specs
    assert "mirrors" not in manifest and "reuse" not in manifest["concretizer"] and "config" not in manifest
    install = recipe.steps[-1].argv
    assert install == ("spack", "-e", f"{WORK}/env", "install")   # Spack's default: --use-buildcache auto
    assert not {"--no-cache", "--use-buildcache", "--only-concrete", "--no-check-signature"} & set(install)


def test_spack_pins_a_release_of_spack_and_its_packages() -> None:
    """setup-spack checks out `develop` unless told otherwise; the release it should use is data here."""
    raw = yaml.safe_load((TESTS.parent / "matrix" / "managers" / "spack.yml").read_text(encoding="utf-8"))
    pin = raw["pins"]
    assert pin["spack"] == "https://github.com/spack/spack" and re.fullmatch(r"v\d+\.\d+\.\d+", pin["spack-ref"])
    assert pin["spack-packages"] == "https://github.com/spack/spack-packages"
    assert re.fullmatch(r"v\d{4}\.\d{2}\.\d+", pin["spack-packages-ref"])
    assert re.fullmatch(r"[0-9a-f]{40}", pin["spack-rev"]) and re.fullmatch(r"[0-9a-f]{40}", pin["spack-packages-rev"])
    assert "develop" not in pin.values()
    assert all(isinstance(v, str) for v in pin.values())     # one flat mapping of strings, as for the nix family


def test_tool_paths_are_used_and_nix_shell_is_found_beside_nix_build() -> None:
    tool = "/nix/var/nix/profiles/default/bin/nix-build"
    for manager in ("poetry2nix", "uv2nix"):
        recipe = get(manager).recipe(make_spec(manager, tool=tool))
        assert [step.argv[0] for step in recipe.steps if step.argv] == [
            "/nix/var/nix/profiles/default/bin/nix-shell", tool]
    spack = get("spack").recipe(make_spec("spack", tool="/opt/spack/bin/spack"))
    assert {step.argv[0] for step in spack.steps if step.argv} == {"/opt/spack/bin/spack"}


@pytest.mark.parametrize("manager", ALL)
def test_registered_for_linux_and_macos_only(manager: str) -> None:
    info = get(manager).info
    assert set(info.families) == {"linux", "macos"} and info.provisions_python
    assert info.executable == ("spack" if manager == "spack" else "nix-build")
    assert not info.runs_on("windows-latest") and info.runs_on("ubuntu-24.04") and info.runs_on("macos-14")
    assert manager_info(manager).ecosystem == {"nix": "nix", "spack": "spack"}.get(manager, "pypi")
    with pytest.raises(ValueError, match="Linux and macOS only"):
        get(manager).recipe(make_spec(manager, "windows"))


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
    with pytest.raises(ValueError, match="free-threaded"):
        get("spack").recipe(make_spec("spack", python="3.13t"))


@pytest.mark.parametrize("bad", ["cartopy\n--index-url https://evil/simple", "-e .", "x\r", "x\u2028-e .", " -e ."])
def test_mach_nix_requirements_stay_one_line_each(bad: str) -> None:
    with pytest.raises(ValueError, match="option|more than one line"):
        get("mach-nix").recipe(make_spec("mach-nix", requirements=("cartopy", bad)))


def test_hostile_values_stay_inside_toml_and_yaml_strings() -> None:
    hostile = ('a"]\t[tool.evil]\tx = "1', "b\\c", "d'''e", "${x}", "x: [y]\t- z")
    uv = get("uv2nix").recipe(make_spec("uv2nix", requirements=hostile, index_url='https://m/"]][evil]'))
    parsed = tomllib.loads(written(uv, "pyproject.toml"))
    assert set(parsed) == {"project", "tool"} and parsed["project"]["dependencies"] == list(hostile)
    assert parsed["tool"]["uv"]["index"] == [{"url": 'https://m/"]][evil]', "default": True}]
    p2n = get("poetry2nix").recipe(make_spec("poetry2nix", index_url='https://m/"]][evil]'))
    assert tomllib.loads(written(p2n, "pyproject.toml"))["tool"]["poetry"]["source"][0]["url"] == 'https://m/"]][evil]'
    spack = get("spack").recipe(make_spec("spack", requirements=hostile, work="/cells/a: b\n- c"))
    parsed_yaml = yaml.safe_load(written(spack, "spack.yaml"))
    assert parsed_yaml["spack"]["specs"] == ["python@3.12", *hostile]
    assert parsed_yaml["spack"]["view"] == "/cells/a: b\n- c/view"


# ---------------------------------------------------------------- (2) nix-instantiate --parse


NIX_INSTANTIATE = shutil.which("nix-instantiate")
needs_nix = pytest.mark.skipif(NIX_INSTANTIATE is None,
                               reason="nix-instantiate not installed (Debian/Ubuntu: apt-get install nix-bin)")


def nix_parse(source: str, tmp_path: Path) -> str:
    """``nix-instantiate --parse`` of one file: the normalised AST, or the parser's error as a failure."""
    assert NIX_INSTANTIATE is not None
    path = tmp_path / "default.nix"
    path.write_text(source, encoding="utf-8")
    proc = subprocess.run([NIX_INSTANTIATE, "--parse", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + "\n" + source
    return proc.stdout


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


@needs_nix
def test_hostile_nixpkgs_attribute_names_parse_and_stay_strings(tmp_path: Path) -> None:
    recipe = get("nix").recipe(make_spec("nix", requirements=("cartopy", *HOSTILE_ATTRS)))
    ast = nix_parse(written(recipe, "default.nix"), tmp_path)
    # The parser's own rendering, ((ps).NAME): cartopy bare, each hostile name one attribute whose
    # quotes and ${ are escaped - a string, never an interpolation.
    assert "((ps).cartopy)" in ast
    assert '((ps)."a\\"b\\${x}")' in ast and '((ps)."x y")' in ast and "((ps).or)" in ast
    assert '((ps)."\\${builtins.abort \\"x\\"}")' in ast and '((ps)."a\\tb")' in ast
    assert "((ps).ruamel-yaml)" in ast and "((ps).python-dateutil)" in ast
    assert ast.count("((ps).") == 1 + len(HOSTILE_ATTRS)


@needs_nix
def test_nix_instantiate_rejects_an_unescaped_name(tmp_path: Path) -> None:
    """The parse check has teeth: the same expression with the name spliced in raw does not parse."""
    source = written(get("nix").recipe(make_spec("nix", requirements=("cartopy",))), "default.nix")
    (tmp_path / "bad.nix").write_text(source.replace("ps.cartopy", 'ps.a"b${x}'), encoding="utf-8")
    assert NIX_INSTANTIATE is not None
    proc = subprocess.run([NIX_INSTANTIATE, "--parse", str(tmp_path / "bad.nix")], capture_output=True, text=True)
    assert proc.returncode != 0 and "syntax error" in proc.stderr


# ---------------------------------------------------------------- (3) running the steps against shims

TESTS = Path(__file__).resolve().parent
NIX_VERSION = "nix-build (Nix) 2.28.3"
SPACK_VERSION = "1.0.2"

# What every shim shares: parse a requirement down to its distribution name.
_COMMON = f'''
import re, shutil, sys, tomllib
sys.path.insert(0, {str(TESTS)!r})
from pathlib import Path
from shimkit import fake_env
args = sys.argv[1:]
def dist(req):
    return re.split(r"[\\[<>=!~;@ ]", req.strip())[0]
'''

# nix-shell: runs the lock command it was given by writing the lock file the locker would (names from
# pyproject.toml), or fails with the locker's own resolver message when the set holds a missing package.
NIX_SHELL = _COMMON + '''
command = args[args.index("--run") + 1]
project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
if command.startswith("poetry lock"):
    names = [n for n in project["tool"]["poetry"]["dependencies"] if n != "python"]
    lock = "poetry.lock"
else:
    names = [dist(r) for r in project["project"]["dependencies"]]
    lock = "uv.lock"
missing = [n for n in names if n.startswith("nonexistent")]
if missing and lock == "poetry.lock":
    print("Updating dependencies\\nResolving dependencies...\\n")
    print(f"Because rodeo-cell depends on {missing[0]} (*) which doesn't match any versions, "
          "version solving failed.", file=sys.stderr)
    sys.exit(1)
if missing:
    print("  \\u00d7 No solution found when resolving dependencies:", file=sys.stderr)
    print(f"  \\u2570\\u2500\\u25b6 Because {missing[0]} was not found in the package registry and rodeo-cell "
          f"depends on {missing[0]}, we can conclude that your requirements are unsatisfiable.", file=sys.stderr)
    sys.exit(1)
Path(lock).write_text("".join(f'[[package]]\\nname = "{n}"\\nversion = "1.0"\\n\\n' for n in names))
print(f"Resolved {len(names)} packages")
'''

# nix-build EXPR -o OUT: reads what the expression would build (poetry.lock / uv.lock / requirements.txt /
# the ps.NAME list), makes a fake env in a fake store and points OUT at it, as nix-build does.
NIX_BUILD = _COMMON + f'''
if args == ["--version"]:
    print({NIX_VERSION!r})
    sys.exit(0)
expr = Path(args[0])
out = Path(args[args.index("-o") + 1])
folder = expr.parent
for lock in ("poetry.lock", "uv.lock"):
    if (folder / lock).exists():
        names = [p["name"] for p in tomllib.loads((folder / lock).read_text())["package"]]
        break
else:
    if (folder / "requirements.txt").exists():
        names = [dist(line) for line in (folder / "requirements.txt").read_text().splitlines() if line.strip()]
    else:
        names = re.findall(r"^  ps\\.(\\S+)$", expr.read_text(), re.M)
FAIL
store = folder.parent / "store" / "0123456789abcdfghijklmnpqrsvwxyz-python3-3.12-env"
fake_env(store, {{n: "1.0" for n in names}})
out.symlink_to(store)
print(store)
'''

NIX_OK = NIX_BUILD.replace("FAIL\n", "")

# nixpkgs has no such attribute: Nix's own evaluation error (2.2x wording).
NIX_MISSING = NIX_BUILD.replace("FAIL\n", '''missing = [n for n in names if n.startswith("nonexistent")]
if missing:
    lines = expr.read_text().splitlines()
    at = next(i for i, line in enumerate(lines, 1) if missing[0] in line)
    sys.stderr.write(f"""error: attribute '{missing[0]}' missing

       at {expr}:{at}:3:

           {at - 1}| {lines[at - 2]}
           {at}| {lines[at - 1]}
             |   ^
           {at + 1}| {lines[at]}
       Did you mean one of nonempty or nonemptylist?
""")
    sys.exit(1)
''')

# mach-nix resolves inside a Nix build: resolvelib finds no candidate, and the derivation fails.
MACH_NIX_MISSING = NIX_BUILD.replace("FAIL\n", '''missing = [n for n in names if n.startswith("nonexistent")]
if missing:
    drv = "/nix/store/5k0w4n2q2l1zqj9c2y3v7x8b9m0a1s2d-mach_nix_file.drv"
    sys.stderr.write(f"""error: builder for '{drv}' failed with exit code 1;
       last 3 log lines:
       >     raise ResolutionImpossible(causes)
       > resolvelib.resolvers.ResolutionImpossible: [RequirementInformation(requirement=Requirement('{missing[0]}'), \\
parent=None)]
       For full logs, run 'nix log {drv}'.
""")
    sys.exit(1)
''')

SPACK = _COMMON + f'''
if args == ["--version"]:
    print({SPACK_VERSION!r})
    sys.exit(0)
if args[:3] == ["env", "create", "-d"]:
    env_dir = Path(args[3])
    env_dir.mkdir(parents=True)
    shutil.copy(args[4], env_dir / "spack.yaml")
    print(f"==> Created independent environment in: {{env_dir}}")
    sys.exit(0)
import yaml
env_dir = Path(args[args.index("-e") + 1])
manifest = yaml.safe_load((env_dir / "spack.yaml").read_text())["spack"]
specs, view = manifest["specs"], manifest["view"]
names = [s for s in specs if not s.startswith("python@")]
if args[-1] == "concretize":
    FAIL
    for s in specs:
        print(" -   abcdefg  " + s + "@1.0")
    (env_dir / "spack.lock").write_text("{{}}")
    sys.exit(0)
if args[-1] == "install":
    fake_env(Path(view), {{n.removeprefix("py-"): "1.0" for n in names}})
    print(f"==> Updating view at {{view}}")
'''

SPACK_OK = SPACK.replace("    FAIL\n", "")
SPACK_MISSING = SPACK.replace("    FAIL\n", '''    missing = [n for n in names if "nonexistent" in n]
    if missing:
        sys.stderr.write(f"==> Error: Package '{missing[0]}' not found.\\nYou may need to run 'spack clean -m'.\\n")
        sys.exit(1)
''')


def install_shims(bin_dir: Path, manager: str, failing: bool = False) -> None:
    if manager == "spack":
        write_shim(bin_dir, "spack", SPACK_MISSING if failing else SPACK_OK)
        return
    build = {"nix": NIX_MISSING, "mach-nix": MACH_NIX_MISSING}.get(manager, NIX_OK) if failing else NIX_OK
    write_shim(bin_dir, "nix-build", build)
    write_shim(bin_dir, "nix-shell", NIX_SHELL)




def seed_requirements(manager: str, *names: str) -> tuple[str, ...]:
    return tuple(f"py-{n}" for n in names) if manager == "spack" else names


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="shims are POSIX scripts")


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_recipe_runs_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    install_shims(bin_dir, manager)
    work = tmp_path / "cell"
    spec = make_spec(manager, requirements=seed_requirements(manager, "cartopy", "tensorflow", "xgcm"),
                     work=str(work), tool=str(bin_dir / ("spack" if manager == "spack" else "nix-build")),
                     cache_dir=str(tmp_path / "cache"))
    recipe = get(manager).recipe(spec)
    outcome = execute(recipe, shim_env(bin_dir, log))
    assert outcome.failed is None, outcome.output

    logged = calls(log)
    assert [[c.tool, *c.argv] for c in logged] == [[Path(s.argv[0]).name, *s.argv[1:]] for s in recipe.steps if s.argv]
    assert all(Path(c.cwd) == work for c in logged if c.tool.startswith("nix"))
    for name in {step.write for step in recipe.steps if step.write}:
        assert name is not None and Path(name).is_file()
    if manager in ("poetry2nix", "uv2nix"):
        assert (work / ("poetry.lock" if manager == "poetry2nix" else "uv.lock")).is_file()
    if manager != "spack":
        assert (work / "result").is_symlink()

    probe = subprocess.run([recipe.python, "-c", "import cartopy, tensorflow, xgcm, sys; print(sys.prefix)"],
                           capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).resolve() == Path(recipe.python).parent.parent.resolve()
    missing = subprocess.run([recipe.python, "-c", "import docrep"], capture_output=True, text=True)
    assert missing.returncode != 0 and "No module named 'docrep'" in missing.stderr


FAILURES = {
    "nix": ("nix-build", r"error: attribute 'nonexistent-pkg' missing\s+at .*default\.nix:\d+:3:"),
    "mach-nix": ("nix-build", r"ResolutionImpossible: \[RequirementInformation\("
                              r"requirement=Requirement\('nonexistent-pkg'\), parent=None\)\]"),
    "poetry2nix": ("nix-shell", r"Because rodeo-cell depends on nonexistent-pkg \(\*\) which doesn't match any "
                                r"versions, version solving failed\."),
    "uv2nix": ("nix-shell", r"Because nonexistent-pkg was not found in the package registry"),
    "spack": ("spack", r"==> Error: Package 'py-nonexistent-pkg' not found\."),
}


@posix_only
@pytest.mark.parametrize("manager", ALL)
def test_recipe_install_failure_is_attributed_to_install(manager: str, tmp_path: Path) -> None:
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    install_shims(bin_dir, manager, failing=True)
    spec = make_spec(manager, requirements=seed_requirements(manager, "cartopy", "nonexistent-pkg"),
                     work=str(tmp_path / "cell"), tool=str(bin_dir / ("spack" if manager == "spack" else "nix-build")))
    recipe = get(manager).recipe(spec)
    outcome = execute(recipe, shim_env(bin_dir, log))
    tool, message = FAILURES[manager]
    assert outcome.failed is not None and outcome.failed.phase == "install"
    assert Path(outcome.failed.argv[0]).name == tool
    assert re.search(message, outcome.output), outcome.output
    assert not Path(recipe.python).exists()


# ---------------------------------------------------------------- (4) the same, through `rodeo run`


def rodeo_run(manager: str, packages: list[str], tmp_path: Path, failing: bool = False, python: str | None = None
              ) -> tuple[dict[str, object], str]:
    """``python -m rodeo_action run --cell ...`` with the shims first on PATH: the result JSON and the log.
    Python 3.12, or 3.10 for mach-nix, whose nixpkgs of 2022 has no newer one."""
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    install_shims(bin_dir, manager, failing)
    return run_cell_with_shims(manager, packages, bin_dir, log, tmp_path,
                               python=python or ("3.10" if manager == "mach-nix" else "3.12"))


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cells are for ubuntu-latest")
def test_rodeo_run_of_a_python_mach_nix_cannot_provide_is_na_and_runs_nothing(tmp_path: Path) -> None:
    result, log = rodeo_run("mach-nix", ["cartopy"], tmp_path, python="3.12")
    assert (result["status"], result["cause"]) == ("n/a", None), log
    assert result["reason"] == "mach-nix cannot provide Python 3.12 (it provides 3.7, 3.8, 3.9, 3.10)"
    assert not (tmp_path / "shim.log").exists() or not calls(tmp_path / "shim.log")


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cells are for ubuntu-latest")
@pytest.mark.parametrize("manager", ALL)
def test_rodeo_run_passes_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    result, log = rodeo_run(manager, ["cartopy", "xgcm"], tmp_path)
    assert result["status"] == "pass", log
    assert result["imports"] == {"cartopy": "ok", "xgcm": "ok"}
    assert result["resolved"] == {"cartopy": "1.0", "xgcm": "1.0"}
    # the nix family's result names the revisions it was built from, e.g. "...; nixpkgs 26.05"
    pinned = None if manager == "spack" else get(manager).recipe(make_spec(manager, python="3.10")).pinned
    assert result["manager_version"] == (SPACK_VERSION if manager == "spack" else f"{NIX_VERSION}; {pinned}")
    assert manager == "spack" or f"# {manager}: pinned {pinned}\n" in log
    repro = str(result["repro"])     # what a person pastes: the real tool names and files, no rodeo paths
    if manager == "spack":
        assert "spack env create -d /tmp/rodeo-spack-all-ubuntu-latest-py3.12/env" in repro
        assert '  - "py-cartopy"' in repro and "spack -e /tmp/rodeo-spack-all-ubuntu-latest-py3.12/env install" in repro
    else:
        assert "nix-build /tmp/rodeo-" in repro and "/default.nix -o /tmp/rodeo-" in repro
        assert str(tmp_path) not in repro
    argvs = [call.argv for call in calls(tmp_path / "shim.log")]
    assert argvs[0] == ["--version"]


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cells are for ubuntu-latest")
@pytest.mark.parametrize("manager", ALL)
def test_rodeo_run_fails_in_install_against_failing_shims(manager: str, tmp_path: Path) -> None:
    result, log = rodeo_run(manager, ["cartopy", "nonexistent-pkg"], tmp_path, failing=True)
    assert (result["status"], result["phase"]) == ("fail", "install"), log
    assert re.search(FAILURES[manager][1], log), log
    assert not result.get("imports")          # nothing was installed, so nothing was imported
