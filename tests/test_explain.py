"""`rodeo explain` as a user runs it: a log that did not fail says so, a failed one gets its cause and
the phase it failed in (given, rodeo's own note, or inferred from the tools' lines, and said which),
and what is no log (a folder, a binary, a 1 GB file, a pipe with no writer) is one line, exit 2."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.causes import logphase, logread
from rodeo_action.cli import main
from rodeo_action.config import host_os_label, host_python
from tests.conftest import ROOT, build_wheel, host_cell, write_config

EXAMPLE = ROOT / "examples" / "default-rodeo" / "results"
CELL = "pip-all-debian-12-py3.11"


def explain(*args: str, cwd: Path | None = None, stdin: str | None = None,
            limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    def preexec() -> None:
        if limit_memory:     # a 1 GB file read whole would not fit: a bounded read does
            resource.setrlimit(resource.RLIMIT_AS, (800 << 20, 800 << 20))

    return subprocess.run([sys.executable, "-m", "rodeo_action", "explain", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=60, preexec_fn=preexec,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def alone(tmp_path: Path, name: str) -> Path:
    """A log of the example run, copied without its result file beside it: the log's own lines decide."""
    copy = tmp_path / name
    shutil.copyfile(EXAMPLE / name, copy)
    return copy


# -- a log that did not fail ----------------------------------------------------------------------


def test_a_passing_log_says_it_passed_not_a_tensorflow_warning(tmp_path: Path) -> None:
    """Bug: "unknown: … Could not find cuda drivers on your machine" for the example's passing pip cell."""
    log = EXAMPLE / f"{CELL}.log"
    assert "Could not find cuda drivers" in log.read_text()
    got = explain(str(log), "--json")
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout) == {"kind": "pass", "package": None,
                                      "summary": f"no failure in this log: {CELL} passed (so says {CELL}.json)",
                                      "phase": None, "phase_from": None, "manager": None}
    # the log alone: its import verdicts are all ok and its test step printed nothing
    got = explain(str(alone(tmp_path, f"{CELL}.log")))
    assert got.stdout == (f"pass: no failure in this log: every import of {CELL} is ok and its test printed "
                          f"nothing (the test's exit status is in {CELL}.json)\n")


def test_an_unavailable_cells_log_says_why() -> None:
    """Bug: "unknown: the log is empty" for the example's conda cell (conda is not on that machine)."""
    got = explain(str(EXAMPLE / "conda-all-debian-12-py3.11.log"))
    assert got.stdout == ("unavailable: conda not found on PATH; install Miniforge, or run on GitHub where "
                          "setup-miniconda provides it\n")


@pytest.mark.parametrize(("marker", "said"), [
    ("# n/a: apt does not run on macos-14 (runs on debian/ubuntu)\n",
     "n/a: apt does not run on macos-14 (runs on debian/ubuntu)"),
    ("$ /x/.venv/bin/python -m pip install six\n# rodeo: interrupted before this cell finished; no result is written\n",
     f"interrupted: rodeo was interrupted before {CELL} finished: the log has no verdict"),
    ("$ /x/.venv/bin/python -m pip install six\nCollecting six\n# rodeo: the cell exceeded its timeout of 1800s "
     "during install; its processes were killed\n", "timeout: no result after 1800s (during install)"),
    ("", f"empty: {CELL}'s log holds rodeo's header only: no step ran"),
], ids=["n/a", "interrupted", "timeout", "header-only"])
def test_rodeos_own_lines_decide(tmp_path: Path, marker: str, said: str) -> None:
    log = tmp_path / f"{CELL}.log"
    log.write_text(f"# rodeo cell {CELL}: pip installing six on debian-12 with Python 3.11\n{marker}")
    assert explain(str(log)).stdout == said + "\n"


def test_steps_after_the_imports_are_the_test_or_rodeos_own(tmp_path: Path) -> None:
    """After the probe's verdicts come the `test:` step (its output decides) and steps rodeo runs after a
    pass (a lock: their failure is no cell's)."""
    probe = (f"# rodeo cell {CELL}: pip installing six on debian-12 with Python 3.11\n"
             "$ /w/.venv/bin/python -m pip install six\nSuccessfully installed six-1.17.0\n"
             "$ (cd /w && /w/.venv/bin/python -I -B /r/rodeo_action/probe.py /w/.rodeo-probe.json "
             "/w/.rodeo-probe-spec.json)\nWARNING: All log messages before absl::InitializeLog() go to STDERR\n"
             "six: ok\n")
    lock = ("$ /w/.venv/bin/python -m pip freeze --all > /w/.rodeo-lock/freeze.txt\n"
            "ERROR: No matching distribution found for pip==23.2.1\n# rodeo: no lock: pip failed (the cell's verdict "
            "stands)\n")
    test = "$ (cd /w && bash -c 'python -c \"import six\"')\n"
    log = tmp_path / "x.log"
    for text, said in [
        (probe + lock, f"pass: no failure in this log: every import of {CELL} is ok (six)"),
        (probe + test + lock, f"pass: no failure in this log: every import of {CELL} is ok and its test printed "
                              f"nothing (the test's exit status is in {CELL}.json)"),
        (probe + test + "AssertionError: six is too old\n", "test-failed: AssertionError: six is too old\n"
         "phase: test (read from the log: the test step's output, after every import was ok); manager: pip"),
        (probe.replace("six: ok", "six: ImportError: cannot import name 'moves'"),
         "import-error (six): import six: ImportError: cannot import name 'moves'\n"
         "phase: import (read from the log: the import probe's verdicts); manager: pip"),
    ]:
        log.write_text(text)
        assert explain(str(log)).stdout == said + "\n", text


def test_a_failed_imports_traceback_under_its_verdict_belongs_to_it(tmp_path: Path) -> None:
    """The log holds each failed import's traceback indented under its verdict (run/probe_driver.py), and the
    next module's verdict after it: the import failed, whatever the last verdict says."""
    log = tmp_path / "x.log"
    log.write_text(f"# rodeo cell {CELL}: pip installing pyarrow on debian-12 with Python 3.11\n"
                   "$ /w/.venv/bin/python -m pip install pyarrow==11.0.0 numpy==2.1.3\n"
                   "$ (cd /w && /w/.venv/bin/python -I -B /r/rodeo_action/probe.py /w/.rodeo-probe.json "
                   "/w/.rodeo-probe-spec.json)\n"
                   "# rodeo: modules imported for the set: pyarrow (pyarrow), numpy (numpy)\n"
                   "pyarrow: ImportError: numpy.core.multiarray failed to import\n"
                   "    Traceback (most recent call last):\n"
                   '      File "/w/.venv/lib/python3.11/site-packages/pyarrow/__init__.py", line 65, in <module>\n'
                   "        import pyarrow.lib as _lib\n\n"
                   "    ImportError: numpy.core.multiarray failed to import\n"
                   "numpy: ok\n")
    out = explain(str(log)).stdout
    assert out.startswith("import-error (pyarrow): ") and "phase: import (read from the log: the import probe's " \
        "verdicts)" in out, out


def test_a_real_cell_log_from_rodeo_run(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Logs rodeo writes now, not only the example's: a pass whose import prints TensorFlow's warning, a
    failed import, and an unavailable manager."""
    wheels = tmp_path / "wheels"
    noisy = build_wheel(wheels, "rodeo-noisy", "1.0", {"rodeo_noisy/__init__.py": (
        "import sys\nprint('I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not "
        "be used.', file=sys.stderr)\n")})
    broken = build_wheel(wheels, "rodeo-broken", "1.0", {"rodeo_broken/__init__.py": "import rodeo_absent_dep\n"})
    write_config(tmp_path, f'packages: ["rodeo-noisy @ {noisy.as_uri()}", "rodeo-broken @ {broken.as_uri()}"]\n'
                 "sets: {noisy: [rodeo-noisy], broken: [rodeo-broken]}\nmanagers: [pip, micromamba]\n"
                 f'os: [{host_os_label()}]\npython: ["{host_python()}"]\n')
    env = {**cli_env, "PIP_NO_INDEX": "1", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    for cell in (host_cell("pip", "noisy"), host_cell("pip", "broken"), host_cell("micromamba", "noisy")):
        run = subprocess.run([sys.executable, "-m", "rodeo_action", "run", "--cell", cell, "--output", "out"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    text = (out / f"{host_cell('pip', 'broken')}.log").read_text()      # rodeo marks each phase it enters
    assert [line for line in text.splitlines() if line.startswith("# rodeo: phase ")] == [
        "# rodeo: phase setup", "# rodeo: phase create", "# rodeo: phase install", "# rodeo: phase import"], text
    assert explain(f"{host_cell('pip', 'noisy')}.log", cwd=out).stdout.startswith("pass: no failure in this log")
    os.unlink(out / f"{host_cell('pip', 'noisy')}.json")
    assert explain(f"{host_cell('pip', 'noisy')}.log", cwd=out).stdout.startswith("pass: no failure in this log")
    failed = json.loads(explain(f"{host_cell('pip', 'broken')}.log", "--json", cwd=out).stdout)
    recorded = json.loads((out / f"{host_cell('pip', 'broken')}.json").read_text())["cause"]
    assert (failed["kind"], failed["package"]) == (recorded["kind"], recorded["package"]) == ("import-error",
                                                                                              "rodeo-broken")
    assert (failed["phase"], failed["phase_from"]) == ("import", f"from {host_cell('pip', 'broken')}.json")
    os.unlink(out / f"{host_cell('pip', 'broken')}.json")
    failed = json.loads(explain(f"{host_cell('pip', 'broken')}.log", "--json", cwd=out).stdout)
    assert (failed["kind"], failed["phase"]) == ("import-error", "import"), failed
    assert "rodeo_absent_dep" in failed["summary"]
    got = explain(f"{host_cell('micromamba', 'noisy')}.log", cwd=out)
    assert got.stdout.startswith("unavailable: micromamba not found on PATH")


def test_every_corpus_log_is_still_explained_as_its_header_says(capsys: pytest.CaptureFixture[str]) -> None:
    """The gate lets every failure through: each corpus log keeps the kind the classifier gives it."""
    logs = sorted((ROOT / "tests" / "corpus" / "logs").rglob("*.log"))
    assert len(logs) > 100
    for log in logs:
        kind = next(line.split(":", 1)[1].strip() for line in log.read_text().splitlines()
                    if line.startswith("#@ kind:"))
        assert main(["explain", str(log), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["kind"] == kind, log


# -- what is no log -------------------------------------------------------------------------------


def one_line_exit_2(got: subprocess.CompletedProcess[str], says: str) -> None:
    assert got.returncode == 2, (got.stdout, got.stderr)
    assert got.stdout == "" and got.stderr.count("\n") == 1 and "Traceback" not in got.stderr
    assert says in got.stderr, got.stderr


def test_no_such_file_a_folder_or_a_binary_is_one_line(tmp_path: Path) -> None:
    one_line_exit_2(explain(str(tmp_path / "nope.log")), "nope.log: no such file; expected a log file")
    one_line_exit_2(explain(str(tmp_path)), ": a folder, not a log; expected one log file")
    binary = tmp_path / "python.bin"
    binary.write_bytes(Path(sys.executable).resolve().read_bytes()[:100_000])
    one_line_exit_2(explain(str(binary)), "python.bin: binary content (NUL bytes), not a text log")


def test_a_1gb_file_is_read_within_bounds(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.log"
    subprocess.run(["truncate", "-s", "1G", str(sparse)], check=True)
    start = time.monotonic()
    one_line_exit_2(explain(str(sparse), limit_memory=True), "sparse.log: binary content (NUL bytes)")
    assert time.monotonic() - start < 30
    # a big text log: rodeo's header at its start, the failure at its end, 3 MB of output between
    big = tmp_path / f"{CELL}.log"
    with big.open("w") as fh:
        fh.write(f"# rodeo cell {CELL}: pip installing six on debian-12 with Python 3.11\n"
                 "$ /x/.venv/bin/python -m pip install six==99\n")
        fh.write("Looking in indexes: https://pypi.org/simple\n" * 80_000)
        fh.write("ERROR: No matching distribution found for six==99\n")
    got = explain(str(big), limit_memory=True)
    assert got.stdout.startswith("no-matching-distribution (six): "), got.stderr


def test_a_pipe_is_read_and_a_fifo_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    got = explain("-", stdin="ERROR: No matching distribution found for six==99\n")
    assert got.stdout.startswith("no-matching-distribution (six): ")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert explain(str(fifo)).stdout == "empty: the log is empty: nothing to explain\n"
    assert explain(os.devnull).stdout == "empty: the log is empty: nothing to explain\n"


def test_what_else_is_no_log_is_one_line(tmp_path: Path) -> None:
    one_line_exit_2(explain("/dev/zero"), "/dev/zero: binary content (NUL bytes)")
    one_line_exit_2(explain("/dev/urandom"), "/dev/urandom: binary content (control bytes, not UTF-8)")
    (tmp_path / "file").write_text("x")
    one_line_exit_2(explain(str(tmp_path / "file" / "x.log")), "x.log: cannot be read (Not a directory)")
    random = tmp_path / "random.bin"
    random.write_bytes(bytes(range(1, 256)) * 400)
    one_line_exit_2(explain(str(random)), "random.bin: binary content (control bytes, not UTF-8)")
    (tmp_path / "logs.zip").write_bytes(b"PK\x03\x04" + b"x" * 100)
    one_line_exit_2(explain(str(tmp_path / "logs.zip")), "logs.zip: a zip archive (a downloaded GitHub Actions log?)")
    (tmp_path / "x.log.gz").write_bytes(b"\x1f\x8b\x08" + b"x" * 100)
    one_line_exit_2(explain(str(tmp_path / "x.log.gz")), "x.log.gz: gzip-compressed, not a text log; e.g. zcat")
    # a rodeo header naming a cell id that is no file name (its result beside it is not looked for)
    forged = tmp_path / "forged.log"
    forged.write_text("# rodeo cell a/../b: pip installing six on x with Python 3.11\n$ pip install six\n"
                      "ERROR: No matching distribution found for six==99\n")
    got = explain(str(forged))
    assert got.returncode == 0 and got.stdout.startswith("no-matching-distribution (six): "), got.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without read permission: the parent that is "
                    "not a folder above stands in for a path that cannot be opened")
def test_a_file_without_read_permission_is_one_line(tmp_path: Path) -> None:
    log = tmp_path / "secret.log"
    log.write_text("ERROR: x\n")
    log.chmod(0)
    one_line_exit_2(explain(str(log)), "secret.log: cannot be read (Permission denied)")


def test_text_not_in_utf8_is_read(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.log"
    latin1.write_bytes("Fehler: ungültige Anforderung für six\nERROR: No matching distribution found for "
                       "six==99\n".encode("latin-1"))
    utf16 = tmp_path / "utf16.log"      # no byte-order mark
    utf16.write_bytes("ERROR: No matching distribution found for six==99\n".encode("utf-16-le"))
    for log in (latin1, utf16):
        got = explain(str(log))
        assert got.stdout.startswith("no-matching-distribution (six): "), (log, got.stdout, got.stderr)


def test_a_1gb_sparse_file_answers_fast(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.log"
    subprocess.run(["truncate", "-s", "1G", str(sparse)], check=True)
    start = time.monotonic()
    one_line_exit_2(explain(str(sparse)), "sparse.log: binary content (NUL bytes)")
    assert time.monotonic() - start < 3     # ~0.2 s here; the margin is for a loaded machine


# -- the phase, from the log ----------------------------------------------------------------------

IMPORT_TRACEBACK = ("Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n"
                    "ModuleNotFoundError: No module named 'yaml'\n")
FINISHED = {
    "pip": "$ pip install forgets-dep\nProcessing ./forgets_dep-0.1.0-py3-none-any.whl\nInstalling collected "
           "packages: forgets-dep\nSuccessfully installed forgets-dep-0.1.0\n",
    "uv": "$ uv pip install forgets-dep\nResolved 1 package in 22ms\nPrepared 1 package in 4ms\nInstalled 1 package "
          "in 0.89ms\n + forgets-dep==0.1.0\n",
    "poetry": "$ poetry install\nUpdating dependencies\nResolving dependencies...\n\nPackage operations: 1 install, 0 "
              "updates, 0 removals\n\n  - Installing forgets-dep (0.1.0)\n\nWriting lock file\n",
    "pdm": "$ pdm install\nSynchronizing working set with resolved packages: 1 to add, 0 to update, 0 to remove\n\n"
           "  ✔ Install forgets-dep 0.1.0 successful\n\n  0:00:00 🎉 All complete! 1/1\n",
    "pipenv": "$ pipenv install forgets-dep\nInstalling forgets-dep...\nInstallation Succeeded\n",
    "hatch": "$ hatch env create\nCreating environment: default\nChecking dependencies\nSyncing dependencies\n",
}


@pytest.mark.parametrize("manager", sorted(FINISHED))
def test_an_import_error_after_a_finished_install_is_the_import_phase(tmp_path: Path, manager: str) -> None:
    """Bug (issue 15): an ImportError traceback after "Successfully installed" was unknown without --phase."""
    log = tmp_path / "raw.log"
    log.write_text(FINISHED[manager] + "$ python -c 'import forgets_dep'\n" + IMPORT_TRACEBACK)
    got = json.loads(explain(str(log), "--json").stdout)
    assert (got["kind"], got["phase"], got["manager"]) == ("import-error", "import", manager), got
    assert got["phase_from"].startswith("inferred: a ModuleNotFoundError after the install finished ("), got
    text = explain(str(log)).stdout.splitlines()
    assert text[0] == "import-error (forgets-dep): ModuleNotFoundError: No module named 'yaml'"
    assert text[1].startswith("phase: import (inferred: a ModuleNotFoundError after the install finished")
    assert text[1].endswith(f"; manager: {manager}, guessed from the log")
    # the same log with nothing after the install is no failure
    log.write_text(FINISHED[manager] + "\n[notice] A new release of pip is available: 23.2.1 -> 25.0\n")
    got = json.loads(explain(str(log), "--json").stdout)
    assert got["kind"] == "pass" and got["summary"].startswith("no failure in this log: the install finished ("), got
    assert got["summary"].endswith(") and nothing after it failed") and got["phase"] is None


@pytest.mark.parametrize(("text", "phase", "kind", "why"), [
    ("Collecting lxml==4.0\n  error: subprocess-exited-with-error\n  Building wheel for lxml (setup.py) ... error\n"
     "  ModuleNotFoundError: No module named 'setuptools'\nERROR: Failed building wheel for lxml\n",
     "install", "build-failed", "inferred: a build that failed"),
    # the pip it upgraded first is no finished install of the package that then fails to build
    ("Successfully installed pip-25.0\nCollecting lxml==4.0\n  Building wheel for lxml (setup.py) ... error\n"
     "  error: subprocess-exited-with-error\n", "install", "build-failed", "inferred: an install after the one"),
    ("Error: Command '['/w/.venv/bin/python', '-m', 'ensurepip', '--upgrade', '--default-pip']' returned non-zero "
     "exit status 1.\n", "create", None, "inferred: an environment that was not created"),
    ("Successfully installed six-1.17.0\n$ bash -c 'python t.py'\nTraceback (most recent call last):\n"
     "  File \"t.py\", line 2, in <module>\nAssertionError: six is too old\n", "test", "test-failed",
     "inferred: a traceback or failed test after the install finished"),
    ("ImportError: libhdf5.so.103: cannot open shared object file: No such file or directory\n", "import",
     "missing-system-library", "inferred: an ImportError, and no install or build in the log"),
    ("some output nobody can place\n", "install", "unknown", "assumed: nothing in the log shows another phase"),
], ids=["build", "pip-upgraded-then-build", "venv", "test", "bare-import", "nothing"])
def test_a_raw_logs_phase(tmp_path: Path, text: str, phase: str, kind: str | None, why: str) -> None:
    log = tmp_path / "raw.log"
    log.write_text(text)
    got = json.loads(explain(str(log), "--json").stdout)
    assert got["phase"] == phase and got["phase_from"].startswith(why), got
    assert kind is None or got["kind"] == kind, got
    # --phase wins, and says so
    got = json.loads(explain(str(log), "--json", "--phase", "test").stdout)
    assert (got["phase"], got["phase_from"]) == ("test", "given")


def test_rodeos_phase_notes_decide_and_old_logs_are_inferred(tmp_path: Path) -> None:
    head = f"# rodeo cell {CELL}: pip installing six on debian-12 with Python 3.11\n"
    step = "$ /w/.venv/bin/python -m pip install six\nERROR: Could not install packages due to an OSError\n"
    log = tmp_path / f"{CELL}.log"
    log.write_text(head + "# rodeo: phase setup\n# pip: pip 24.0\n# rodeo: phase create\n$ python -m venv /w/.venv\n"
                   "# rodeo: phase install\n" + step)
    got = json.loads(explain(str(log), "--json").stdout)
    assert (got["phase"], got["phase_from"], got["manager"]) == (
        "install", 'read from the log\'s "# rodeo: phase install" note', "pip"), got
    log.write_text(head + "# rodeo: phase setup\n$ /usr/bin/python3 -m venv /t/pipenv\nError: boom\n")
    assert json.loads(explain(str(log), "--json").stdout)["phase"] == "setup"
    # a log written before the notes: what the tools printed decides
    log.write_text(head + "$ /w/.venv/bin/python -m pip install lxml==4.0\nCollecting lxml==4.0\n"
                   "  error: subprocess-exited-with-error\n")
    got = json.loads(explain(str(log), "--json").stdout)
    assert (got["phase"], got["phase_from"]) == ("install", "inferred: a build that failed"), got


# -- properties: any text is read without a raise, in bounded time ----------------------------------

FRAGMENTS = st.sampled_from([
    "Successfully installed six-1.0", "Installed 1 package in 1ms", "  - Installing six (1.0)", "🎉 All complete!",
    "Installation Succeeded", "Syncing dependencies", "Traceback (most recent call last):\n", "ImportError: x",
    "ModuleNotFoundError: No module named 'x'", "error: subprocess-exited-with-error", "Because a depends on b",
    "$ ", "# ", "#@ ", "# rodeo cell c/x: pip installing six ", "# rodeo: phase ", "install", "six: ok", "\n",
    "\r\n", "\x1b[31m", "×", "Segmentation fault", "FAILED ", "=== 1 failed ===", "Error", "lib", ".so", " ", "a"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=60))
def test_reading_any_text_never_raises(parts: list[str]) -> None:
    text = "".join(parts)
    found = logphase.infer(text)
    assert found is None or found.phase in (None, "create", "install", "import", "test")
    assert found is None or found.passed == (found.phase is None)
    gated = logread.gate(text)
    assert isinstance(gated, (logread.Reading, logread.Failure))


@settings(max_examples=25, deadline=None)
@given(st.lists(FRAGMENTS, min_size=1, max_size=4))
def test_a_long_repetitive_log_is_read_in_bounded_time(unit: list[str]) -> None:
    text = "".join(unit) * (2_000_000 // len("".join(unit)) + 1)
    start = time.monotonic()
    logphase.infer(text)
    logread.gate(text)
    assert time.monotonic() - start < 2
