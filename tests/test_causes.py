"""The classifier against the corpus of real failure logs, rule ordering, and properties over any text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.causes import MANAGER_RULES, MAX_SUMMARY, classify, guess_manager

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import table

ENTRIES = table.entries()
README = Path(__file__).parent / "corpus" / "README.md"


def known_misses() -> set[str]:
    """``manager/slug`` names listed under "Known misses" in the corpus README."""
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    section = text.split("## Known misses", 1)[1] if "## Known misses" in text else ""
    return set(re.findall(r"^- `([\w-]+/[\w.-]+)`", section, re.M))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_corpus_log(entry: table.Entry) -> None:
    cause = classify(entry.log, entry.phase, entry.manager)
    assert cause.summary.strip() and len(cause.summary) <= MAX_SUMMARY and "\n" not in cause.summary
    if entry.name in known_misses():
        pytest.xfail(f"{entry.name} is a documented miss (tests/corpus/README.md)")
    assert (cause.kind, cause.package) == (entry.kind, entry.package), cause.summary
    assert entry.summary_contains.lower() in cause.summary.lower()


def test_corpus_at_least_95_percent_right_and_every_miss_documented() -> None:
    if not ENTRIES:
        pytest.skip("no corpus logs yet")
    verdicts = [table.judge(e) for e in ENTRIES]
    right = sum(v.right for v in verdicts)
    assert right / len(verdicts) >= table.THRESHOLD, f"{right}/{len(verdicts)}"
    undocumented = {v.entry.name for v in verdicts if not v.right} - known_misses()
    assert not undocumented, f"misses not listed in {README}: {sorted(undocumented)}"


def test_table_script_prints_the_table() -> None:
    out = subprocess.run([sys.executable, str(Path(table.__file__))], capture_output=True, text=True)
    assert "manager" in out.stdout and "right" in out.stdout


# --- ordering: the tier, not the position in the log, decides

REFUSED = ("WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError('<HTTPConnection>: "
           "Failed to establish a new connection: [Errno 111] Connection refused')': /simple/six/\n"
           "ERROR: Could not find a version that satisfies the requirement six (from versions: none)\n"
           "ERROR: No matching distribution found for six\n")


def test_network_before_pips_no_matching_distribution() -> None:
    cause = classify(REFUSED, "install", "pip")
    assert cause.kind == "network" and "refused" in cause.summary and cause.package is None


def test_missing_header_before_build_failed() -> None:
    log = ("Building wheel for shapely (pyproject.toml): started\n"
           "src/geos.c:1:10: fatal error: geos_c.h: No such file or directory\n"
           "error: command '/usr/bin/gcc' failed with exit code 1\n"
           "ERROR: Failed building wheel for shapely\n")
    cause = classify(log, "install", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", "shapely")
    assert "geos_c.h" in cause.summary


def test_plain_compile_error_is_build_failed() -> None:
    log = ("  × Failed to build `mypkg==1.0`\n  x.c:3:1: error: expected ';' before '}' token\n")
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("build-failed", "mypkg") and "expected ';'" in cause.summary


def test_uv_conflict_names_both() -> None:
    log = ("error: No solution found when resolving dependencies\n"
           "  cause: Because requests==2.31.0 depends on urllib3>=1.21.1,<3 and you require requests==2.31.0, "
           "we can conclude that you require urllib3>=1.21.1,<3.\n"
           "         And because you require urllib3>=3, we can conclude that your requirements are unsatisfiable.\n")
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("conflict", "requests")
    assert "requests" in cause.summary and "urllib3>=3" in cause.summary


def test_uv_missing_version_is_no_match_not_conflict() -> None:
    log = ("error: No solution found when resolving dependencies\n  cause: Because there is no version of "
           "six==99.0 and you require six==99.0, we can conclude that your requirements are unsatisfiable.\n")
    assert classify(log, "install", "uv").kind == "no-matching-distribution"


def test_pipenv_resolution_failure_traceback_is_not_manager_broken() -> None:
    log = ("Locking Failed!\nERROR: No matching distribution found for six==99.0\n"
           "Traceback (most recent call last):\n  File \"/x/site-packages/pipenv/routines/lock.py\", line 1, in f\n"
           "    raise exc\npipenv.exceptions.ResolutionFailure: ERROR: No matching distribution found for six==99.0\n")
    assert (classify(log, "install", "pipenv").kind) == "no-matching-distribution"


def test_crash_inside_the_manager_is_manager_broken() -> None:
    log = ("Traceback (most recent call last):\n  File \"/v/lib/python3.11/site-packages/poetry/console/a.py\", "
           "line 3, in main\n    x()\nTypeError: 'NoneType' object is not callable\n")
    cause = classify(log, "install", "poetry")
    assert (cause.kind, cause.package) == ("manager-broken", "poetry")
    pdm = classify("[AttributeError]: module 'hishel' has no attribute 'X'\n", "install", "pdm")
    assert (pdm.kind, pdm.package) == ("manager-broken", "pdm") and "hishel" in pdm.summary


def test_a_name_in_rodeos_command_or_note_is_no_evidence() -> None:
    log = "$ pip install 'nosuch==1; fatal error: x.h: No such file or directory'\n# note: Connection refused\nboom\n"
    cause = classify(log, "install", "pip")
    assert cause.kind == "unknown" and cause.summary == "boom"


def test_nix_daemon_socket_is_not_network() -> None:
    log = "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused\n"
    assert classify(log, "install", "nix").kind == "manager-broken"


@pytest.mark.parametrize(("manager", "log", "kind", "package"), [
    ("conda", "PackagesNotFoundError: The following packages are not available from current channels:\n\n"
              "  - nosuchpkg\n", "not-packaged", "nosuchpkg"),
    ("mamba", "  └─ numpy ==99 does not exist (perhaps a typo or a missing channel).\n",
     "no-matching-distribution", "numpy"),
    ("pixi", "Cannot solve the request because of: No candidates were found for nosuch *.\n", "not-packaged", "nosuch"),
    ("nix", "error: attribute 'nosuch' missing\n       at /tmp/x.nix:3:5:\n", "not-packaged", "nosuch"),
    ("spack", "==> Error: Package 'nosuch' not found.\n", "not-packaged", "nosuch"),
    ("apt", "E: Unable to locate package python3-nosuch\n", "not-packaged", "python3-nosuch"),
    ("pip", "OSError: [Errno 28] No space left on device\n", "disk-full", None),
    ("uv", "  cause: dns error\n  cause: failed to lookup address information: Name or service not known\n",
     "network", None),
])
def test_each_managers_own_messages(manager: str, log: str, kind: str, package: str | None) -> None:
    cause = classify(log, "install", manager)
    assert (cause.kind, cause.package) == (kind, package), cause.summary


def test_killed_and_test_failed_and_unknown() -> None:
    assert classify("", "install", "pip", -9).kind == "killed"
    assert classify("AssertionError\n", "test", "pip").kind == "test-failed"
    unknown = classify("step one\nsomething went wrong: error 7\ntrailing\n", "install", "pip")
    assert unknown.kind == "unknown" and unknown.summary == "something went wrong: error 7"
    assert classify("", "install", None).summary


def test_guess_manager_from_commands() -> None:
    assert guess_manager("$ /x/.venv/bin/python -m pip install six\n") == "pip"
    assert guess_manager("$ (cd /t && /root/tools/poetry install --no-interaction)\n") == "poetry"
    assert guess_manager("# rodeo cell uv-all-x-py3.12: uv installing six on x\n") == "uv"
    assert guess_manager("no commands\n") is None


def test_explain_cli_reads_a_corpus_file(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("#@ manager: uv\n#@ phase: install\n#@ ---\n$ /t/uv pip install six==99\n"
                   "  cause: Because there is no version of six==99 and you require six==99, we can conclude "
                   "that your requirements are unsatisfiable.\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "rodeo_action", "explain", str(log), "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["kind"] == "no-matching-distribution"
    text = subprocess.run([sys.executable, "-m", "rodeo_action", "explain", str(log)], capture_output=True,
                          text=True, check=True).stdout
    assert text.startswith("no-matching-distribution (six): ")


# --- properties: any text, any manager, never a raise or an empty/long summary

MANAGERS = st.sampled_from([None, "unknown-manager", *MANAGER_RULES])
PHASES = st.sampled_from([None, "setup", "create", "install", "import", "test"])
FRAGMENTS = st.sampled_from([
    "Traceback (most recent call last):\n", "  File \"/s/site-packages/pdm/x.py\", line 1\n", "No solution found "
    "when resolving", "Because ", " depends on ", "fatal error: ", "cannot find -l", ".so: cannot open shared object "
    "file", "$ ", "# ", "#@ ", "\n", "├─ ", "E: Unable to locate package ", "Connection refused", "\x1b[31m", "error: ",
    "The conflict is caused by:\n    ", "No matching distribution found for ", "attribute '", "' missing", "\r\n"])
TEXT = st.lists(st.one_of(st.text(max_size=40), FRAGMENTS), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(log=TEXT, phase=PHASES, manager=MANAGERS, code=st.one_of(st.none(), st.integers(-15, 255)))
def test_classify_never_raises_and_always_summarises(log: str, phase: str | None, manager: str | None,
                                                     code: int | None) -> None:
    cause = classify(log, phase, manager, code)
    assert cause.kind and cause.summary.strip()
    assert len(cause.summary) <= MAX_SUMMARY and "\n" not in cause.summary
