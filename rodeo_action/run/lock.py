"""The I/O of locks: after a pass, the manager's lock (and its tool venv's) written to ``CELL.lock/``
beside the result; for ``--lock``, a lock folder read back for :func:`~rodeo_action.managers.locks.frozen_recipe`.

A lock never names the index rodeo used when that came from the machine (a mirror or proxy in
``PIP_INDEX_URL``): the URLs are swapped for the ones a person would use (rodeo.yml's, else PyPI),
as in the repro, and swapped back when the lock is installed here again.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rodeo_action.managers import CellSpec, Recipe
from rodeo_action.managers.base import Step
from rodeo_action.managers.locks import REHASH, STAGE, TOOL_LOCK, LockError, convert, lock_plan
from rodeo_action.managers.pypi import primary_index
from rodeo_action.results import LockRef
from rodeo_action.run.supervise import Supervisor

LOCK_SUFFIX = ".lock"
MAX_LOCK_BYTES = 20_000_000
# the tool venv's distributions, as name==version lines: works whether pip or uv made the venv
FREEZE = ("import importlib.metadata as m; print(''.join(sorted(f\"{d.metadata['Name']}=={d.version}\\n\" "
          "for d in m.distributions() if d.metadata['Name'])), end='')")


@dataclass(frozen=True)
class Locked:
    """What a pass left beside its result."""

    lock: LockRef | None
    tool_lock: LockRef | None


def url_swaps(actual: CellSpec, shown: CellSpec) -> dict[str, str]:
    """The index URLs rodeo used -> those a person would use (only where they differ); each also without
    its trailing slash, as poetry writes a source's URL into poetry.lock."""
    pairs = [(primary_index(actual), primary_index(shown))]
    if len(actual.extra_index_urls) == len(shown.extra_index_urls):
        pairs += list(zip(actual.extra_index_urls, shown.extra_index_urls, strict=True))
    out = {a: s for a, s in pairs if a != s}
    out.update({a.rstrip("/"): s.rstrip("/") for a, s in list(out.items()) if a.endswith("/") and s.endswith("/")})
    return out


def swap(text: str, swaps: Mapping[str, str]) -> str:
    for old, new in sorted(swaps.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return text


def folder_for(output: Path, cell_id: str) -> Path:
    return output / f"{cell_id}{LOCK_SUFFIX}"


def write_lock(manager: str, spec: CellSpec, recipe: Recipe, swaps: Mapping[str, str], output: Path,
               steps: Supervisor, env: Mapping[str, str]) -> LockRef | None:
    """The manager's lock of the environment that passed, in ``output/CELL.lock/``; None (said in the
    log) when it has none or making it failed: a lock never changes a cell's verdict."""
    plan = lock_plan(manager, spec, recipe)
    if plan is None:
        return None
    work = Path(spec.workdir)
    staged = work / STAGE
    staged.mkdir(exist_ok=True)
    if not _ran(plan.steps, steps, env):
        if not plan.fallback or not _ran(plan.fallback, steps, env, "# rodeo: again, without the venv's seed "
                                                                     "(pip, setuptools), which the index may lack"):
            steps.log.say("# rodeo: no lock: making it failed (the cell's verdict stands)")
            return None
    files: dict[str, str] = {}
    for i, name in enumerate(plan.copies):
        source = work / name
        if source.is_file():
            files[Path(name).name] = source.read_text(encoding="utf-8")
        elif i == 0:
            steps.log.say(f"# rodeo: no lock: {manager} wrote no {name}")
            return None
    if plan.convert:
        files[plan.name] = convert(plan.convert, (staged / plan.source).read_text(encoding="utf-8"))
    elif not plan.copies:
        files[plan.name] = (staged / plan.name).read_text(encoding="utf-8")
    folder = folder_for(Path(output), spec.cell_id)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(swap(text, swaps), encoding="utf-8")
    if swaps and manager in REHASH and not _rehashed(manager, spec.tool, folder, steps, env):
        shutil.rmtree(folder, ignore_errors=True)
        steps.log.say(f"# rodeo: no lock: {manager} could not hash its project with the real index's URL, "
                      "so its lock would not install as written (the cell's verdict stands)")
        return None
    steps.log.say(f"# rodeo: lock written: {folder.name}/{plan.name} ({plan.format})")
    return LockRef(f"{folder.name}/{plan.name}", plan.format)


def _rehashed(manager: str, tool: str, folder: Path, steps: Supervisor, env: Mapping[str, str]) -> bool:
    """The lock's hash of its project file made again, after the swap, by the manager's own code
    (:data:`~rodeo_action.managers.locks.REHASH`) in the venv it runs from."""
    python = venv_python(tool)
    if python is None:
        return False
    return steps.run(Step("lock", (str(python), "-c", REHASH[manager], str(folder))), env) == 0


def venv_python(tool: str) -> Path | None:
    """The Python of the venv ``tool`` is a script of (rodeo's tool venv, a pipx venv), if it is one."""
    bin_dir = Path(tool).resolve().parent
    python = next((bin_dir / n for n in ("python", "python.exe", "python3") if (bin_dir / n).exists()), None)
    return python if python is not None and (bin_dir.parent / "pyvenv.cfg").is_file() else None


def _ran(plan: tuple[Step, ...], steps: Supervisor, env: Mapping[str, str], note: str | None = None) -> bool:
    if note:
        steps.log.say(note)
    return all(steps.run(step, env) == 0 for step in plan)


def write_tool_lock(tool: str, output: Path, cell_id: str, steps: Supervisor, env: Mapping[str, str]) -> LockRef | None:
    """The distributions of the venv the manager runs from (rodeo's tool venv, or any venv on PATH); None
    when the tool is no venv's (a system binary, uv's static one)."""

    python = venv_python(tool)   # a link on PATH to a venv's script: the venv's
    if python is None:
        return None
    folder = folder_for(output, cell_id)
    folder.mkdir(parents=True, exist_ok=True)
    if steps.run(Step("lock", (str(python), "-c", FREEZE), stdout=str(folder / TOOL_LOCK)), env) != 0:
        (folder / TOOL_LOCK).unlink(missing_ok=True)
        return None
    return LockRef(f"{folder.name}/{TOOL_LOCK}", "requirements")


def read_lock(path: Path, swaps: Mapping[str, str]) -> dict[str, str]:
    """The lock folder of ``path`` (a lock file, or its ``CELL.lock`` folder) as name -> text, the URLs
    swapped back to the ones this machine uses; :class:`LockError` with one clear line otherwise."""
    folder = path if path.is_dir() else path.parent
    if not path.exists():
        raise LockError(f"{path}: no such lock file")
    files: dict[str, str] = {}
    for item in sorted(folder.iterdir()):
        if item.is_file() and item.name != TOOL_LOCK and item.stat().st_size <= MAX_LOCK_BYTES:
            try:
                files[item.name] = swap(item.read_text(encoding="utf-8"), {v: k for k, v in swaps.items()})
            except UnicodeDecodeError:
                raise LockError(f"{item}: not a text lock file") from None
    if not files:
        raise LockError(f"{folder}: no lock file in it")
    return files
