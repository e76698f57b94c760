"""The import phase, driven from rodeo: ``rodeo_action/probe.py`` run by the environment's own
interpreter (``-I``, by path), a verdict per module; a module that kills the interpreter gets its
own verdict and the probe goes on with the rest."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rodeo_action.config import Config
from rodeo_action.managers import Recipe
from rodeo_action.managers.base import Step
from rodeo_action.names import NameMap
from rodeo_action.plan import Cell
from rodeo_action.run.supervise import Supervisor

PROBE = Path(__file__).parent.with_name("probe.py")   # rodeo_action/probe.py

# Signals an import does not send itself: the OOM killer (or a person), and the file size limit.
OUTSIDE_SIGNALS = (-getattr(signal, "SIGKILL", 9), -getattr(signal, "SIGXFSZ", 25))


@dataclass(frozen=True)
class ProbeOutcome:
    imports: dict[str, str]
    resolved: dict[str, str]
    python_version: str | None
    platform: str | None
    modules: dict[str, str]   # module -> the package it was imported for
    signals: dict[str, int] = field(default_factory=dict)   # module -> the (negative) code a signal ended it with
    tracebacks: dict[str, list[str]] = field(default_factory=dict)   # module -> its failure as Python printed it


def packages_spec(cell: Cell, config: Config, names: NameMap) -> list[dict[str, object]]:
    """The probe's ``packages``: each package of the set, with the modules it is known to provide
    (None: the probe reads them from the installed metadata)."""
    return [{"name": n, "imports": list(names.imports(config.package(n)) or []) or None} for n in cell.packages]


def run_probe(recipe: Recipe, packages: list[dict[str, object]], env: dict[str, str], workdir: Path,
              bytecode: bool, steps: Supervisor) -> ProbeOutcome:
    """Import every module in one interpreter (a verdict each); on a crash, finish one per module."""
    out = workdir / ".rodeo-probe.json"
    spec_file = workdir / ".rodeo-probe-spec.json"   # a path, not JSON text: see Recipe.launched
    data: dict[str, object] = {}
    done: dict[str, str] = {}
    tracebacks: dict[str, list[str]] = {}
    signals: dict[str, int] = {}
    only: list[str] | None = None
    for _round in range(64):
        spec_file.write_text(json.dumps({"packages": packages, "only": only}), encoding="utf-8")
        out.unlink(missing_ok=True)
        # -I ignores PYTHONDONTWRITEBYTECODE, so a wish for no bytecode in the environment is passed on as -B
        flags = ("-I",) if bytecode and not env.get("PYTHONDONTWRITEBYTECODE") else ("-I", "-B")
        argv = recipe.launched(recipe.python, *flags, str(PROBE), str(out), str(spec_file))
        code = steps.run(Step("import", argv, cwd=str(workdir)), env)
        data = _read(out)
        imports = _strings(data.get("imports"))
        done.update(imports)
        tracebacks.update(_lines(data.get("tracebacks")))
        modules = [str(m) for m in _list(data.get("modules"))]
        if data.get("done") or not modules:
            if not data and code != 0:
                raise RuntimeError(f"the environment's interpreter {recipe.python} did not run (exit {code})")
            break
        crashed = next((m for m in modules if m not in imports), None)
        if crashed is None:
            break
        done[crashed] = f"crashed the interpreter ({exit_text(code)})"
        if code < 0:
            signals[crashed] = code
        steps.log.say(f"# importing {crashed} killed the interpreter ({exit_text(code)}); continuing with the rest")
        only = [m for m in modules if m not in done]
        if not only:
            break
    return ProbeOutcome(imports=done, resolved=_strings(data.get("resolved")),
                        python_version=_text(data.get("python_version")), platform=_text(data.get("platform")),
                        modules=_strings(data.get("owners")), signals=signals, tracebacks=tracebacks)


# read back by rodeo_action.causes.base (its MODULES_NOTE); not imported from there, so that a cell's start does
# not load the classifier (tests/test_startup.py); test_probe_driver checks that the two agree
MODULES_NOTE = "# rodeo: modules imported for the set: "


def modules_note(owners: dict[str, str]) -> str:
    """``# rodeo: modules imported for the set: cf2cdm (cfgrib), gribapi (eccodes), ...``: the distribution each
    module was imported for, which a log alone cannot say (gribapi is eccodes')."""
    return MODULES_NOTE + ", ".join(f"{module} ({owner})" for module, owner in owners.items())


def verdict_lines(outcome: ProbeOutcome, modules: Iterable[str]) -> list[str]:
    """Each module's verdict (``module: ImportError: first line``) and under it, indented, its traceback: what
    the cell's log shows and what the import's cause is read from."""
    out: list[str] = []
    for module in modules:
        out.append(f"{module}: {outcome.imports[module]}")
        out.extend(f"    {line}" if line.strip() else "" for line in outcome.tracebacks.get(module, ()))
    return out


def _read(path: Path) -> dict[str, object]:
    """The probe's JSON output; {} when it wrote none (or something else than an object)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _lines(value: object) -> dict[str, list[str]]:
    """module -> lines, from JSON the environment's interpreter wrote (anything else is dropped)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): [str(x) for x in v] for k, v in value.items() if isinstance(v, list)}


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"
