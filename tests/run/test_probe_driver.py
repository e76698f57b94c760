"""The import phase: a verdict per module, a crashing module does not hide the others
(rodeo_action/run/probe_driver.py driving rodeo_action/probe.py)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from shimkit import fake_env

from rodeo_action.managers import Recipe
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.probe_driver import PROBE, ProbeOutcome, run_probe
from rodeo_action.run.supervise import Supervisor
from tests.conftest import build_wheel
from tests.run.cellkit import config_text, run_one


@pytest.mark.network
def test_import_failure_gets_a_per_module_verdict(tmp_path: Path, shared_cache: Path) -> None:
    wheel = build_wheel(tmp_path / "wheels", "rodeo-broken", "1.0", {
        "rodeo_broken/__init__.py": "raise ImportError('libgeos_c.so.1: cannot open shared object file: "
                                    "No such file or directory')\n",
    })
    text = config_text(f'[six, "rodeo-broken @ {wheel.as_uri()}"]')
    result = run_one(tmp_path, text, "pip", shared_cache)
    assert (result.status, result.phase) == ("fail", "import"), result.log_tail
    assert result.imports["six"] == "ok"
    assert result.imports["rodeo_broken"].startswith("ImportError: libgeos_c.so.1")
    assert "    Traceback (most recent call last):" in result.log_tail     # under the verdict, as Python said it
    assert result.cause is not None and result.cause.kind == "missing-system-library"
    assert result.cause.package == "rodeo-broken"
    assert result.resolved.get("rodeo-broken") == "1.0"


@pytest.mark.network
def test_a_module_that_kills_the_interpreter_does_not_hide_the_others(tmp_path: Path, shared_cache: Path) -> None:
    wheel = build_wheel(tmp_path / "wheels", "rodeo-crash", "1.0", {
        "rodeo_crash/__init__.py": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
    })
    text = config_text(f'["rodeo-crash @ {wheel.as_uri()}", six]')
    result = run_one(tmp_path, text, "pip", shared_cache)
    assert result.status == "fail" and result.phase == "import"
    assert result.imports["rodeo_crash"].startswith("crashed the interpreter")
    assert result.imports["six"] == "ok"


# ---------------------------------------------------------------- offline: run_probe itself


def _probe(tmp_path: Path, python: str, packages: list[dict[str, object]]) -> tuple[ProbeOutcome, str]:
    workdir = tmp_path / "cell"
    workdir.mkdir(exist_ok=True)
    log_path = tmp_path / "cell.log"
    with log_path.open("wb") as fh:
        steps = Supervisor(CellLog(fh, log_path), time.monotonic() + 120)
        recipe = Recipe(steps=(), python=python, bin_dirs=())
        outcome = run_probe(recipe, packages, {"PATH": os.environ.get("PATH", "")}, workdir, True, steps)
    return outcome, log_path.read_text()


def test_a_crash_gets_its_verdict_and_the_rest_are_still_imported(tmp_path: Path) -> None:
    python = fake_env(tmp_path / "env", {"rodeo-crash": "1.0", "six": "1.17.0"},
                      modules={"rodeo_crash": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "six": ""})
    outcome, log = _probe(tmp_path, str(python), [{"name": "rodeo-crash", "imports": None},
                                                  {"name": "six", "imports": ["six", "no_such_module"]}])
    assert outcome.imports["rodeo_crash"] == "crashed the interpreter (killed by SIGSEGV)"
    assert outcome.imports["six"] == "ok"
    assert outcome.imports["no_such_module"].startswith("ModuleNotFoundError")
    assert outcome.signals == {"rodeo_crash": -signal.SIGSEGV}
    assert outcome.modules == {"rodeo_crash": "rodeo-crash", "six": "six", "no_such_module": "six"}
    assert outcome.resolved["six"] == "1.17.0" and outcome.python_version
    assert "# importing rodeo_crash killed the interpreter (killed by SIGSEGV); continuing with the rest" in log
    assert f"{PROBE} " in log and PROBE.parent.name == "rodeo_action"


@pytest.mark.parametrize("written", ["[1, 2]", '{"imports": ["x"], "modules": 7, "python_version": 3, "done": true}',
                                     "not json"])
def test_output_of_the_wrong_shape_is_no_verdict_rather_than_a_crash_of_rodeo(tmp_path: Path, written: str) -> None:
    """The probe's output is written inside the environment under test: rodeo reads it with care."""
    fake = tmp_path / "python"
    fake.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[-2], 'w').write({written!r})\n")
    fake.chmod(0o755)
    outcome, _ = _probe(tmp_path, str(fake), [{"name": "six", "imports": None}])
    assert outcome == ProbeOutcome(imports={}, resolved={}, python_version=None, platform=None, modules={})


def test_an_interpreter_that_does_not_run_is_said(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(RuntimeError, match=f"the environment's interpreter {fake} did not run \\(exit 3\\)"):
        _probe(tmp_path, str(fake), [{"name": "six", "imports": None}])


# psycopg 3 without libpq: the verdict keeps the message's first line, the reason is four lines down
PSYCOPG = ('raise ImportError("no pq wrapper available.\\nAttempts made:\\n'
           "- couldn't import psycopg 'c' implementation: No module named 'psycopg_c'\\n"
           "- couldn't import psycopg 'python' implementation: libpq library not found\")\n")
# a package that re-raises its loader's OSError as an ImportError of its own
WRAPPED = ("try:\n    raise OSError('libgeos_c.so.1: cannot open shared object file: No such file or directory')\n"
           "except OSError as e:\n    raise ImportError('the GEOS wrapper could not be loaded') from e\n")


@pytest.mark.parametrize(("body", "says"), [(PSYCOPG, "libpq"), (WRAPPED, "libgeos_c.so.1")])
def test_the_traceback_under_a_verdict_says_why(tmp_path: Path, body: str, says: str) -> None:
    """The probe keeps each failure as Python prints it (chained exceptions too, not its own frame); the cell's
    log shows it under the verdict, and the cause is read from both."""
    from rodeo_action.causes import classify
    from rodeo_action.run.probe_driver import verdict_lines

    python = fake_env(tmp_path / "env", {"rodeo-lib": "1.0"}, modules={"rodeo_lib": body})
    outcome, _ = _probe(tmp_path, str(python), [{"name": "rodeo-lib", "imports": None}])
    verdict, *traceback = verdict_lines(outcome, ["rodeo_lib"])
    assert verdict.startswith("rodeo_lib: ImportError: ") and "\n" not in verdict
    assert traceback[0] == "    Traceback (most recent call last):" and says in "\n".join(traceback)
    assert str(PROBE) not in "\n".join(traceback) and all(line.startswith("    ") or not line for line in traceback)
    cause = classify("\n".join([verdict, *traceback]), "import", "pip")
    assert cause.kind == "missing-system-library" and says in cause.summary, cause
    # the verdict alone does not say why: the traceback is what tells
    assert classify(verdict, "import", "pip").kind == "import-error"


def test_the_log_says_which_distribution_each_module_was_imported_for(tmp_path: Path) -> None:
    """A module of a dependency (gribapi is eccodes') is named by its distribution when `rodeo explain` reads the
    cell's log alone: the runner notes the probe's owners."""
    from rodeo_action.causes.logread import explain
    from rodeo_action.run.probe_driver import modules_note, verdict_lines

    python = fake_env(tmp_path / "env", {"eccodes": "1.3.3"},
                      modules={"gribapi": "raise RuntimeError('Cannot find the ecCodes library')\n"})
    outcome, _ = _probe(tmp_path, str(python), [{"name": "eccodes", "imports": ["gribapi"]}])
    from rodeo_action.causes.base import MODULES_NOTE as READ
    from rodeo_action.run.probe_driver import MODULES_NOTE as WRITTEN

    note = modules_note(outcome.modules)
    assert WRITTEN == READ and note == "# rodeo: modules imported for the set: gribapi (eccodes)"
    probe = ("$ (cd /tmp/w && /tmp/w/.venv/bin/python -I -B /r/rodeo_action/probe.py /tmp/w/.rodeo-probe.json "
             "/tmp/w/.rodeo-probe-spec.json)")
    head = "# rodeo cell uv-all-ubuntu-latest-py3.12: uv installing eccodes on ubuntu-latest with Python 3.12"
    log = "\n".join([head, "# rodeo: phase import", probe, note, *verdict_lines(outcome, ["gribapi"])])
    found = explain(log + "\n")
    assert (found.kind, found.package) == ("missing-system-library", "eccodes"), found
    # without the note the log names only the module
    assert explain(log.replace(note + "\n", "") + "\n").package == "gribapi"
