"""The classifier against the corpus of real failure logs, rule ordering, and properties over any text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.causes import MANAGER_RULES, MAX_SUMMARY, classify, guess_manager
from rodeo_action.causes.base import unwrap
from rodeo_action.managers.nixfamily import pins

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
import table

ENTRIES = table.entries()
# the tests that classify the whole corpus run on one xdist worker, one after another: each log is
# classified once there (table.given, table.blind), not once per test
CORPUS_WIDE = pytest.mark.xdist_group("corpus-wide")
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


@CORPUS_WIDE
def test_corpus_at_least_95_percent_right_and_every_miss_documented() -> None:
    if not ENTRIES:
        pytest.skip("no corpus logs yet")
    verdicts = [table.judge(e) for e in ENTRIES]
    right = sum(v.right for v in verdicts)
    assert right / len(verdicts) >= table.THRESHOLD, f"{right}/{len(verdicts)}"
    undocumented = {v.entry.name for v in verdicts if not v.right} - known_misses()
    assert not undocumented, f"misses not listed in {README}: {sorted(undocumented)}"


@CORPUS_WIDE
def test_table_script_prints_the_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Its main() in this process: what it classifies is kept for the other corpus-wide tests."""
    monkeypatch.setattr(sys, "argv", [table.__file__])
    code = table.main()
    out = capsys.readouterr().out
    assert out.startswith("manager ") and "right (" in out and "held out (never tuned on)" in out, out[:3000]
    assert code in (0, 1)   # 1 while the held-out part is below its goal (test_the_held_out_part_meets_the_goal)


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
    assert (cause.kind, cause.package) == ("conflict", "urllib3")     # what both sides constrain
    assert cause.summary == "urllib3 (requests==2.31.0 needs >=1.21.1,<3, you require >=3)"


def test_uv_missing_version_is_no_match_not_conflict() -> None:
    log = ("error: No solution found when resolving dependencies\n  cause: Because there is no version of "
           "six==99.0 and you require six==99.0, we can conclude that your requirements are unsatisfiable.\n")
    assert classify(log, "install", "uv").kind == "no-matching-distribution"

@pytest.mark.parametrize(("sentence", "pkg"), [
    # uv 0.13.9 on aspell-python-py3 (tests/corpus/wild/uv/aspell-python-py3-cell.log)
    ("Because all versions of aspell-python-py3 have a non-PEP 625-compliant source distribution filename and you "
     "require aspell-python-py3, we can conclude", "aspell-python-py3"),
    ("Because foo==1.0 has invalid metadata and you require foo==1.0, we can conclude", "foo"),
    # uv 0.13.9 on pyrfc, whose every release is yanked: the reason's own commas and dots are inside its brackets
    ("Because all versions of pyrfc were yanked (reason: No longer supported, see https://github.com/SAP/PyRFC/"
     "issues/372) and you require pyrfc, we can conclude", "pyrfc"),
])
def test_uv_one_package_dead_end_is_no_match_not_conflict(sentence: str, pkg: str) -> None:
    """pubgrub's reason a single package is unavailable, with nothing else constraining it."""
    log = f"error: No solution found when resolving dependencies\n  cause: {sentence} that your requirements are " \
          "unsatisfiable.\n"
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("no-matching-distribution", pkg)
    # another package's reason is a conflict still: the sentence must be about what you require
    other = log.replace("and you require", "and bar depends on it and you require bar, and you require", 1)
    assert classify(other, "install", "uv").kind == "conflict"



def test_pipenvs_metadata_generation_failed_is_a_build_of_what_it_was_installing() -> None:
    """pipenv 2026.10.3 prints its own hint instead of pip's build output (wild/pipenv/pyogrio-source-raw)."""
    log = ("Installing pyogrio...\nInstalling dependencies from Pipfile.lock (e8a830)...\nUpgrading pyogrio in  "
           "dependencies.\nBuilding requirements...\nResolving dependencies...\n✘ Locking Failed!\nERROR: ERROR: "
           "Metadata generation failed for a package.\nThis usually means the package uses a legacy build system "
           "(setup.py egg_info) that is incompatible with modern pip.\nYour dependencies could not be resolved. You "
           "likely have a mismatch in your sub-dependencies.\n")
    cause = classify(log, "install", "pipenv")
    assert (cause.kind, cause.package) == ("build-failed", "pyogrio") and "--verbose" in cause.summary


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


def nix_404(url: str) -> str:
    """What Nix prints when a fetchTarball/fetchurl gets a 404 (newer Nix adds the response body)."""
    return (f"error: unable to download '{url}': HTTP error 404\n\n       response body:\n\n       404: Not Found\n"
            "(use '--show-trace' to show detailed location information)\n")


NIX_PINNED = [(m, pins(m)[key]) for m in ("nix", "mach-nix", "poetry2nix", "uv2nix")
              for key in pins(m).values if key.endswith("-sha256") for key in [key.removesuffix("-sha256")]]


@pytest.mark.parametrize(("manager", "url"), [
    *NIX_PINNED,
    # the seed's own failure (issue 18): a poetry2nix tag that never existed, fetched by an older recipe
    ("poetry2nix", "https://github.com/nix-community/poetry2nix/archive/2024.11.79136.tar.gz"),
    ("mach-nix", "https://github.com/DavHau/pypi-deps-db/tarball/da53397f0b782b0b18deb72ef8e0fb5aa7c98aa3"),
])
def test_a_404_on_the_recipes_own_pin_is_manager_broken_naming_the_url(manager: str, url: str) -> None:
    cause = classify(nix_404(url), "install", manager)
    assert (cause.kind, cause.package) == ("manager-broken", None), cause.summary
    assert url.removeprefix("https://") in cause.summary and len(cause.summary) <= MAX_SUMMARY


@pytest.mark.parametrize("url", [
    "https://files.pythonhosted.org/packages/ab/cd/xarray-2099.1.0-py3-none-any.whl",
    "https://example.org/foo-1.0.tar.gz",
    "https://github.com/someone/foo/archive/v1.0.tar.gz",          # a user's own GitHub URL requirement
    "https://github.com/NixOS/nixpkgs/archive/x.tar.gz.evil/more",  # the pin's shape must match whole
])
def test_a_404_on_a_users_own_url_is_not_blamed_on_the_recipe(url: str) -> None:
    for manager in ("nix", "poetry2nix", "uv2nix"):
        assert classify(nix_404(url), "install", manager).kind != "manager-broken"


def test_an_interpreter_the_pinned_nixpkgs_lacks_names_no_package() -> None:
    """mach-nix 3.5.0 for Python 3.12 (issue 18) was filed as "not-packaged (python312)": a package culprit."""
    log = "error: attribute 'python312' missing\n\n       at /nix/store/x-source/mach_nix/nix/lib.nix:90:9:\n"
    cause = classify(log, "install", "mach-nix")
    assert (cause.kind, cause.package) == ("not-packaged", None)
    assert "mach-nix 3.5.0 cannot provide Python 3.12" in cause.summary and "3.7 to 3.10" in cause.summary
    for manager, attr, version in (("nix", "python315", "3.15"), ("uv2nix", "python313FreeThreading", "3.13t")):
        cause = classify(f"error: attribute '{attr}' missing\n", "install", manager)
        assert (cause.kind, cause.package) == ("not-packaged", None)
        assert f"cannot provide Python {version}" in cause.summary and attr in cause.summary
    # a package attribute stays the package's
    assert classify("error: attribute 'python-dateutil2' missing\n", "install", "nix").package == "python-dateutil2"


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


def test_apt_names_every_missing_package() -> None:
    log = ("Reading package lists...\nE: Unable to locate package python3-tensorflow\n"
           "E: Unable to locate package python3-xgcm\nE: Unable to locate package python3-tensorflow\n")
    cause = classify(log, "install", "apt")
    assert (cause.kind, cause.package) == ("not-packaged", "python3-tensorflow")
    assert cause.summary == "apt has no package python3-tensorflow, python3-xgcm"
    one = classify("E: Package 'python3-foo' has no installation candidate\n", "install", "apt")
    assert one.summary == "apt has no package python3-foo"


# --- the wild corpus: real failures nobody here wrote, split by subject; rules are written on train only

WILD = table.entries(table.WILD)
TRAIN, TEST = table.split(WILD, ENTRIES)


def test_the_wild_split_holds_out_at_least_30_percent_and_shares_no_subject() -> None:
    if not WILD:
        pytest.skip("no wild corpus (tests/corpus/wild)")
    assert len(TEST) / len(WILD) >= 0.30, f"{len(TEST)}/{len(WILD)} held out"

    def subjects(part: list[table.Entry]) -> set[str]:
        return {table.canonical(e.subject or e.package or e.path.stem) for e in part}

    assert TEST and not subjects(TRAIN) & subjects(TEST)


def wrapped(log: str, width: int) -> str:
    """The log as a terminal ``width`` wide shows it through uv (miette) or a rich console: each long
    output line wrapped word by word (long words broken), the continuation at the line's indentation."""
    out: list[str] = []
    for line in log.splitlines():
        if line.startswith(("$ ", "# ", "#@")) or len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [line]
    return "\n".join(out)


WRAPPING = ("pip", "uv", "poetry", "pdm", "pipenv", "hatch")     # Python consoles and uv wrap; nix, conda do not


@CORPUS_WIDE
@pytest.mark.parametrize("width", [120, 100])
def test_a_log_wrapped_at_the_terminals_width_reads_as_itself(width: int) -> None:
    """Own corpus and the wild corpus's train part (the PyPI family): wrapping never changes a kind (at 100 columns one
    train log still does: its gcc line is cut inside "fatal error:")."""
    allowed = {100: {"pip/pygit2-source-raw"}}.get(width, set())
    changed = {f"{e.path.parent.name}/{e.path.stem}" for e in (*ENTRIES, *TRAIN) if e.manager in WRAPPING
               and classify(wrapped(e.log, width), e.phase, e.manager).kind != table.given(e).kind}
    assert changed <= allowed


def test_unwrap_joins_what_a_tool_wrapped_and_nothing_that_starts_a_line() -> None:
    text = ("         RuntimeError: The 'apxs' command appears not to be installed or is not executable. Please check"
            " the list of\n         prerequisites in the documentation.\n"
            "      AttributeError:\n      /v/bin/python: undefined symbol: Error_GetLastErrorNum\n"
            "  File \"/x.py\", line 3, in f\n  File \"/y.py\", line 4, in g\n"
            "      x.c:3:1: error: expected ';'\n      compilation terminated.\n")
    lines = unwrap(text).splitlines()
    assert lines[0].endswith("Please check the list of prerequisites in the documentation.")
    assert lines[1] == "      AttributeError: /v/bin/python: undefined symbol: Error_GetLastErrorNum"
    assert lines[2:4] == ["  File \"/x.py\", line 3, in f", "  File \"/y.py\", line 4, in g"]   # frames stay apart
    # a ctypes load that fell back to the interpreter, wrapped as uv wraps it, is still a missing library
    log = ("error: Failed to build `rtree==0.9.4`\n  cause: The build backend returned an error\n         [stderr]\n"
           "         AttributeError:\n         /v/bin/python: undefined symbol: Error_GetLastErrorNum\n")
    assert classify(log, "install", "uv").kind == "missing-system-library"


@pytest.mark.xfail(strict=True, reason="measured 2026-12-08 (session 10) on the held-out part (1258 wild logs, "
                   "418 held out): kinds 396/418 (94.7%) with manager and phase given, blind 395/418 (94%), culprit "
                   "385/401 (96%); the goal is 95% kinds (398, issue 15). The misses are nearly all "
                   "missing-system-library (182/201). Rules read from build systems, shells, loaders and the tools' "
                   "own source moved it from 383 (session 6) to 387, 390, 395 and 396; train rounds moved it little. "
                   "Rules are not tuned toward the held-out logs, so this stays expected-to-fail until rules written "
                   "from knowledge and train logs lift it")
@CORPUS_WIDE
def test_the_held_out_part_meets_the_goal() -> None:
    if not WILD:
        pytest.skip("no wild corpus (tests/corpus/wild)")
    figures = table.Figures.of(TEST)
    assert table.share(figures.kind) >= table.TEST_THRESHOLD, f"kinds {figures.kind}"
    assert table.share(figures.blind) >= table.BLIND_THRESHOLD, f"blind {figures.blind}"
    assert table.share(figures.culprit) >= table.CULPRIT_THRESHOLD, f"culprit {figures.culprit}"


@pytest.mark.parametrize(("log", "manager", "package", "summary"), [
    ("ERROR: Cannot install a==1 and b==2 because these package versions have conflicting dependencies.\n"
     "The conflict is caused by:\n    pandas 1.0 depends on numpy<2\n    tensorflow 2.16 depends on numpy>=2\n",
     "pip", "numpy", "numpy (pandas 1.0 needs <2, tensorflow 2.16 needs >=2)"),
    ("Because pandas (1.0) depends on numpy (<2) and tensorflow (2.16) depends on numpy (>=2), pandas is "
     "incompatible with tensorflow.\nSo, because my-app depends on both pandas (1.0) and tensorflow (2.16), version "
     "solving failed.\n", "poetry", "numpy", "numpy (pandas 1.0 needs <2, tensorflow 2.16 needs >=2)"),
    ("ERROR: Unable to find a resolution for numpy\nbecause of the following conflicts:\n  numpy<2 (from pandas@1.0)\n"
     "  numpy>=2 (from tensorflow@2.16)\n", "pdm", "numpy", "numpy (pandas 1.0 needs <2, tensorflow 2.16 needs >=2)"),
])
def test_a_conflicts_culprit_is_what_both_sides_constrain(log: str, manager: str, package: str, summary: str) -> None:
    cause = classify(log, "install", manager)
    assert (cause.kind, cause.package, cause.summary) == ("conflict", package, summary)


@pytest.mark.parametrize("name", ["3.0.0rc1", "requirements", "rodeo-cell", "the", "1.2", "-r"])
def test_a_culprit_that_is_no_distribution_name_is_dropped(name: str) -> None:
    log = f"ERROR: No matching distribution found for {name}\n"
    assert classify(log, "install", "pip").package is None


@pytest.mark.parametrize(("log", "package"), [
    ("Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"/v/lib/python3.11/"
     "site-packages/flask_restful/__init__.py\", line 14, in <module>\nImportError: cannot import name 'x' from "
     "'flask.helpers'\n", "flask-restful"),
    ("Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n"
     "ModuleNotFoundError: No module named 'yaml'\n", "pyyaml"),
    ("cv2: ImportError: libGL.so.1: cannot open shared object file: No such file or directory\n", "opencv-python"),
    ("sklearn: ModuleNotFoundError: No module named 'scipy'\n", "scikit-learn"),
    # cv2 is opencv-python's and opencv-python-headless's: the one the log shows installed
    ("Successfully installed numpy-2.1.3 opencv-python-headless-4.8.1.78\n$ python -c \"import cv2\"\n"
     "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"/v/lib/python3.11/"
     "site-packages/cv2/__init__.py\", line 181, in <module>\nImportError: numpy.core.multiarray failed to import\n",
     "opencv-python-headless"),
])
def test_an_import_errors_culprit_owns_the_failing_module(log: str, package: str) -> None:
    assert classify(log, "import", "pip").package == package


# Each tool's wording of each failure class (written from the tools' messages, not from corpus logs)
@pytest.mark.parametrize(("manager", "phase", "log", "kind", "package"), [
    # network: 4xx/5xx from an index that lists files it cannot serve, timeouts, apt's TLS
    ("pip", "install", "ERROR: HTTP error 404 while getting http://127.0.0.1:8000/f/click-8.1.7-py3-none-any.whl\n",
     "network", None),
    ("poetry", "install", "HTTPError\n\n  404 Client Error: Not Found for url: http://127.0.0.1:8000/f/x.whl\n",
     "network", None),
    ("uv", "install", "error: Failed to download `click==8.1.7`\n  Caused by: HTTP status client error (404 Not Found) "
     "for url (http://127.0.0.1:8000/f/click.whl)\n", "network", None),
    ("pdm", "install", "httpx.HTTPStatusError: Server error '503 Service Unavailable' for url "
     "'http://127.0.0.1/simple/x/'\n", "network", None),
    ("uv", "install", "error: Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT\n",
     "network", None),
    ("apt", "install", "Err:1 https://deb.example.org bookworm InRelease\n  Certificate verification failed: The "
     "certificate is NOT trusted.\n", "network", None),
    # no matching distribution, in uv's other sentences, and pip's wheel for another platform
    ("uv", "install", "  × No solution found when resolving dependencies:\n  ╰─▶ Because the current Python version "
     "(3.11.7) does not satisfy Python>=3.12 and all versions of numba depend on Python>=3.12, we can conclude that "
     "all versions of numba cannot be used.\n", "no-matching-distribution", "numba"),
    ("uv", "install", "  ╰─▶ Because only the following versions of numpy are available:\n          numpy<=1.26\n"
     "          numpy==2.0.0\n      and you require numpy>=3, we can conclude that your requirements are "
     "unsatisfiable.\n", "no-matching-distribution", "numpy"),
    ("pip", "install", "ERROR: torch-2.0.0-cp312-cp312-manylinux1_x86_64.whl is not a supported wheel on this "
     "platform.\n", "no-matching-distribution", "torch"),
    ("apt", "install", "E: Couldn't find any package by glob 'python3-nosuch*'\n", "not-packaged", None),   # no name
    # absent compilers, tools and libraries, worded by meson, CMake, autoconf, setuptools and the packages
    ("pip", "install", "Building wheel for x (pyproject.toml) ... error\n  ../meson.build:1:0: ERROR: Unknown "
     "compiler(s): [['gfortran'], ['flang']]\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (pyproject.toml) ... error\n  CMake Error: No CMAKE_CXX_COMPILER could be "
     "found.\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  configure: error: no acceptable C compiler found "
     "in $PATH\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  configure: error: libxml2 not found\n",
     "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  FileNotFoundError: [Errno 2] No such file or "
     "directory: 'R'\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  RuntimeError: The 'apxs' command appears not to "
     "be installed or is not executable.\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  ValueError: did not find HDF5 headers\n",
     "missing-system-library", "x"),
    ("uv", "install", "error: Failed to build `x==1.0`\n  CMake Error at CMakeLists.txt:3 (find_package):\n    By not "
     "providing \"FindEigen3.cmake\" in CMAKE_MODULE_PATH this project has\n    asked CMake to find a package "
     "configuration file provided by \"Eigen3\", but\n", "missing-system-library", "x"),
    ("uv", "install", "error: Failed to build `x==1.0`\n         src/a.c:3:10: fatal error: git2.h: No\n         such "
     "file or directory\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  x.cpp:20:10: fatal error: hunspell.hxx: No such "
     "file or directory\n", "missing-system-library", "x"),
    # a build whose head (uv's "Failed to build `x`") was cut: setuptools' egg_info names the project
    ("uv", "install", "         writing src/greenlet.egg-info/PKG-INFO\n         src/greenlet/greenlet.h:42:5: error: "
     "unknown type name 'CFrame'\nhint: Build failures usually indicate a problem with the package or the build "
     "environment\n", "build-failed", "greenlet"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  OSError: Could not find library geos_c or load "
     "any of its variants ['libgeos_c.so.1']\n", "missing-system-library", "x"),
    # ... and what is no system library: a CPython header gone from this Python, a Python package's header
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  src/x.c:3:10: fatal error: longintrepr.h: No such "
     "file or directory\n", "build-failed", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  src/x.c:3:10: fatal error: numpy/arrayobject.h: "
     "No such file or directory\n", "build-failed", "x"),
    # an import that crashed the interpreter; managers that cannot run
    ("pip", "import", "$ python -c 'import x'\nIllegal instruction (core dumped)\n", "import-error", "x"),
    ("uv", "install", "thread 'main' panicked at crates/uv/src/lib.rs:1:1:\n", "manager-broken", "uv"),
    ("pip", "install", "/tmp/v/bin/python: No module named pip\n", "manager-broken", "pip"),
    ("apt", "install", "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process "
     "using it?\n", "manager-broken", "apt"),
])
def test_each_tools_wording_of_each_failure_class(manager: str, phase: str, log: str, kind: str,
                                                  package: str | None) -> None:
    cause = classify(log, phase, manager)
    assert (cause.kind, cause.package) == (kind, package), cause.summary


def test_a_nested_build_blames_the_build_that_failed_first() -> None:
    log = ("Collecting pygobject\n  Installing build dependencies: finished with status 'error'\n"
           "      Collecting pycairo>=1.16\n        ERROR: Dependency \"cairo\" not found (tried pkg-config)\n"
           "      error: metadata-generation-failed\n      × Encountered error while generating package metadata.\n"
           "      ╰─> pycairo\nERROR: Failed to build 'pygobject' when installing build dependencies for pygobject\n")
    cause = classify(log, "install", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", "pycairo"), cause.summary


def test_rodeos_own_timeout_and_memory_notes_are_the_cause() -> None:
    timed = "Collecting x\n# rodeo: the cell exceeded its timeout of 600s during install\n"
    assert classify(timed, "install", "pip").kind == "timeout"
    memory = ("# rodeo: the cell's processes held 9.1 GB of memory during install, more than the limit of 8 GB "
              "(the runner's memory); they were killed\n")
    assert classify(memory, "install", "pip").kind == "killed"


@pytest.mark.parametrize("line", [
    "a" * 100_000, "a-" * 50_000, "configure: error: " + "a-" * 50_000, "Err:1 " + "a" * 100_000,
    "No such file or directory: '" + "a" * 100_000, "fatal error: " + "a/" * 50_000,
    "Because only the following versions of x are available:" + " a" * 50_000, "AttributeError: " + "/" * 100_000,
    # a probe's header error, then a compiler's error on a 100 KB line: the probe check reads each file name alone
    "/tmp/tmpx/test.c:1:1: fatal error: x.h: No such file or directory\na.c:1:1: error: " + "a/" * 50_000])
def test_a_100kb_line_is_classified_in_linear_time(line: str) -> None:
    """A regex that backtracks over the line from each position takes minutes on 100 KB; a linear read takes
    0.3-0.4 s idle and up to 0.7 s on a machine loaded twice over. The bound tells the two apart without
    failing under load (the classifier's speed itself is benchmarks/' business). No manager given runs every
    manager's rules with the shared ones (a manager given only orders them first), so that is the one case."""
    for manager in (None,):
        for phase in ("install", "import"):
            start = time.monotonic()
            classify(line + "\n", phase, manager)
            assert time.monotonic() - start < 2.0, (line[:30], manager, phase)



def test_a_log_of_many_absent_lines_is_read_once() -> None:
    """The any-words rule reads every later line itself: called once, not again from each of its matches
    (4000 "not found" lines took 2 s when it was)."""
    log = "x not found\n" * 4000 + "error: command 'gcc' failed with exit code 1\n"
    start = time.monotonic()
    classify(log, "install", "pip")
    assert time.monotonic() - start < 1.0


def test_joining_wrapped_lines_is_linear() -> None:
    """80,000 lines of one indentation join into one: built from its pieces, not re-copied at each line
    (a 3 MB log of pip's "Looking in indexes" lines spent 9 s here when it was)."""
    text = "  Looking in indexes: https://pypi.org/simple\n" * 80_000
    start = time.monotonic()
    joined = unwrap(text)
    assert time.monotonic() - start < 1.0
    assert joined == "  " + " ".join(["Looking in indexes: https://pypi.org/simple"] * 80_000) + "\n"

# Each message as the tool's own source prints it (newest stored snapshots): pip 6d309205 (pypa/pip
# src/pip/_internal/exceptions/network.py), uv 26a9dd4b (astral-sh/uv crates/uv-distribution-types,
# crates/uv-resolver, crates/uv-client), poetry f4670233 (python-poetry/poetry
# src/poetry/installation/executor.py), pipenv 3f1b272a (pypa/pipenv pipenv/exceptions.py); pdm a7e9d001
# (pdm-project/pdm) prints httpx's RemoteProtocolError as "[RemoteProtocolError]: message".
@pytest.mark.parametrize(("manager", "log", "kind", "package"), [
    ("pip", "ERROR: Failed to connect to pypi.org while fetching https://pypi.org/simple/click/\n", "network", None),
    ("pip", "error: connection-timeout\n× Unable to fetch https://pypi.org/simple/click/\n╰─> pypi.org didn't respond "
     "within 15 seconds (while establishing a connection)\n", "network", None),
    ("pip", "× Failed to establish a secure connection to pypi.org while fetching https://pypi.org/simple/x/\n",
     "network", None),
    ("pip", "× Failed to connect to proxy proxy.invalid while fetching https://pypi.org/simple/x/\n", "network", None),
    ("pip", "× Download failed after 6 attempts because not enough bytes were received (1.0 MB/2.0 MB)\n",
     "network", None),
    ("uv", "error: Network connection timeout after multiple retry attempts\n", "network", None),
    ("pdm", "[RemoteProtocolError]: Server disconnected without sending a response.\n", "network", None),
    ("uv", "error: Package `torch` does not include a compatible wheel for the current platform\n",
     "no-matching-distribution", "torch"),
    ("uv", "error: Package `numba` requires Python >=3.12, but the target Python version is 3.11\n",
     "no-matching-distribution", "numba"),
    ("uv", "error: Package `nosuchpkg` was not found in the registry\n", "no-matching-distribution", "nosuchpkg"),
    ("uv", "error: In `--require-hashes` mode, all requirements must have a hash, but none were provided for: "
     "six==1.16.0\n", "hash-mismatch", "six"),
    ("poetry", "  RuntimeError\n\n  Hash for six (1.16.0) from archive six-1.16.0-py2.py3-none-any.whl not found in "
     "known hashes (was: sha256:00)\n", "hash-mismatch", "six"),
    ("pipenv", "[ResolutionFailure]: Your dependencies could not be resolved. You likely have a mismatch in your "
     "sub-dependencies.\n", "conflict", None),
])
def test_messages_from_the_tools_own_source(manager: str, log: str, kind: str, package: str | None) -> None:
    cause = classify(log, "install", manager)
    assert (cause.kind, cause.package) == (kind, package), cause.summary


def test_pipenvs_resolution_failure_yields_to_pips_own_words() -> None:
    log = ("ERROR: No matching distribution found for nosuch==9\n[ResolutionFailure]: Your dependencies could not be "
           "resolved. You likely have a mismatch in your sub-dependencies.\n")
    assert classify(log, "install", "pipenv").kind == "no-matching-distribution"


# Wordings met in the wild corpus's third catalogue (train logs only), one case per rule that reads them.
@pytest.mark.parametrize(("manager", "phase", "log", "kind", "package"), [
    # pipenv lists nothing it installed: the module (fluidsynth) is short for the one requested name that holds it
    # (wild/pipenv/pyfluidsynth-raw)
    ("pipenv", "import", "$ pipenv install --python 3.11 pyfluidsynth\nInstalling dependencies from Pipfile.lock\n"
     "$ pipenv run python -c \"import fluidsynth\"\nTraceback (most recent call last):\n  File \"/p/.venv/lib/"
     "python3.11/site-packages/fluidsynth.py\", line 83, in find_lib\nImportError: Couldn't find the FluidSynth "
     "library.\n", "missing-system-library", "pyfluidsynth"),
    # absent or too old build tools, as the shell, gcc, CMake and cargo word them (their own source's messages)
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  /bin/sh: 1: go: not found\n",
     "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (setup.py) ... error\n  gcc: error trying to exec 'cc1plus': execvp: No "
     "such file or directory\n", "missing-system-library", "x"),
    ("uv", "install", "error: Failed to build `x==1.0`\n  CMake Error: CMAKE_Fortran_COMPILER not set, after "
     "EnableLanguage\n", "missing-system-library", "x"),
    ("pip", "install", "Building wheel for x (pyproject.toml) ... error\n  CMake Error at CMakeLists.txt:1 "
     "(cmake_minimum_required):\n    CMake 3.26 or higher is required.  You are running version 3.25.1\n",
     "missing-system-library", "x"),
    ("uv", "install", "error: Failed to build `x==1.0`\n  error: package `foo v1.2.3` cannot be built because it "
     "requires rustc 1.99 or newer, while the currently active rustc version is 1.65.0\n",
     "missing-system-library", "x"),
    # a ctypes loader's own words for a library it could not find (wild/uv/pyfluidsynth-raw)
    ("uv", "import", "$ uv run python -c \"import fluidsynth\"\nTraceback (most recent call last):\n"
     "  File \"/p/.venv/lib/python3.11/site-packages/fluidsynth.py\", line 85, in <module>\n"
     "ImportError: Couldn't find the FluidSynth library.\n", "missing-system-library", None),
])
def test_wordings_of_the_third_wild_catalogue(manager: str, phase: str, log: str, kind: str,
                                              package: str | None) -> None:
    cause = classify(log, phase, manager)
    assert cause.kind == kind, cause.summary
    assert package is None or cause.package == package, cause.summary


def test_an_exception_of_a_bare_import_command_is_the_import_phase() -> None:
    """Read blind (wild/pip/tornado-4.5.3-raw): what `python -c "import x"` raises after a finished install is the
    import failing, not a test, whatever the exception (here a collections ABC gone in 3.10)."""
    from rodeo_action.causes.logread import explain

    log = ("$ pip install tornado==4.5.3\nSuccessfully installed tornado-4.5.3\n"
           "$ python -c \"import tornado.httputil\"\nTraceback (most recent call last):\n"
           "  File \"<string>\", line 1, in <module>\n  File \"/p/.venv/lib/python3.11/site-packages/tornado/"
           "httputil.py\", line 106, in <module>\n    class HTTPHeaders(collections.MutableMapping):\n"
           "AttributeError: module 'collections' has no attribute 'MutableMapping'\n")
    assert explain(log).kind == "import-error"
    assert explain(log.replace("import tornado.httputil", "import tornado; tornado.run()")).kind == "test-failed"


def test_a_heredoc_whose_end_was_trimmed_away_is_no_heredoc() -> None:
    """A trimmed log (wild/pipenv/flask-login-0.5.0-cell) kept rodeo's `cat > f <<'EOF'` but not its EOF line:
    what follows is the tools' output, not the file rodeo wrote, and the import probe's verdict is in it."""
    log = ("$ cat > /tmp/c/Pipfile <<'EOF'\n[packages]\n# [wild.py: 200 lines trimmed]\nInstalling dependencies\n"
           "flask_login: ImportError: cannot import name '_request_ctx_stack' from 'flask'\n")
    cause = classify(log, "import", "pipenv")
    assert cause.kind == "import-error", cause.summary
    assert classify(log + "EOF\n", "import", "pipenv").kind == "unknown"   # a closed heredoc stays rodeo's


def test_an_exceptions_window_is_its_line_and_the_eleven_after() -> None:
    """The loader rules search only there: its words elsewhere (a build's notes) are no verdict, and a long
    build log is not searched at every position by their many alternatives."""
    from rodeo_action.causes.base import Evidence

    notes = "".join(f"note {i}: libzzfoo is not available\n" for i in range(30))
    text = notes + "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nOSError: boom\n" + \
        "".join(f"Collecting pkg{i}\n" for i in range(20))
    ev = Evidence.of(text, "import", "pip")
    (start, end), = ev.exception_windows
    assert text[start:].startswith("OSError: boom\n") and text[start:end].count("\n") == 12
    assert classify(text, "import", "pip").kind == "import-error"      # the notes' words are outside it
    assert classify(text + "note: libzzfoo is not available\n", "import", "pip").kind == "import-error"   # 21 after
    inside = text.replace("OSError: boom\n", "OSError: boom\nnote: libzzfoo is not available\n")
    assert classify(inside, "import", "pip").kind == "missing-system-library"
    two = "ValueError: a\n" + "x\n" * 5 + "KeyError: b\n" + "y\n" * 30
    assert Evidence.of(two, "import", "pip").exception_windows == ((0, len("ValueError: a\n" + "x\n" * 5
                                                                            + "KeyError: b\n" + "y\n" * 11)),)
