"""What the Nix-family tests (nix, mach-nix, poetry2nix, uv2nix) and spack's share: specs, the shapes of a
recipe, ``nix-instantiate --parse``, and the shims the steps run against.

The shims (tests/shimkit.py) log their argv and either build a fake environment where the real tool
would (``result`` -> a venv with stub distributions, or the Spack view) or print the tool's own error
and exit 1. The ``check_*`` functions are the cases test_nix_family.py runs for each Nix-family
manager and test_spack.py for spack, which shares their harness.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shimkit import calls, execute, run_cell_with_shims, shim_env, write_shim

from rodeo_action.managers import get, manager_info
from rodeo_action.managers.base import CellSpec, Family, Phase, Recipe, Target
from rodeo_action.managers.nixfamily import pins

NIX_FAMILY = ("nix", "mach-nix", "poetry2nix", "uv2nix")
FAMILIES: tuple[Family, ...] = ("linux", "macos")
WORK = "/cells/cell"
NIX_BASE32_SHA256 = re.compile(r"^[0-9abcdfghijklmnpqrsvwxyz]{52}$")   # what nix-prefetch-url --unpack prints
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


# ---------------------------------------------------------------- nix-instantiate --parse

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


# ---------------------------------------------------------------- the shims

TESTS = Path(__file__).resolve().parents[1]   # tests/, where shimkit.py lives
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
linux_cells = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cells are for ubuntu-latest")


def rodeo_run(manager: str, packages: list[str], tmp_path: Path, failing: bool = False, python: str | None = None
              ) -> tuple[dict[str, object], str]:
    """``python -m rodeo_action run --cell ...`` with the shims first on PATH: the result JSON and the log.
    Python 3.12, or 3.10 for mach-nix, whose nixpkgs of 2022 has no newer one."""
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    install_shims(bin_dir, manager, failing)
    return run_cell_with_shims(manager, packages, bin_dir, log, tmp_path,
                               python=python or ("3.10" if manager == "mach-nix" else "3.12"))


# ---------------------------------------------------------------- the cases each manager runs


def check_registered_for_linux_and_macos_only(manager: str) -> None:
    """Linux and macOS only, a Python of its own; a Windows recipe is refused."""
    info = get(manager).info
    assert set(info.families) == {"linux", "macos"} and info.provisions_python
    assert info.executable == ("spack" if manager == "spack" else "nix-build")
    assert not info.runs_on("windows-latest") and info.runs_on("ubuntu-24.04") and info.runs_on("macos-14")
    assert manager_info(manager).ecosystem == {"nix": "nix", "spack": "spack"}.get(manager, "pypi")
    with pytest.raises(ValueError, match="Linux and macOS only"):
        get(manager).recipe(make_spec(manager, "windows"))


def check_recipe_runs_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    """Every step runs against shims that build the environment; its python imports the set, and only it."""
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


def check_recipe_install_failure_is_attributed_to_install(manager: str, tmp_path: Path) -> None:
    """A missing package fails in ``install``, in the tool :data:`FAILURES` names, with its own message."""
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


def check_rodeo_run_passes_against_succeeding_shims(manager: str, tmp_path: Path) -> None:
    """``rodeo run`` of a cell passes; the result names the pins, the repro the real tools and files."""
    result, log = rodeo_run(manager, ["cartopy", "xgcm"], tmp_path)
    assert result["status"] == "pass", log
    assert result["imports"] == {"cartopy": "ok", "xgcm": "ok"}
    assert result["resolved"] == {"cartopy": "1.0", "xgcm": "1.0"}
    # the nix family's result names the revisions it was built from, e.g. "...; nixpkgs 26.05"
    pinned = None if manager == "spack" else get(manager).recipe(make_spec(manager, python="3.10")).pinned
    assert result["manager_version"] == (SPACK_VERSION if manager == "spack" else f"{NIX_VERSION}; {pinned}")
    assert manager == "spack" or f"# {manager}: pinned {pinned}\n" in log
    repro = str(result["repro"])     # what a person pastes: the real tool names and files, no rodeo paths
    if manager == "spack":   # in a folder of its own, "$R"
        assert 'spack env create -d "$R/env" "$R/spack.yaml"' in repro
        assert '  - "py-cartopy"' in repro and 'spack -e "$R/env" install' in repro
    else:
        assert 'nix-build "$R/default.nix" -o "$R/result"' in repro
    assert str(tmp_path) not in repro
    argvs = [call.argv for call in calls(tmp_path / "shim.log")]
    assert argvs[0] == ["--version"]


def check_rodeo_run_fails_in_install_against_failing_shims(manager: str, tmp_path: Path) -> None:
    """``rodeo run`` of a cell with a missing package fails in ``install``, and imports nothing."""
    result, log = rodeo_run(manager, ["cartopy", "nonexistent-pkg"], tmp_path, failing=True)
    assert (result["status"], result["phase"]) == ("fail", "install"), log
    assert re.search(FAILURES[manager][1], log), log
    assert not result.get("imports")          # nothing was installed, so nothing was imported
