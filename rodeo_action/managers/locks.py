"""A passing cell's lock, in the manager's own format, and the frozen install that re-makes it.

Like recipes, these are pure data: :func:`lock_plan` says which steps write the lock after a pass
(into a staging folder) and which of the cell's files are copied beside it; :func:`frozen_recipe`
is the recipe that installs exactly that lock with the manager's own frozen install. The runner
does the I/O (``run/lock.py``).

pip has no lock of its own that it can install from with hashes (``pip lock`` writes pylock.toml,
which pip cannot install yet), and pip-tools is no dependency of rodeo: so the venv's own pip is
asked, with ``pip install --dry-run --report``, for the distribution files it would take for
``pip freeze --all``, and the report's sha256 hashes make a requirements file
``pip install --require-hashes --no-deps -r`` installs. Hatch's environments are pip's, locked the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rodeo_action.managers.base import CellSpec, Recipe, Step, run, write
from rodeo_action.managers.pypi import index_args

STAGE = ".rodeo-lock"      # the cell's staging folder for lock files, in its workdir
REQUIREMENTS = "requirements.txt"
TOOL_LOCK = "tool-requirements.txt"
NIX = ("nix", "mach-nix", "poetry2nix", "uv2nix")


@dataclass(frozen=True)
class LockPlan:
    """How a passing cell's lock is made: ``steps`` write into the staging folder, ``copies`` are the
    cell's own files (project, lock) taken as they are; ``convert`` names rodeo's own last step
    (``pip-report``: a pip installation report into hashed requirements)."""

    name: str                                  # the lock's native file name
    format: str
    steps: tuple[Step, ...] = ()
    copies: tuple[str, ...] = ()               # the cell's own files, copied beside it (the first must exist)
    convert: str | None = None
    source: str = "report.json"                # the staged file ``convert`` reads
    fallback: tuple[Step, ...] = ()            # run instead of ``steps`` when they fail (see _pip_lock)


class LockError(ValueError):
    """A lock that cannot be installed: the one clear line the user sees."""


def stage(spec: CellSpec, name: str) -> str:
    return spec.target.join(spec.workdir, STAGE, name)


def _pip_lock(spec: CellSpec, python: str, fmt: str) -> LockPlan:
    """Every distribution of the venv, hashed from the index. The venv's seed (pip, setuptools), which
    ``venv`` installed from its own bundled wheels, may be absent from a private index: then the lock
    is of everything else (``pip freeze`` without ``--all``), as the venv seeds those again."""
    frozen, report = stage(spec, "freeze.txt"), stage(spec, "report.json")

    def steps(*freeze: str) -> tuple[Step, ...]:
        return (Step("lock", (python, "-m", "pip", "freeze", *freeze, "--exclude-editable"), stdout=frozen),
                run("lock", python, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed", "--no-deps",
                    *index_args(spec, "pip"), "--report", report, "-r", frozen))

    return LockPlan(REQUIREMENTS, fmt, steps=steps("--all"), convert="pip-report", fallback=steps())


def lock_plan(manager: str, spec: CellSpec, recipe: Recipe) -> LockPlan | None:
    """How ``manager`` locks the environment ``recipe`` made; None when it has no lock."""
    t, python = spec.target, recipe.python
    if manager in ("pip", "hatch"):
        return _pip_lock(spec, python, "requirements-hashes")
    if manager == "uv":
        frozen = stage(spec, "freeze.txt")
        return LockPlan(REQUIREMENTS, "requirements-hashes", steps=(
            Step("lock", (spec.tool, "pip", "freeze", "--python", python), stdout=frozen),
            run("lock", spec.tool, "pip", "compile", "--quiet", "--no-header", "--no-annotate", "--generate-hashes",
                "--python", python, *index_args(spec, "uv"), "-o", stage(spec, REQUIREMENTS), frozen),
        ))
    if manager == "poetry":
        return LockPlan("poetry.lock", "poetry.lock", copies=("poetry.lock", "pyproject.toml"))
    if manager == "pdm":
        return LockPlan("pdm.lock", "pdm.lock", copies=("pdm.lock", "pyproject.toml"))
    if manager == "pipenv":
        return LockPlan("Pipfile.lock", "Pipfile.lock", copies=("Pipfile.lock", "Pipfile"))
    if manager == "pixi":
        return LockPlan("pixi.lock", "pixi.lock", copies=("pixi.lock", "pixi.toml"))
    if manager in ("conda", "mamba", "micromamba"):
        prefix = t.join(spec.workdir, "env")
        return LockPlan("explicit.txt", "conda-explicit", steps=(
            Step("lock", (spec.tool, "list", "-p", prefix, "--explicit", "--md5"), stdout=stage(spec, "explicit.txt")),
        ))
    if manager == "spack":
        return LockPlan("spack.lock", "spack.lock", copies=("env/spack.lock", "spack.yaml"))
    if manager in NIX:   # the expression and what it reads; it names its pinned nixpkgs revision and hash
        return LockPlan("default.nix", "nix-expression",
                        copies=("default.nix", "pyproject.toml", "poetry.lock", "uv.lock", "requirements.txt"))
    if manager == "apt":
        return LockPlan("apt.txt", "apt-pins", steps=(dpkg_step(stage(spec, "dpkg.txt")),), convert="dpkg",
                        source="dpkg.txt")
    return None


def dpkg_step(out: str) -> Step:
    """The python3 packages dpkg knows, with their state: ``-W`` also lists removed ones (see :func:`dpkg_pins`)."""
    return Step("lock", ("dpkg-query", "-W", "-f", "${db:Status-Status}\\t${Package}=${Version}\\n", "python3",
                         "python3-*"), stdout=out)


def dpkg_pins(text: str) -> str:
    """``package=version`` lines of the installed packages only, sorted: what ``apt-get install`` pins."""
    pins = sorted(line.split("\t", 1)[1] for line in text.splitlines()
                  if line.startswith("installed\t") and "=" in line)
    return "".join(f"{pin}\n" for pin in pins)


def requirements_from_report(report: Mapping[str, Any]) -> str:
    """A pip installation report (``--report``) as ``name==version --hash=sha256:...`` lines, sorted.

    A distribution whose file pip reports no hash for (a local folder, a VCS checkout) keeps its
    line without one and a comment: ``--require-hashes`` will refuse it, which is the truth.
    """
    lines = []
    for item in report.get("install", []):
        meta = item.get("metadata", {})
        name, version = meta.get("name"), meta.get("version")
        if not name or not version:
            continue
        archive = (item.get("download_info") or {}).get("archive_info") or {}
        sha = (archive.get("hashes") or {}).get("sha256")
        if not sha and str(archive.get("hash", "")).startswith("sha256="):
            sha = archive["hash"].split("=", 1)[1]
        lines.append(f"{name}=={version} --hash=sha256:{sha}" if sha else f"{name}=={version}  # no hash known")
    return "".join(f"{line}\n" for line in sorted(lines, key=str.lower))


def convert(kind: str, text: str) -> str:
    if kind == "pip-report":
        return requirements_from_report(json.loads(text))
    if kind == "dpkg":
        return dpkg_pins(text)
    raise ValueError(f"unknown lock conversion {kind!r}")


def pinned_names(requirements: str) -> dict[str, str]:
    """``{name: version}`` of a pinned requirements file (``name==version ...`` lines)."""
    out: dict[str, str] = {}
    for line in requirements.splitlines():
        head = line.split("#", 1)[0].split(" ", 1)[0].split(";", 1)[0].strip().rstrip("\\").strip()
        if "==" in head:
            name, version = head.split("==", 1)
            out[name.strip()] = version.strip()
    return out


# what each frozen install says when a file no longer has the lock's hash
# pdm's "No candidate is found for `six` that matches the environment or hashes": a frozen install's lock
# was written on this cell's own platform, so it is the hash that no longer fits
_MISMATCH = ("DO NOT MATCH THE HASHES", "Hash mismatch", "hash mismatch", "does not match", "Hash for",
             "matches the environment or hashes")


def lock_mismatch(log: str) -> str | None:
    """The clear cause when a frozen install failed because a file's hash is no longer the lock's."""
    for line in log.splitlines():
        if any(word in line for word in _MISMATCH) and ("hash" in line.lower()):
            return ("the lock's hash no longer matches the file the index serves "
                    f"({line.strip()[:160]}): the lock is stale or the index changed the file")
    return None


def frozen_recipe(manager: str, spec: CellSpec, recipe: Recipe, files: Mapping[str, str],
                  rehash: str | None = None) -> Recipe:
    """``recipe`` with its install replaced by the manager's frozen install of the lock ``files``
    (name -> text, the lock folder's files); :class:`LockError` when the manager has none.

    ``rehash``: the Python of the manager's venv, when the files' index URLs were swapped back to this
    machine's (the lock's hash of its project file is then made again: :data:`REHASH`)."""
    t, work = spec.target, spec.workdir
    written = tuple(write("create", t.join(work, name), text) for name, text in sorted(files.items()))
    if rehash is not None and manager in REHASH:
        written += (run("create", rehash, "-c", REHASH[manager], work),)
    keep = tuple(s for s in recipe.steps if s.phase in ("setup", "create") and s.write is None)
    python, lock = recipe.python, t.join(work, _native(manager, files))
    if manager == "pip":
        install: tuple[Step, ...] = (run("install", python, "-m", "pip", "install", *index_args(spec, "pip"),
                                         "--require-hashes", "--no-deps", "-r", lock),)
    elif manager == "hatch":
        keep = tuple(s for s in recipe.steps if s.phase == "create")
        install = (run("install", spec.tool, "run", "python", "-m", "pip", "install", "--require-hashes",
                       "--no-deps", "-r", lock, cwd=work),)
    elif manager == "uv":
        install = (run("install", spec.tool, "pip", "sync", "--python", python, *index_args(spec, "uv"),
                       "--require-hashes", lock),)
    elif manager == "poetry":
        keep, install = _project(recipe), (run("install", spec.tool, "sync", "--no-interaction", cwd=work),)
    elif manager == "pdm":
        keep, install = _project(recipe), (run("install", spec.tool, "sync", "--no-self", cwd=work),)
    elif manager == "pipenv":
        keep, install = _project(recipe), (run("install", spec.tool, "sync", cwd=work),)
    elif manager in ("conda", "mamba", "micromamba"):
        keep, install = (), (run("install", spec.tool, "create", "-y", "-p", t.join(work, "env"), "--file", lock),)
    elif manager == "pixi":
        keep, install = (), (run("install", spec.tool, "install", "--frozen", "--manifest-path",
                                 t.join(work, "pixi.toml")),)
    elif manager == "apt":
        from rodeo_action.managers.apt import WAIT_FOR_LOCK, privileged

        wanted = tuple(line.strip() for line in files.get("apt.txt", "").splitlines() if line.strip())
        keep = tuple(s for s in recipe.steps if s.phase != "install")
        install = (privileged("install", spec.tool, *WAIT_FOR_LOCK, "install", "-y", "-q", "--no-install-recommends",
                              *wanted),)
    elif manager == "spack":
        env_dir = t.join(work, "env")
        keep, install = (), (run("install", spec.tool, "env", "create", "-d", env_dir, lock),
                             run("install", spec.tool, "-e", env_dir, "install"))
    elif manager in NIX:   # the expression pins nixpkgs: building the locked copy is the frozen install
        return replace(recipe, steps=tuple(replace(s, content=files[_base(s.write)])
                                           if s.write is not None and _base(s.write) in files else s
                                           for s in recipe.steps))
    else:
        raise LockError(f"{manager} has no frozen install from a lock in rodeo yet")
    return replace(recipe, steps=(*written, *keep, *install))


def _base(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _project(recipe: Recipe) -> tuple[Step, ...]:
    """A project manager's create steps but its own project file (the lock's copy is written instead)."""
    return tuple(s for s in recipe.steps if s.phase == "create" and s.write is None)


def _native(manager: str, files: Mapping[str, str]) -> str:
    for name in ("poetry.lock", "pdm.lock", "Pipfile.lock", "pixi.lock", "explicit.txt", "apt.txt", "spack.lock",
                 "default.nix", REQUIREMENTS):
        if name in files:
            return name
    raise LockError(f"no lock file of {manager} among {', '.join(sorted(files)) or 'nothing'}")


# A project manager's lock carries a hash of its project file, and the project file names the index: once
# rodeo swaps the caching index's URL for the real one (run/lock.url_swaps), the hash must be the real
# project's, or `poetry sync`, `pdm sync` and `pipenv sync` refuse a lock "out of date". Each program runs
# in the manager's own venv and asks the manager's own code for the hash (the algorithms differ and change
# between releases), then rewrites that one value in the lock. argv[1]: the lock folder.
REHASH: dict[str, str] = {
    "poetry": """\
import re, sys
from pathlib import Path
from poetry.core.pyproject.toml import PyProjectTOML
from poetry.packages.locker import Locker
d = Path(sys.argv[1]); lock = d / "poetry.lock"
h = Locker(lock, PyProjectTOML(d / "pyproject.toml").data)._get_content_hash()
text, n = re.subn(r'(?m)^content-hash = "[0-9a-f]*"$', f'content-hash = "{h}"', lock.read_text("utf-8"), count=1)
sys.exit("poetry.lock has no content-hash") if n != 1 else lock.write_text(text, "utf-8")
""",
    "pdm": """\
import re, sys
from pathlib import Path
from pdm import termui
from pdm.project.project_file import PyProject
d = Path(sys.argv[1]); lock = d / "pdm.lock"
h = PyProject(d / "pyproject.toml", ui=termui.UI()).content_hash("sha256")
text, n = re.subn(r'(?m)^content_hash = "sha256:[0-9a-f]*"$', f'content_hash = "sha256:{h}"',
                  lock.read_text("utf-8"), count=1)
sys.exit("pdm.lock has no content_hash") if n != 1 else lock.write_text(text, "utf-8")
""",
    "pipenv": """\
import json, sys
from pathlib import Path
from pipenv.vendor.plette import Pipfile
d = Path(sys.argv[1]); lock = d / "Pipfile.lock"
with open(d / "Pipfile", encoding="utf-8") as fh:
    h = Pipfile.load(fh).get_hash().value
text = lock.read_text("utf-8")
old = json.loads(text)["_meta"]["hash"]["sha256"]
sys.exit("Pipfile.lock has no _meta hash") if f'"sha256": "{old}"' not in text else lock.write_text(
    text.replace(f'"sha256": "{old}"', f'"sha256": "{h}"', 1), "utf-8")
""",
}
