"""What the conda-family tests share (conda, mamba, micromamba, pixi): specs, and the shims they run against.

The shims (tests/shimkit.py) log their argv and either build a fake environment at the prefix they are
given (whose python then imports the stub modules) or print the tool's own solver error and exit 1;
their ``run`` activates that environment (sourcing its ``etc/conda/activate.d`` scripts) as the real
tools do, and a stub ``pyproj`` imports only when proj's activation script has set ``PROJ_DATA``.
The ``check_*`` functions are the cases each manager's own test file runs with its own messages.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from shimkit import calls, execute, run_cell_with_shims, shim_env, write_shim

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Family, Target

CONDA_CLI = ("conda", "mamba", "micromamba")
ALL = (*CONDA_CLI, "pixi")
FAMILIES: tuple[Family, ...] = ("linux", "macos", "windows")
HOSTILE = 'a"b\t[x]'
CHANNEL = ["-c", "conda-forge", "--override-channels"]


def workdir(family: Family) -> str:
    return r"C:\cells\cell" if family == "windows" else "/cells/cell"


def make_spec(manager: str, family: Family = "linux", *,
              requirements: tuple[str, ...] = ("cartopy", "tensorflow>=2"), python: str = "3.12",
              cache_dir: str | None = None, tool: str | None = None, work: str | None = None) -> CellSpec:
    os_label = {"linux": "ubuntu-latest", "macos": "macos-latest", "windows": "windows-latest"}[family]
    return CellSpec(cell_id=f"{manager}-all-{os_label}-py{python}", python=python, target=Target.for_label(os_label),
                    packages=(), requirements=requirements, workdir=work or workdir(family),
                    tool=tool or manager, cache_dir=cache_dir)


# ---------------------------------------------------------------- the shims

TESTS = Path(__file__).resolve().parents[1]   # tests/, where shimkit.py lives


# pyproj, faked: like proj's data files, it is found only in an activated environment
PYPROJ = '''import os
if not os.environ.get("PROJ_DATA"):
    raise ImportError("PROJ_DATA is not set: proj.db not found (the environment was not activated)")
'''


PROJ_ACTIVATE = 'export PROJ_DATA="$CONDA_PREFIX/share/proj"'   # what conda-forge's proj puts in activate.d


# Builds a fake env where the real tool would: at `-p PREFIX` (conda-style), or at
# <manifest dir>/.pixi/envs/default (pixi); `run` activates it and runs the command there.
SUCCEED = f'''
import re, sys, tomllib
sys.path.insert(0, {str(TESTS)!r})
from pathlib import Path
from shimkit import fake_env, run_in_env
args = sys.argv[1:]
if args[0] == "run":
    run_in_env(args)
if args[0] == "list":   # `list -p PREFIX --explicit --md5`: the lock, one URL#md5 per distribution
    site = next(Path(args[args.index("-p") + 1], "lib").glob("python3*/site-packages"))
    print("@EXPLICIT")
    for info in sorted(site.glob("*.dist-info")):
        name, version = info.name[:-len(".dist-info")].rsplit("-", 1)
        print(f"https://conda.anaconda.org/conda-forge/noarch/{{name}}-{{version}}-0.conda#0123456789abcdef")
    sys.exit(0)
if "--file" in args and args[0] == "create":   # `create -p PREFIX --file explicit.txt`: exactly the lock
    prefix = Path(args[args.index("-p") + 1])
    urls = [u for u in Path(args[args.index("--file") + 1]).read_text().splitlines() if u.startswith("https://")]
    specs = [u.rsplit("/", 1)[1].rsplit("-", 2)[0] for u in urls]
elif "--manifest-path" in args:
    manifest = Path(args[args.index("--manifest-path") + 1])
    prefix = manifest.parent / ".pixi" / "envs" / "default"
    specs = list(tomllib.loads(manifest.read_text(encoding="utf-8"))["dependencies"])
    (manifest.parent / "pixi.lock").write_text("version: 6\\n" + "".join(f"# {{s}}\\n" for s in specs))
else:
    prefix = Path(args[args.index("-p") + 1])
    skip = {{args.index("-p") + 1, args.index("-c") + 1}}
    specs = [a for i, a in enumerate(args[1:], 1) if not a.startswith("-") and i not in skip]
names = [re.split(r"[<>=!~ ]", s)[0] for s in specs]
wanted = [n for n in names if not n.startswith("python")]
modules = {{n.replace("-", "_").lower(): {PYPROJ!r} if n == "pyproj" else "" for n in wanted}}
fake_env(prefix, {{n: "1.0" for n in wanted}}, modules, {{"proj": {PROJ_ACTIVATE!r}}} if "pyproj" in wanted else None)
print("Transaction finished")
'''


# The tools' own solver errors, as they print them (conda 24: PackagesNotFoundError; libmamba; pixi/resolvo).
ERRORS = {
    "conda": """Channels:
 - conda-forge
Platform: linux-64
Collecting package metadata (repodata.json): done
Solving environment: failed

PackagesNotFoundError: The following packages are not available from current channels:

  - nonexistent-pkg

Current channels:

  - https://conda.anaconda.org/conda-forge

To search for alternate channels that may provide the conda package you're
looking for, navigate to

    https://anaconda.org

and use the search bar at the top of the page.
""",
    "libmamba": """conda-forge/linux-64                                        Using cache
conda-forge/noarch                                          Using cache

error    libmamba Could not solve for environment specs
    The following package could not be installed
    \u2514\u2500 nonexistent-pkg =* * does not exist (perhaps a typo or a missing channel).
critical libmamba Could not solve for environment specs
""",
    "pixi": """Error:   \u00d7 failed to solve the conda requirements of 'default' 'linux-64'
  \u2570\u2500\u25b6 Cannot solve the request because of: No candidates were found for nonexistent-pkg *.
""",
}


def failing_shim(message: str) -> str:
    """Succeeds while only Python is asked for (create), then fails the install with the tool's message."""
    return SUCCEED.replace('print("Transaction finished")', "") + f'''
if [n for n in names if not n.startswith("python")]:
    sys.stderr.write({message!r})
    sys.exit(1)
'''


LIBMAMBA_CULPRIT = r"nonexistent-pkg =\* \* does not exist \(perhaps a typo or a missing channel\)"
VERSION = 'if sys.argv[1:] == ["--version"]:\n    print("{0} 2.3.2")\n    sys.exit(0)\n'


def rodeo_run(manager: str, body: str, packages: list[str], tmp_path: Path,
              test: str | None = None) -> tuple[dict[str, object], str]:
    """``python -m rodeo_action run --cell ...`` with the shim first on PATH: the result JSON and the log."""
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    write_shim(bin_dir, manager, "import sys\n" + VERSION.format(manager) + body)
    return run_cell_with_shims(manager, packages, bin_dir, log, tmp_path, test)


def launcher_of(manager: str, work: Path) -> list[str]:
    """The argv of ``TOOL run`` after the tool's name, for a cell whose folder is ``work``."""
    if manager == "pixi":
        return ["run", "--manifest-path", str(work / "pixi.toml"), "--frozen"]
    return ["run", "-p", str(work / "env"), *(["--no-capture-output"] if manager == "conda" else [])]


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="shims are POSIX scripts")


def check_install_failure_is_attributed_to_install(manager: str, dialect: str, culprit: str, tmp_path: Path) -> None:
    """The steps against a shim whose solve fails: ``create`` ran and passed, ``install`` failed saying ``culprit``."""
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    write_shim(bin_dir, manager, failing_shim(ERRORS[dialect]))
    spec = make_spec(manager, requirements=("cartopy", "nonexistent-pkg"), work=str(tmp_path / "cell"))
    recipe = get(manager).recipe(spec)
    outcome = execute(recipe, shim_env(bin_dir, log))
    assert outcome.failed_phase == "install"
    assert re.search(culprit, outcome.output), outcome.output
    assert len(calls(log)) == 2            # create ran and passed; install ran and failed
    assert Path(recipe.python).exists()       # the Python-only env from `create` is there


def check_rodeo_run_fails_in_install(manager: str, dialect: str, tmp_path: Path) -> str:
    """``rodeo run`` of a cell whose install fails with the tool's own message; the repro, for the caller to check."""
    result, log = rodeo_run(manager, failing_shim(ERRORS[dialect]), ["cartopy", "nonexistent-pkg"], tmp_path)
    assert (result["status"], result["phase"]) == ("fail", "install"), log
    assert ERRORS[dialect].splitlines()[-1] in log
    return str(result["repro"])   # what a person pastes: the real tool names, no rodeo paths


def check_without_activation_the_same_cell_fails_at_import(manager: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: the shims' `run` told to skip activation, a cell needing it fails - at import, naming PROJ_DATA."""
    monkeypatch.setenv("RODEO_SHIM_SKIP_ACTIVATION", "1")
    result, log = rodeo_run(manager, SUCCEED, ["pyproj"], tmp_path, "true")
    assert (result["status"], result["phase"]) == ("fail", "import"), log
    assert result["imports"] == {"pyproj": "ImportError: PROJ_DATA is not set: proj.db not found (the environment "
                                           "was not activated)"}
