"""Hostile rodeo.yml files: the real CLI refuses each with exit code 2 and one located line per problem,
no traceback, in bounded time and memory; the loader, fuzzed, never raises anything but InputError.

The rule for stderr, checked on every case: each line is one problem, ``FILE:LINE: [FIELD: ]what is
wrong; expected ...`` with FILE the ``--config`` path as given: a problem of the file as a whole (empty,
too big, nested too deeply) is on line 1, a character YAML refuses on its own line. The only lines
without ``:LINE`` say there is no file to read (``NO_FILE``: missing, a folder). At most
``MAX_PROBLEMS`` lines (the last one then counts the rest), each of bounded length, none empty.

The corpus is ``tests/hostile/config/*.yml``, one case each, named for what it tries; its first line
``# expect: TEXT`` is a substring of the message (FILE written as ``rodeo.yml``). Files that cannot hold
a comment are in ``SIDECAR``; the big ones are made at run time by ``GENERATED`` (the recipe), so the
committed corpus stays small. Most cases run in-process through ``cli.main`` (fast); the
``SUBPROCESS`` handful and every generated case run ``python -m rodeo_action`` under an address-space
limit, with the child's own peak RSS and wall time measured.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peakrss import run_measured

from rodeo_action.cli import main
from rodeo_action.config import MAX_PROBLEMS, Config, manager_names, parse_config
from rodeo_action.errors import InputError
from rodeo_action.plan import expand

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "hostile" / "config"
BOM = b"\xef\xbb\xbf"

SECONDS = 5.0                   # wall time of one refusal, subprocess start-up included
MAX_RSS_MB = 400                # the child's peak resident memory
ADDRESS_SPACE = 1 << 30         # RLIMIT_AS of the child: a loader that slurps 50 MB into nodes dies here
IN_PROCESS_SECONDS = 2.0

# no file to read, hence no line
NO_FILE = re.compile(r": (no such file; |cannot be read: )")
LOCATED = re.compile(r":[1-9][0-9]*: \S")

# files that cannot carry a `# expect:` line
SIDECAR = {
    "empty.yml": "rodeo.yml:1: the file is empty; expected a mapping with at least `packages:`",
    "utf16-le-bom.yml": "rodeo.yml:1: byte 0xff is not UTF-8; expected a UTF-8 text file",
    "binary-gzip.yml": "rodeo.yml:1: byte 0x8b is not UTF-8",
}


def expectation(path: Path) -> str:
    if path.name in SIDECAR:
        return SIDECAR[path.name]
    first = path.read_bytes().removeprefix(BOM).splitlines()[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name}: the first line must be `# expect: TEXT`"
    return first.removeprefix("# expect: ")


CASES = sorted(CORPUS.glob("*.yml"))


# -- the big cases, made at run time (the generator recipe) ---------------------------------------------

def _laughs(levels: int) -> str:
    text = 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, levels):
        text += f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]\n"
    return text


_MANAGERS = "[" + ", ".join(manager_names()) + "]"
_MERGE_N = 8_000

GENERATED: dict[str, tuple[Callable[[], bytes], str]] = {
    # 50 MB: only the first 1,000,001 bytes are ever read
    "huge-50mb.yml": (lambda: b"packages: [a]\n" + b"# padding to fifty megabytes\n" * 1_800_000,
                      "rodeo.yml:1: file is 1,000,001 bytes; expected at most 1,000,000 bytes"),
    "huge-50mb-one-line.yml": (lambda: b"packages: [" + b"a" * 50_000_000 + b"]\n",
                               "rodeo.yml:1: file is 1,000,001 bytes"),
    # under the byte limit, over the value limit
    "values-110000.yml": (lambda: b"packages:\n" + b"  - a\n" * 110_000,
                          "rodeo.yml:1: holds more than 100,000 values; expected a small configuration"),
    # a billion laughs: 10**12 values if expanded
    "anchor-bomb-12-levels.yml": (lambda: ("packages: [a]\n" + _laughs(12)).encode(),
                                  "rodeo.yml:1: expands to more than 100,000 values through YAML aliases"),
    "packages-10000.yml": (lambda: ("packages:\n" + "".join(f"  - pkg{i}\n" for i in range(10_000))).encode(),
                           "rodeo.yml:1: packages: has 10000 items; expected at most 200"),
    # a problem per package: the output is capped, the last line counts the rest
    "packages-10000-invalid.yml": (lambda: ("packages:\n" + "".join(f"  - 'x y{i}'\n" for i in range(10_000))
                                            ).encode(), "more problems from this line on are not shown"),
    "long-line.yml": (lambda: b"packages: [a]\nname: " + b"x" * 900_000 + b"\n", "rodeo.yml:2: name: got 'xxxx"),
    "long-key.yml": (lambda: b"packages: [a]\n? " + b"k" * 900_000 + b"\n: 1\n", "...']: unknown key"),
    "long-set-member.yml": (lambda: b"packages: [a]\nsets:\n  x: [" + b"b" * 900_000 + b"]\n",
                            "rodeo.yml:3: sets.x[0]: 'bbbb"),
    "flow-nesting-20000.yml": (lambda: b"packages: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
                               "rodeo.yml:1: not valid YAML"),
    "block-nesting-1200.yml": (lambda: ("packages: [a]\nreport:\n" + "".join(" " * (i + 1) + "k:\n"
                                                                            for i in range(1_200))).encode(),
                               "not valid YAML"),
    # each of these was quadratic once: 30,000 distinct set members took minutes
    "set-members-30000.yml": (lambda: ("packages: [a]\nsets:\n  s: [" + ", ".join(f"p{i}" for i in range(30_000))
                                       + "]\n").encode(), "rodeo.yml:3: sets.s: has 30000 items; expected at most 200"),
    "python-30000.yml": (lambda: ("packages: [a]\npython: [" + ", ".join(f"'3.{i}'" for i in range(30_000))
                                  + "]\n").encode(), "rodeo.yml:2: python: has 30000 items; expected at most 20"),
    "labels-30000.yml": (lambda: ("packages: [a]\nreport: {issues: {labels: [" + ", ".join(f"l{i}" for i in range(
        30_000)) + "]}}\n").encode(), "report.issues.labels: has 30000 items; expected at most 20"),
    "merge-override-8000.yml": (lambda: ("packages: [a]\nm: &m {" + ", ".join(f"k{i}: 1.5" for i in range(_MERGE_N))
                                          + "}\nreport:\n  <<: *m\n" + "".join(f"  k{i}: 1\n" for i in range(_MERGE_N))
                                          ).encode(), "rodeo.yml:2: m: unknown key"),
    "sets-1001.yml": (lambda: ("packages: [a]\nsets:\n" + "".join(f"  s{i}: [a]\n" for i in range(1_001))).encode(),
                      "rodeo.yml:2: sets: has 1001 entries; expected at most 1000"),
    "cells-256000.yml": (lambda: (f"packages: [a]\nmanagers: {_MANAGERS}\n"
                                  "os: [ubuntu-latest, macos-latest, windows-latest, ubuntu-22.04]\n"
                                  "python: ['3.10', '3.11', '3.12', '3.13']\nsets:\n"
                                  + "".join(f"  s{i}: [a]\n" for i in range(1_000))).encode(),
                         "rodeo.yml:5: the rodeo has 256,000 cells"),
    "exclude-101.yml": (lambda: ("packages: [a]\nexclude:\n" + "".join(f"  - {{python: '3.{i}'}}\n" for i in range(
        101))).encode(), "rodeo.yml:2: exclude: has 101 items; expected at most 100"),
}

# one or two of each class, run as a user runs them
SUBPROCESS = ["empty.yml", "non-utf8-latin1.yml", "nul-byte.yml", "crlf-duplicate-key.yml", "anchor-bomb.yml",
              "merge-key-bomb.yml", "alias-cycle.yml", "deep-nesting-flow.yml", "python-object-apply-tag.yml",
              "option-injection-index-url.yml", "package-file-url-etc-passwd.yml", "set-name-traversal.yml"]


# -- running the CLI --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float | None = None


def in_process(*args: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Outcome(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def subprocess_cli(*args: str, cwd: Path) -> Outcome:
    """``python -m rodeo_action ARGS`` under RLIMIT_AS and a CPU limit (a hang ends, whatever it is); its own
    peak RSS (tests/peakrss.py: measured from a small launcher, not from this grown pytest)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RODEO_"))}
    env["PYTHONPATH"] = str(ROOT)
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    start = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        run = run_measured([sys.executable, "-m", "rodeo_action", *args], cwd, env, stdout, stderr,
                           address_space=ADDRESS_SPACE, cpu_seconds=30, timeout=60)
    seconds = time.perf_counter() - start
    return Outcome(run.code, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"), seconds,
                   run.maxrss / (1 << 20))


def check_refusal(outcome: Outcome, path: str, expect: str) -> None:
    """Exit 2, nothing on stdout, one well-formed located line per problem, the expected message."""
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert outcome.code == 2, (outcome.code, outcome.stderr[:2000])
    assert outcome.stdout == ""
    assert outcome.stderr.endswith("\n") and "\r" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert 1 <= len(lines) <= MAX_PROBLEMS, len(lines)
    for line in lines:
        assert line.startswith(path + ":"), line[:300]
        rest = line[len(path):]
        assert LOCATED.match(rest) or NO_FILE.match(rest), line[:300]
        assert len(rest) <= 700, f"a {len(rest)}-character line"
    shown = outcome.stderr.replace(path, "rodeo.yml")
    assert expect in shown, (expect, shown[:2000])


# -- the corpus --------------------------------------------------------------------------------------

def test_the_corpus_is_what_the_issue_asks() -> None:
    names = {p.name for p in CASES}
    assert len(names) >= 60 and set(SIDECAR) <= names and set(SUBPROCESS) <= names
    assert not set(GENERATED) & names, "a generated case is also committed"
    assert sum(p.stat().st_size for p in CASES) < 100_000, "keep the committed corpus small"
    for needed in ("anchor-bomb", "empty", "tab-indent", "option-injection-index-url", "option-injection-editable",
                   "set-name-traversal", "non-utf8-latin1", "root-list", "duplicate-key", "nul-byte"):
        assert f"{needed}.yml" in names


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_refused_in_process(case: Path, command: str) -> None:
    outcome = in_process(command, "--config", str(case))
    check_refusal(outcome, str(case), expectation(case))
    assert outcome.seconds < IN_PROCESS_SECONDS, outcome.seconds


@pytest.mark.parametrize("name", SUBPROCESS)
def test_refused_by_the_real_cli(name: str, tmp_path: Path) -> None:
    case = CORPUS / name
    outcome = subprocess_cli("validate", "--config", str(case), cwd=tmp_path)
    check_refusal(outcome, str(case), expectation(case))
    assert outcome.seconds < SECONDS and outcome.max_rss_mb is not None and outcome.max_rss_mb < MAX_RSS_MB


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_cases_fail_fast_and_small(name: str, tmp_path: Path) -> None:
    make, expect = GENERATED[name]
    path = tmp_path / name
    path.write_bytes(make())
    for command in ("validate", "plan") if name in ("huge-50mb.yml", "anchor-bomb-12-levels.yml") else ("validate",):
        outcome = subprocess_cli(command, "--config", str(path), cwd=tmp_path)
        check_refusal(outcome, str(path), expect)
        assert outcome.seconds < SECONDS, (command, outcome.seconds)
        assert outcome.max_rss_mb is not None and outcome.max_rss_mb < MAX_RSS_MB, (command, outcome.max_rss_mb)


@pytest.mark.parametrize("path, expect", [("/dev/zero", "rodeo.yml:1: file is 1,000,001 bytes"),
                                          ("/dev/urandom", "rodeo.yml:1: file is 1,000,001 bytes"),
                                          (".", "rodeo.yml: cannot be read"),
                                          ("no-such-rodeo.yml", "rodeo.yml: no such file")])
def test_not_a_config_file(path: str, expect: str, tmp_path: Path) -> None:
    if not Path(path).exists() and path.startswith("/dev/"):
        pytest.skip(f"no {path} here")
    outcome = subprocess_cli("validate", "--config", path, cwd=tmp_path)
    check_refusal(outcome, path, expect)
    assert outcome.seconds < SECONDS and outcome.max_rss_mb is not None and outcome.max_rss_mb < MAX_RSS_MB


def test_problems_are_capped_with_a_count(tmp_path: Path) -> None:
    path = tmp_path / "rodeo.yml"
    path.write_text("packages: [a]\n" + "".join(f"zz{i}: 1\n" for i in range(5_000)))
    outcome = in_process("validate", "--config", str(path))
    check_refusal(outcome, str(path), "rodeo.yml:101: 4,901 more problems from this line on are not shown")
    assert len(outcome.stderr.splitlines()) == MAX_PROBLEMS


def test_a_file_name_with_a_line_break_stays_one_line(tmp_path: Path) -> None:
    path = tmp_path / "odd\nname.yml"
    path.write_text("packages: [a]\nmanagers: [pipp]\n")
    outcome = in_process("validate", "--config", str(path))
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith(str(path).replace("\n", "\\n") + ":2: managers[0]: got 'pipp'")


# -- what must still be accepted ------------------------------------------------------------------

ACCEPTED = """\
packages:
  - "numpy>=2; os_name == 'nt' and python_version >= '3.10'"
  - "local @ file:///tmp/wheels/local-1.0-py3-none-any.whl"
  - "sdist @ file:///tmp/dist/sdist-1.0.tar.gz"
  - "folder @ file:///home/me/src/folder/"
  - "remote @ https://example.com/remote-1.0-py3-none-any.whl#sha256=abc"
  - "vcs @ git+https://github.com/o/vcs@v1.2#egg=vcs&subdirectory=python"
  - "pinned[extra1,extra2]==1.0.*, !=1.0.3"
  - name: spackish
    names: {spack: py-spackish@1.2+cuda, conda: spackish, apt: python3-spackish}
    tracker: https://gitlab.example.com/o/spackish/-/issues
sets:
  a..b: [numpy]
  Geo_1: [local]
index-url: http://localhost:3141/root/pypi/+simple/
extra-index-url: [file:///srv/wheels, "https://mirror.example/simple/?x=1&y=2"]
test: |
  python -c "import numpy"
  \tcd /tmp && ls | wc -l
report:
  readme: .github/Compat Matrix (v2).md
  templates: ../shared templates
  issues: {labels: [good first issue, "rodeo: failing"]}
"""


def test_ordinary_configs_are_still_accepted() -> None:
    """The hardening refuses what is hostile, not what is merely unusual."""
    config = holds(ACCEPTED)
    assert config is not None and len(config.packages) == 8 and "a..b" in config.sets
    assert config.report.readme == ".github/Compat Matrix (v2).md"
    assert config.report.issues.labels == ("good first issue", "rodeo: failing")


# -- hostile cell ids on the command line ---------------------------------------------------------------

HOSTILE_CELLS = ["../../x", "/etc/passwd", "uv-all-ubuntu-latest-py3.12/../../../x", "..", ".", "",
                 "$(id)", "`id`", "a|b", "a;b", "a\nb", "uv-all-ubuntu-latest-py3.12\n", "x" * 10_000,
                 "uv-all-ubuntu-latest-py3.12\x00", "UV-ALL-UBUNTU-LATEST-PY3.12", "-h", "--output=/tmp/x"]


@pytest.fixture
def valid_config(tmp_path: Path) -> Path:
    path = tmp_path / "rodeo.yml"
    path.write_text("packages: [six]\nmanagers: [uv]\n")
    return path


@pytest.mark.parametrize("cell", HOSTILE_CELLS, ids=[repr(c[:20]) for c in HOSTILE_CELLS])
def test_run_refuses_hostile_cell_ids(cell: str, valid_config: Path, tmp_path: Path) -> None:
    before = set(tmp_path.rglob("*"))
    outcome = in_process("run", "--config", str(valid_config), f"--cell={cell}", "--output", str(tmp_path / "out"))
    assert outcome.code == 2 and "Traceback" not in outcome.stderr and outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1, outcome.stderr[:300]
    assert outcome.stderr.startswith("rodeo: cell ") and "is not in the plan of" in outcome.stderr
    assert set(tmp_path.rglob("*")) == before, "nothing is written for a cell that is not in the plan"


@pytest.mark.parametrize("job", [{"job": "x", "cells": ["../../x"]}, {"job": "x", "cells": ["uv-all/../../x"]},
                                 {"job": "x", "cells": [["../../x"]]}, {"job": "x", "cells": []}, ["../../x"]])
def test_run_refuses_hostile_jobs(job: object, valid_config: Path, tmp_path: Path) -> None:
    outcome = in_process("run", "--config", str(valid_config), "--job", json.dumps(job), "--output",
                         str(tmp_path / "out"))
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("rodeo: ")
    assert not (tmp_path / "out").exists()


def test_run_refuses_a_hostile_cell_as_a_user_runs_it(valid_config: Path, tmp_path: Path) -> None:
    outcome = subprocess_cli("run", "--config", str(valid_config), "--cell", "../../x", "--output",
                             str(tmp_path / "out"), cwd=tmp_path)
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1, outcome.stderr
    assert outcome.stderr.startswith("rodeo: cell '../../x' is not in the plan of")
    assert not (tmp_path / "out").exists() and outcome.seconds < SECONDS


# -- fuzzing the loader ------------------------------------------------------------------------------

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def holds(raw: str | bytes) -> Config | None:
    """The property: a Config whose cell ids are safe file names, or InputError with well-formed
    problems; never another exception; quickly."""
    start = time.perf_counter()
    try:
        config = parse_config(raw, "rodeo.yml")
    except InputError as exc:
        lines = [str(p) for p in exc.problems]
        assert 1 <= len(lines) <= MAX_PROBLEMS
        for line in lines:
            rest = line.removeprefix("rodeo.yml")
            assert rest != line and (LOCATED.match(rest) or NO_FILE.match(rest)), line
            assert "\n" not in line and "\r" not in line and len(rest) <= 700, line
        assert time.perf_counter() - start < 2.0
        return None
    cells = [p.cell.id for p in expand(config)]
    assert all(SAFE_ID.match(c) for c in cells), cells
    assert len({c.casefold() for c in cells}) == len(cells)
    assert time.perf_counter() - start < 2.0
    return config


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


FIELDS = ["packages", "sets", "per-package", "index-url", "extra-index-url", "versions", "managers", "python", "os",
          "test", "timeout", "retries", "exclude", "include", "report", "name", "readme", "issues", "labels",
          "import", "names", "tracker", "manager", "set", "comment", "apt", "nix", "uv"]
SCALARS = ["a", "numpy", "numpy>=2", "'numpy; os_name == \"nt\"'", "-e .", "--index-url=https://evil", "../../x",
           "'$(id)'", "'`id`'", "'a|b'", "a;b", "\"a\\nb\"", "\"a\\0b\"", "pip", "p\u0456p", "3.10", "'3.12'", "true",
           "null", "~", "1", "-1", "1e400", ".nan", "2024-01-01", "'pkg @ file:///etc/passwd'",
           "'pkg @ git+ssh://x/y'", "'pkg @ https://u:p@h/x.whl'", "https://mirror/simple", "ubuntu-latest",
           "macos-ubuntu-arm", "Geo", "geo", "all", "owner/..", "README.md", "'rodeo,bug'", "<<", "=", "!!binary aGk=",
           "!!python/object/apply:os.system [id]", "!include x", "*a", "&a x", "'\u202e'", "'" + "z" * 70 + "'"]
TOKENS = ([f"{f}: " for f in FIELDS] + [f"- {f}: " for f in FIELDS] + SCALARS
          + ["\n", "\n  ", "\n    ", "\n- ", "\n  - ", "- ", "[", "]", "{", "}", ", ", ": ", "? ", "&a ", "*a", "<<: ",
             "<<: *a", "! ", "!!str ", "!!map ", "!!seq ", "!!set ", "!!omap ", "|\n  ", ">\n  ", "'", '"', "#",
             " # c\n", "---\n", "...\n", "%YAML 1.1\n---\n", "\t", "\r\n", "\r", "\ufeff", "\x00", "\x85", "\u2028",
             "\\"])


@st.composite
def token_documents(draw: st.DrawFn) -> str:
    """Text built from YAML's tokens, rodeo.yml's field names and hostile scalars."""
    return "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=40)))


VALID = """\
name: fuzz
packages:
  - cartopy
  - "tensorflow>=2; python_version < '3.13'"
  - name: docrep
    import: [docrep]
    names: {apt: null, nix: docrep}
    tracker: Chilipp/docrep
  - "six @ https://example.com/six-1.17.0-py2.py3-none-any.whl"
sets:
  litmus: [cartopy, tensorflow, docrep]
  tiny: [six]
per-package: false
index-url: https://mirror.example/simple
extra-index-url: [file:///srv/wheels]
versions: {uv: "0.9.5"}
managers: [pip, uv, conda, nix, apt]
python: ["3.11", "3.12"]
os: [ubuntu-latest, macos-14]
test: python -c "import cartopy"
timeout: 30m
retries: 1
exclude:
  - {manager: apt, os: macos-14}
include:
  - {manager: spack, python: "3.12"}
report:
  readme: README.md
  comment: changes
  issues: {labels: [rodeo], after: 2, max-per-run: 3}
"""


def test_the_valid_base_is_valid() -> None:
    config = holds(VALID)
    assert config is not None and len(config.packages) == 4


HOSTILE_LINES = ["  - ../../x", "  ../../x: [cartopy]", "  - --index-url=https://evil", "  - '-e .'",
                 "  Litmus: [cartopy]", "name: ../../x", "  readme: ../../etc/passwd",
                 "os: [ubuntu-arm, macos-ubuntu-arm]", "  a-macos: [six]", "  - 'six @ file:///etc/passwd'", "<<: *a",
                 "x: &a [*a]", "\tpackages: [a]",
                 "packages: [a]", "sets: !!set {a, b}", "  labels: ['a,b']", "test: \"\\0\"", "? [a]", "  - \"a\\nb\""]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The valid base, mutated: lines dropped, doubled, swapped, re-indented, replaced by hostile ones;
    tokens and bytes inserted; the end cut off."""
    lines = VALID.splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "double", "swap", "indent", "dedent", "hostile", "token", "byte", "cut"]))
        if op == "drop":
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "hostile":
            lines[i] = draw(st.sampled_from(HOSTILE_LINES))
        elif op == "token":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)) + lines[i][at:]
        elif op == "byte":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + chr(draw(st.integers(0, 0x2FF))) + lines[i][at:]
        else:
            lines = lines[:i]
    raw = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=4)) + raw[at:]
    return raw


@fuzz(200)
@given(st.binary(max_size=300))
def test_fuzz_any_bytes(raw: bytes) -> None:
    holds(raw)


@fuzz(300)
@given(token_documents())
def test_fuzz_yaml_tokens(text: str) -> None:
    holds(text)
    holds(text.encode("utf-8", "surrogatepass"))


@fuzz(300)
@given(mutated())
def test_fuzz_mutations_of_a_valid_rodeo(raw: bytes) -> None:
    holds(raw)


@pytest.mark.exhaustive
@fuzz(5_000)
@given(st.one_of(st.binary(max_size=2_000), token_documents().map(str.encode), mutated()))
def test_fuzz_longer(raw: bytes) -> None:
    holds(raw)
