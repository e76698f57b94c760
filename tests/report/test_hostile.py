"""Hostile artifacts through the real CLI: one ``--results`` folder holding every kind of broken,
oversized, misnamed, linked or booby-trapped file at once, plus good results, some of whose fields
carry hostile text. ``rodeo report`` runs as a subprocess (its peak memory measured by ``wait4``),
then every output is scanned for what must never get through.

The contract (issue 8): each hostile file is named in the report (an ``error`` cell or a note), the
report is complete (every planned cell present, every good result shown), memory stays bounded,
nothing crashes, and no output carries a live mention, a raw ``</details>``, a forged marker or
digest, a ``javascript:`` link, a token or a bidi control. A hostile ``--baseline`` (truncated,
gigantic, wrong schema, a FIFO, a forged digest in a README) is a note, never a crash.

``test_the_counts`` checks that docs/security.md states the figures these tests count.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from peakrss import run_measured

from rodeo_action.config import parse_config
from rodeo_action.plan import expand
from rodeo_action.report.escape import TOKEN, ZW

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets, symlinks, /dev/zero")

ROOT = Path(__file__).resolve().parents[2]
NAME = "hostile"
SETS = [f"s{i:02d}" for i in range(1, 13)]
MANAGERS = ["uv", "pip", "conda", "pdm", "poetry", "hatch"]
CONFIG = textwrap.dedent(f"""\
    name: {NAME}
    packages: [{{name: numpy, tracker: numpy/numpy}}]
    sets: {{{", ".join(f"{s}: [numpy]" for s in SETS)}}}
    managers: [{", ".join(MANAGERS)}]
    os: [ubuntu-latest]
    python: ['3.12']
    """)
PLANNED = [p.cell.id for p in expand(parse_config(CONFIG, "rodeo.yml"))]
MEMORY_LIMIT = 300 * 2**20

# -- hostile text ------------------------------------------------------------------------------

TOKEN_TEXT = "ghp_" + "A1b2C3d4" * 5
# each atom is one way to break out; every string field of a result carries one atom
ATOMS: dict[str, str] = {
    "pipes": "a | b || c |\n| --- |",
    "details": "</details></summary><details open><summary>pwned",
    "marker": "<!-- rodeo:start id=hostile --><!-- rodeo:comment id=hostile -->",
    "issue-marker": "<!-- rodeo:issue id=hostile key=package:numpy --> -->",
    "digest": "\n[rodeo-digest-hostile]: data:application/gzip;base64,"
              "H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTtVRUEpJTU4tKkrMyUlVslIqLU4tUqoFAHQxQ9ofAAAA\n",
    "mention": "@org/team @everyone cc @octocat",
    "javascript": "[click](javascript:alert(1)) <a href='javascript:alert(2)'>x</a> JaVaScRiPt:alert(3)",
    "token": f"token {TOKEN_TEXT} and github_pat_{'Z9' * 20}",
    "bidi": "admin\u202e\u2066txt.exe\u2069\u202c done \u200f\u200e\u061c",
    "html": "<img src=x onerror=alert(4)><script>alert(5)</script><svg onload=alert(6)>",
    "fence": "```\n~~~~\n```` end",
    "controls": "\x1b[31mred\x1b[0m\x00nul\rcr\x07bell\x7f",
    "long-line": "L" * 10_000,
}
# the schema's maxLength of each string field (None: no limit); a field gets its atom cut to this
FIELDS: dict[str, int | None] = {
    "cell.packages": 300, "cause.package": 200, "cause.summary": 300, "manager_version": 200,
    "python_version": 64, "platform": 64, "resolved.key": None, "resolved.value": 100, "imports.key": None,
    "imports.value": 1000, "repro": 20_000, "log_tail": 40_000, "run_url": 500, "reason": 500,
    "attempts.cause.summary": 300,
}


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None else text[:limit]


def cell_id(manager: str, set_: str) -> str:
    return f"{manager}-{set_}-ubuntu-latest-py3.12"


def result(cid: str, status: str = "pass", **over: Any) -> dict[str, Any]:
    manager, set_ = cid.split("-")[:2]
    data: dict[str, Any] = {
        "schema": 1,
        "cell": {"id": cid, "manager": manager, "set": set_, "os": "ubuntu-latest", "python": "3.12",
                 "packages": ["numpy"]},
        "status": status, "phase": "install" if status == "fail" else None,
        "cause": {"kind": "build-failed", "package": "cartopy", "summary": "it broke"} if status == "fail" else None,
        "durations": {"install": 3.0}, "manager_version": f"{manager} 1.0", "python_version": "3.12.7",
        "platform": "linux-x86_64", "resolved": {"numpy": "2.1.0"}, "imports": {"numpy": "ok"},
        "repro": f"{manager} install numpy", "log_tail": "ok", "started_at": "2025-01-02T00:00:00Z",
        "run_url": "https://github.com/o/r/actions/runs/2", "reason": None,
    }
    data.update(over)
    return data


def hostile_result(cid: str, atom: str, status: str = "fail") -> dict[str, Any]:
    """A schema-valid result whose every free-text field carries ``atom`` (cut to the field's limit)."""
    text = ATOMS[atom]
    f = {k: _cut(text, n) for k, n in FIELDS.items()}
    manager = cid.split("-")[0]
    return result(
        cid, status,
        cell={**result(cid)["cell"], "packages": [f["cell.packages"]]},
        cause={"kind": "missing-system-library", "package": f["cause.package"], "summary": f["cause.summary"]}
        if status == "fail" else None,
        manager_version=f"{manager} {f['manager_version']}"[:200], python_version=f["python_version"],
        platform=f["platform"], resolved={"numpy": f["resolved.value"], f["resolved.key"]: "1"},
        imports={f["imports.key"]: f["imports.value"], "numpy": f["imports.value"]},
        repro=f["repro"], log_tail=f"{f['log_tail']}\nline two {text[:200]}", run_url=f["run_url"],
        reason=f["reason"],
        attempts=[{"status": "fail", "phase": "install", "seconds": 1.0,
                   "cause": {"kind": "network", "package": None, "summary": f["attempts.cause.summary"]}}],
    )


# -- hostile files -----------------------------------------------------------------------------

@dataclass
class Artifact:
    """One hostile thing in the results folder; ``names`` must all appear in the report."""

    what: str
    make: Callable[[Path], None]
    names: list[str]                  # how the report names it (escaped as in a note or cell)
    cell: str | None = None           # the planned cell it lands on (error/missing), if any
    status: str | None = None         # that cell's status


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return make


def _json(rel: str, data: Any) -> Callable[[Path], None]:
    return _write(rel, json.dumps(data))


def _big_log(rel: str, cid: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        head = json.dumps(result(cid, "fail"))[:-1] + ', "log_tail": "'
        with path.open("w") as fh:                 # a real 100 MB file (not sparse): one huge log tail
            fh.write(head)
            chunk = "x" * (1 << 20)
            for _ in range(100):
                fh.write(chunk)
            fh.write('"}')
    return make


def _sparse(rel: str, size: int) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            fh.truncate(size)
    return make


def _fifo(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)
    return make


def _socket(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(root / rel))
        s.close()
    return make


def _link(rel: str, target: str | Callable[[Path], Path], is_dir: bool = False) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(root) if callable(target) else target, target_is_directory=is_dir)
    return make


def _outside(root: Path) -> Path:
    out = root.parent / "outside"
    out.mkdir(exist_ok=True)
    (out / "secret").mkdir(exist_ok=True)
    (out / f"{cell_id('pdm', 's11')}.json").write_text(json.dumps(result(cell_id("pdm", "s11"))))
    return out


def _dir(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).mkdir(parents=True)
    return make


def _many(*makers: Callable[[Path], None]) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        for m in makers:
            m(root)
    return make


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


EVIL_NAME = "evil|</details>@org-team <!-- rodeo:start id=hostile -->[x](javascript:alert(1)) \u202e.json"
UNDECODABLE = b"bad-\xff\xfe-name.json"
A = {f"{m}-{s}": cell_id(m, s) for m in MANAGERS for s in SETS}


def artifacts() -> list[Artifact]:
    good = result(A["uv-s01"])
    return [
        Artifact("truncated JSON", _write(f"j1/{A['pip-s01']}.json", json.dumps(good)[:-30]),
                 [f"j1/{A['pip-s01']}.json is not JSON"], A["pip-s01"], "error"),
        Artifact("not JSON at all", _write(f"j1/{A['pip-s02']}.json", "hello, world"),
                 [f"j1/{A['pip-s02']}.json is not JSON"], A["pip-s02"], "error"),
        Artifact("empty file", _write(f"j1/{A['pip-s03']}.json", b""),
                 [f"j1/{A['pip-s03']}.json is not JSON"], A["pip-s03"], "error"),
        Artifact("not UTF-8", _write(f"j1/{A['pip-s04']}.json", b'{"schema": 1, "x": "\xff\xfe"}'),
                 [f"j1/{A['pip-s04']}.json is not UTF-8"], A["pip-s04"], "error"),
        Artifact("a JSON list", _write(f"j1/{A['pip-s05']}.json", "[1, 2, 3]"),
                 [f"j1/{A['pip-s05']}.json is not a result object"], A["pip-s05"], "error"),
        Artifact("future schema", _json(f"j1/{A['pip-s06']}.json", {**result(A["pip-s06"]), "schema": 4, "new": 1}),
                 [f"j1/{A['pip-s06']}.json was written by a newer rodeo-action"], A["pip-s06"], "error"),
        Artifact("schema-invalid", _json(f"j1/{A['pip-s07']}.json", result(A["pip-s07"], "great")),
                 [f"j1/{A['pip-s07']}.json does not match the result schema"], A["pip-s07"], "error"),
        Artifact("duplicate result", _many(_json(f"d1/{A['pip-s08']}.json", result(
            A["pip-s08"], "fail", started_at="2025-01-02T10:00:00Z")), _json(f"d2/{A['pip-s08']}.json",
                                                                               result(A["pip-s08"]))),
                 [f"two results (d1/{A['pip-s08']}.json, d2/{A['pip-s08']}.json)"], A["pip-s08"], "fail"),
        Artifact("a 100 MB log tail", _big_log(f"big/{A['pip-s09']}.json", A["pip-s09"]),
                 [f"big/{A['pip-s09']}.json is 104,8"], A["pip-s09"], "error"),
        Artifact("a 1 GB sparse file", _sparse(f"big/{A['pip-s10']}.json", 2**30),
                 [f"big/{A['pip-s10']}.json is 1,073,741,824 bytes"], A["pip-s10"], "error"),
        Artifact("a FIFO", _fifo(f"dev/{A['pip-s11']}.json"),
                 [f"dev/{A['pip-s11']}.json is not a regular file"], A["pip-s11"], "error"),
        Artifact("a socket", _socket(f"dev/{A['pip-s12']}.json"),
                 [f"dev/{A['pip-s12']}.json"], A["pip-s12"], "error"),
        Artifact("a symlink to /dev/zero", _link(f"dev/{A['conda-s01']}.json", "/dev/zero"),
                 [f"dev/{A['conda-s01']}.json: a symlink out of the results folder"], A["conda-s01"], "missing"),
        Artifact("a folder named like a result", _dir(f"dev/{A['conda-s02']}.json"),
                 [f"dev/{A['conda-s02']}.json: a folder"], A["conda-s02"], "missing"),
        Artifact("a symlink loop", _link(f"links/{A['conda-s03']}.json", f"{A['conda-s03']}.json"),
                 [f"links/{A['conda-s03']}.json: a symlink that cannot be resolved"], A["conda-s03"], "missing"),
        Artifact("a symlink out of the folder",
                 _link(f"links/{A['pdm-s11']}.json", lambda r: _outside(r) / f"{A['pdm-s11']}.json"),
                 [f"links/{A['pdm-s11']}.json: a symlink out of the results folder"], A["pdm-s11"], "missing"),
        Artifact("a symlinked folder out of the folder",
                 _link("links/elsewhere", lambda r: _outside(r) / "secret", is_dir=True),
                 ["links/elsewhere: a symlinked folder; not followed"]),
        Artifact("a wrongly named file", _json(f"j2/{A['conda-s04']}.json", result(A["conda-s05"])),
                 [f"j2/{A['conda-s04']}.json holds the result of {A['conda-s05']}, not {A['conda-s04']}"],
                 A["conda-s04"], "error"),
        Artifact("cell fields that contradict its id",
                 _json(f"j2/{A['conda-s06']}.json", result(A["conda-s06"], cell={
                     **result(A["conda-s06"])["cell"], "manager": "pip"})),
                 [f"j2/{A['conda-s06']}.json: cell id {A['conda-s06']} does not match"], A["conda-s06"], "error"),
        Artifact("a cell not in the plan", _json("j2/mamba-s01-ubuntu-latest-py3.12.json",
                                                 result("mamba-s01-ubuntu-latest-py3.12")),
                 ["cell mamba-s01-ubuntu-latest-py3.12 is not in the plan"],
                 "mamba-s01-ubuntu-latest-py3.12", "error"),
        Artifact("a huge single JSON string", _json(f"j2/{A['conda-s07']}.json",
                                                    result(A["conda-s07"], log_tail="y" * 3_900_000)),
                 [f"j2/{A['conda-s07']}.json does not match the result schema: log_tail"], A["conda-s07"], "error"),
        Artifact("nested 100,000 deep", _write(f"j2/{A['conda-s08']}.json", _nested(100_000)),
                 [f"j2/{A['conda-s08']}.json is not JSON"], A["conda-s08"], "error"),
        Artifact("duplicate keys", _write(f"j2/{A['conda-s09']}.json",
                                          json.dumps(result(A["conda-s09"], "fail"))[:-1] + ', "status": "pass"}'),
                 [f"j2/{A['conda-s09']}.json has a duplicate key (status)"], A["conda-s09"], "error"),
        Artifact("NaN", _write(f"j2/{A['conda-s10']}.json",
                               json.dumps(result(A["conda-s10"], durations={"install": float("nan")}))),
                 [f"j2/{A['conda-s10']}.json is not JSON"], A["conda-s10"], "error"),
        Artifact("Infinity", _write(f"j2/{A['conda-s11']}.json",
                                    json.dumps(result(A["conda-s11"])).replace('"install": 3.0', '"install": 1e999')),
                 [f"j2/{A['conda-s11']}.json is not JSON"], A["conda-s11"], "error"),
        Artifact("a hostile file name", _write(f"j3/{EVIL_NAME}", "{"), ["j3/evil"]),
        Artifact("an undecodable file name", _write("j3/" + os.fsdecode(UNDECODABLE), "{"),
                 ["j3/bad-\\\\xff\\\\xfe-name.json"]),
        Artifact("a cell id that breaks the pattern", _json(f"j3/{A['conda-s12']}.json", result(
            A["conda-s12"], cell={**result(A["conda-s12"])["cell"], "id": ATOMS["details"]})),
                 [f"j3/{A['conda-s12']}.json does not match the result schema: cell.id"], A["conda-s12"], "error"),
        Artifact("a result of 250-character name", _write("j3/" + "n" * 245 + ".json", "{}"), ["j3/nnnn"]),
    ]


# good results carrying hostile text: one atom per cell, on a uv cell and its hatch twin (the same
# hostile package failing under two managers: a package culprit, an issue titled after it)
_PAIRS = [(cell_id("uv", s), cell_id("hatch", s)) for s in SETS] + [(cell_id("poetry", "s01"),
                                                                      cell_id("poetry", "s02"))]
HOSTILE_CELLS = {atom: _PAIRS[i][0] for i, atom in enumerate(ATOMS)}
TWINS = {atom: _PAIRS[i][1] for i, atom in enumerate(ATOMS)}
GOOD = {A["pdm-s02"]: "pass", A["pdm-s03"]: "pass", A["pdm-s04"]: "fail", A["pdm-s05"]: "timeout"}


ALL_ATOMS = " ".join(ATOMS.values())
NUMPY_PAIR = (cell_id("pdm", "s06"), cell_id("poetry", "s03"))


def numpy_failure(cid: str) -> dict[str, Any]:
    """A failure blamed on numpy (tracked upstream: an upstream URL and body) carrying every atom."""
    data = hostile_result(cid, "pipes")
    data["cause"] = {"kind": "build-failed", "package": "numpy", "summary": ALL_ATOMS[:300]}
    data["repro"], data["log_tail"] = ALL_ATOMS, ALL_ATOMS + "\n" + ALL_ATOMS
    return data


def write_results(root: Path) -> list[Artifact]:
    found = artifacts()
    for a in found:
        a.make(root)
    (root / "good").mkdir(exist_ok=True)
    for atom, cid in HOSTILE_CELLS.items():
        status = "unavailable" if atom == "pipes" else "fail"
        (root / "good" / f"{cid}.json").write_text(json.dumps(hostile_result(cid, atom, status)))
        (root / "good" / f"{TWINS[atom]}.json").write_text(json.dumps(hostile_result(TWINS[atom], atom, status)))
    for cid in NUMPY_PAIR:
        (root / "good" / f"{cid}.json").write_text(json.dumps(numpy_failure(cid)))
    for cid, status in GOOD.items():
        extra = {"phase": "install", "cause": {"kind": "timeout", "package": None, "summary": "1800 s"}} \
            if status == "timeout" else {}
        (root / "good" / f"{cid}.json").write_text(json.dumps(result(cid, status, **extra)))
    return found


BASELINE_FIELDS = ("culprit", "history.statuses", "last_pass_at", "last_pass_versions.name",
                   "last_pass_versions.version", "last_pass_versions.<manager>")


def hostile_baseline() -> dict[str, Any]:
    """A previous --json by hand: every hostile cell passed then, with hostile versions and links."""
    def entry(atom: str) -> dict[str, Any]:
        text = ATOMS[atom][:500]
        return {"status": "pass", "phase": None, "cause": None, "culprit": text,
                "history": {"statuses": ["pass", text, "fail"], "seconds": [1.0, "x", float("inf")],
                            "consecutive_failures": 0, "last_pass_at": text,
                            "last_pass_run_url": "javascript:alert(1)",
                            "last_pass_versions": {"numpy": text, "<uv>": text, text: text}}}
    cells = {cid: entry(atom) for atom, cid in HOSTILE_CELLS.items()}
    cells[ATOMS["details"]] = {"status": "pass"}                       # a hostile id: dropped
    cells["uv-gone-ubuntu-latest-py3.12"] = {"status": "fail"}         # removed since
    return {"schema": 1, "kind": "rodeo-baseline", "name": NAME, "generated_at": ATOMS["mention"],
            "run_url": "javascript:alert(1)", "cells": cells}


# -- running the CLI ---------------------------------------------------------------------------

@dataclass
class Run:
    code: int
    out: str
    err: str
    maxrss: int                      # bytes
    files: dict[str, str] = field(default_factory=dict)


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """``python -m rodeo_action ARGS`` with its own peak resident memory (wait4's rusage of that child)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RODEO_"))}
    environ.update(PYTHONPATH=str(ROOT), **(env or {}))
    # tests/peakrss.py: measured from a small launcher, not from this grown pytest
    with (cwd / "stdout.txt").open("wb") as out, (cwd / "stderr.txt").open("wb") as err:
        run = run_measured([sys.executable, "-m", "rodeo_action", *args], cwd, environ, out, err, timeout=600)
    return Run(run.code, (cwd / "stdout.txt").read_text(), (cwd / "stderr.txt").read_text(), run.maxrss)


RENDER_ALL = """\
import json, sys
from datetime import datetime, timezone
from pathlib import Path
from rodeo_action.config import load_config
from rodeo_action.report import issuetext, render
from rodeo_action.report.command import ReportRequest, make_report
out = Path(sys.argv[3])
config = load_config(sys.argv[1])
request = ReportRequest(results=Path(sys.argv[2]), baseline=Path(sys.argv[4]) if len(sys.argv) > 4 else None)
report = make_report(request, config, "2025-01-03T00:00:00Z", "https://github.com/o/r/actions/runs/3")
settings = render.Settings.from_config(config)
(out / "comment.md").write_text(render.comment(report, settings))
(out / "readme.md").write_text(render.readme_block(report, settings))
for i, culprit in enumerate(report.culprits):
    title, body = issuetext.issue(report, culprit, settings)
    (out / f"issue-{i}.md").write_text(title + "\\n" + body)
    (out / f"fixed-{i}.md").write_text(issuetext.fixed(report, culprit, settings))
    title, body = issuetext.upstream_issue(report, culprit)
    (out / f"upstream-{i}.md").write_text(title + "\\n" + body)
    (out / f"upstream-url-{i}.txt").write_text(issuetext.upstream_url(report, culprit) or "")
print(len(report.culprits))
"""


@dataclass
class Hostile:
    root: Path
    results: Path
    artifacts: list[Artifact]
    cli: Run
    outputs: dict[str, str]           # name -> text of every rendered output
    culprits: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    results = root / "results"
    results.mkdir()
    found = write_results(results)
    (root / "rodeo.yml").write_text(CONFIG)
    (root / "baseline.json").write_text(json.dumps(hostile_baseline()))
    summary = root / "summary.md"
    cli = run_cli(["report", "--config", "rodeo.yml", "--results", "results", "--baseline", "baseline.json",
                   "--markdown", "out/report.md", "--json", "out/report.json", "--svg", "out/matrix.svg",
                   "--badge", "out/badge.json", "--badge-dir", "out/badges", "--summary"],
                  root, {"GITHUB_STEP_SUMMARY": str(summary)})
    (root / "rendered").mkdir()
    done = subprocess.run([sys.executable, "-c", RENDER_ALL, "rodeo.yml", "results", "rendered", "baseline.json"],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    outputs = {"terminal": cli.out, "summary": summary.read_text() if summary.exists() else ""}
    for path in sorted((root / "out").rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(root / "out"))] = path.read_text()
    for path in sorted((root / "rendered").iterdir()):
        outputs[path.name] = path.read_text()
    return Hostile(root, results, found, cli, outputs, int(done.stdout.strip() or 0))


# -- what must never get through ---------------------------------------------------------------

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MENTION = re.compile(r"(?<![\w`])@(?!" + ZW + r")[A-Za-z0-9]")
JAVASCRIPT = re.compile(r"javascript\s*:", re.I)
MARKER = re.compile(r"<!--\s*rodeo", re.I)
DIGEST_LINE = re.compile(r"(?m)^\[rodeo-digest")
ISSUE_REF = re.compile(r"(?<![\w&])#(?!" + ZW + r")\d")
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")      # zero-width space, joiners, soft hyphen
# a tag rodeo does not write itself (its own: details, summary, sub, and its hidden markers)
RAW_TAG = re.compile(r"<(?!/?(?:details|summary|sub)\b|br>|!-- rodeo:)[A-Za-z!/?]", re.I)
ANCHOR = re.compile(r'<a name="rodeo-[A-Za-z0-9_-]+"></a>')     # a failure's details, as the table links them


def outside_fences(text: str) -> str:
    """``text`` without its fenced code blocks (GitHub renders nothing live inside them)."""
    out, fence = [], ""
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if fence:
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "":
                fence = ""
            continue
        m = re.match(r"(`{3,}|~{3,})", stripped)
        if m:
            fence = m.group(1)
            continue
        out.append(line)
    return "\n".join(out)


def markdown_problems(name: str, text: str, markers: int, digests: int) -> list[str]:
    problems = []
    live = outside_fences(text)
    for what, rx, where in (("a bidi control", BIDI, text), ("a control character", CONTROLS, text),
                            ("a token", TOKEN, text), ("a live @mention", MENTION, live),
                            ("javascript:", JAVASCRIPT, live)):
        for m in rx.finditer(where):
            problems.append(f"{name}: {what} at …{where[max(m.start() - 40, 0): m.end() + 40]!r}…")
    found = len(MARKER.findall(text))
    if found != markers:
        problems.append(f"{name}: {found} rodeo markers, expected {markers}")
    found = len(DIGEST_LINE.findall(text))
    if found != digests:
        problems.append(f"{name}: {found} digest lines, expected {digests}")
    # <details> only as rodeo writes them: </details> alone on its line, opened and closed in pairs,
    # never inside a code fence
    depth = 0
    for line in live.split("\n"):
        opened, closed = len(re.findall(r"<details\b", line, re.I)), len(re.findall(r"</details\s*>", line, re.I))
        if closed and line.strip() != "</details>":
            problems.append(f"{name}: a </details> inside a line: {line[:120]!r}")
        depth += opened - closed
        if depth < 0:
            problems.append(f"{name}: </details> closes what it did not open")
            depth = 0
    if depth:
        problems.append(f"{name}: {depth} <details> left open")
    if re.search(r"</?details|</?summary", "\n".join(re.findall(r"(?s)```.*?```", text)), re.I):
        problems.append(f"{name}: a details/summary tag inside a code fence")
    for m in RAW_TAG.finditer(ANCHOR.sub("", live)):          # HTML only as rodeo writes it
        problems.append(f"{name}: raw HTML …{live[max(m.start() - 30, 0): m.end() + 40]!r}…")
    return problems


def title_problems(name: str, text: str) -> list[str]:
    """An issue title: plain text, within 256, with nothing invisible in it and no live mention or reference
    (each in a code span, which GitHub shows as code and links nothing in). A title is never searched for
    rodeo's markers nor made a link: ``<!-- rodeo`` and ``javascript:`` are inert text there."""
    problems = [p for p in plain_problems(name, text) if not p.endswith(": a rodeo marker")]
    live = re.sub(r"`[^`]*`", "", text)
    for what, rx, where in (("a live @mention", MENTION, live), ("an issue reference", ISSUE_REF, live),
                            ("an invisible character", INVISIBLE, text)):
        if rx.search(where):
            problems.append(f"{name}: {what} in the title {text[:100]!r}")
    if len(text) > 256 or "\n" in text or text.count("`") % 2:
        problems.append(f"{name}: a title of {len(text)} characters, several lines or an unclosed code span")
    return problems


def plain_problems(name: str, text: str) -> list[str]:
    problems = [f"{name}: {what}" for what, rx in (("a bidi control", BIDI), ("a token", TOKEN),
                                                   ("a rodeo marker", MARKER), ("an ANSI escape", re.compile("\x1b")))
                if rx.search(text)]
    if CONTROLS.search(text.replace("\x1b", "")):
        problems.append(f"{name}: a control character")
    return problems


def svg_problems(name: str, text: str) -> list[str]:
    problems = plain_problems(name, text)
    tree = ET.fromstring(text)                 # well-formed, or this raises
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "a", "image", "use", "iframe"):
            problems.append(f"{name}: <{tag}>")
        for attr, value in el.attrib.items():
            if attr.lower().startswith("on") or JAVASCRIPT.search(value) or "href" in attr.lower():
                problems.append(f"{name}: attribute {attr}={value[:60]!r}")
    if JAVASCRIPT.search(text):
        problems.append(f"{name}: javascript:")
    return problems


def scan(outputs: dict[str, str]) -> dict[str, list[str]]:
    """Problems per output (every output gets an entry, so the count of scanned outputs is honest)."""
    found: dict[str, list[str]] = {}
    for name, text in outputs.items():
        if name.endswith(".svg"):
            found[name] = svg_problems(name, text)
        elif name.endswith(".json") and name != "report.json":            # badges
            data = json.loads(text)
            found[name] = plain_problems(name, json.dumps(data, ensure_ascii=False))
        elif name == "report.json":
            json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in --json"))
            found[name] = []                   # data, not rendered; checked for validity and completeness
        elif name == "terminal" or name.startswith("upstream-url"):
            found[name] = plain_problems(name, text)
        elif name.startswith(("issue-", "upstream-")):      # the first line is the title
            head, _, body = text.partition("\n")
            found[name] = title_problems(f"{name} title", head) + markdown_problems(
                name, body, 0 if name.startswith("upstream-") else 1, 0)
        else:
            markers = {"comment.md": 1, "readme.md": 2, "report.md": 0, "summary": 0}.get(name, 1)
            digests = 1 if name in ("comment.md", "readme.md") else 0
            found[name] = markdown_problems(name, text, markers, digests)
    return found


# -- the tests ---------------------------------------------------------------------------------

def test_exit_code_no_traceback_and_bounded_memory(hostile: Hostile) -> None:
    cli = hostile.cli
    assert cli.code == 0, cli.err                      # cells may fail: that is data (DESIGN §3)
    assert "Traceback" not in cli.out + cli.err
    assert cli.maxrss < MEMORY_LIMIT, f"peak {cli.maxrss / 2**20:.0f} MiB"


def test_every_planned_and_good_cell_is_in_the_report(hostile: Hostile) -> None:
    data = json.loads(hostile.outputs["report.json"])
    cells = data["cells"]
    assert set(PLANNED) <= set(cells)
    for cid, status in {**GOOD, **{c: "fail" for c in [*HOSTILE_CELLS.values(), *TWINS.values(), *NUMPY_PAIR]}}.items():
        want = "unavailable" if cid in (HOSTILE_CELLS["pipes"], TWINS["pipes"]) else status
        assert cells[cid]["status"] == want, cid
    shown = {r["cell"]["id"] for r in data["results"]}
    assert set(GOOD) | set(HOSTILE_CELLS.values()) | set(TWINS.values()) | set(NUMPY_PAIR) <= shown
    md = hostile.outputs["report.md"]
    for cid in PLANNED:
        assert cid.replace("_", "\\_") in md or cid in md, cid


def _escaped(text: str) -> str:
    """``text`` as md() shows it in a note (backslash before markdown punctuation)."""
    return re.sub(r"([\\`*_\[\]|~$#])", r"\\\1", text)


def test_every_hostile_file_is_named_as_an_error_cell_or_a_note(hostile: Hostile) -> None:
    md = hostile.outputs["report.md"]
    cells = json.loads(hostile.outputs["report.json"])["cells"]
    missing = []
    for a in hostile.artifacts:
        for name in a.names:
            if _escaped(name) not in md and name not in md:
                missing.append(f"{a.what}: {name!r}")
        if a.cell is not None:
            assert cells[a.cell]["status"] == a.status, a.what
    assert not missing, "\n".join(missing)


def test_no_output_lets_anything_through(hostile: Hostile) -> None:
    problems = scan(hostile.outputs)
    flat = [p for ps in problems.values() for p in ps]
    assert not flat, "\n".join(flat[:40])
    assert problems.keys() == hostile.outputs.keys()      # every output scanned
    assert hostile.culprits >= len(ATOMS) - 1           # a package culprit per failing atom


def test_the_atoms_did_reach_the_outputs(hostile: Hostile) -> None:
    """The scan is only worth something if the hostile text got there, defused: spot checks."""
    md = hostile.outputs["report.md"]
    assert "@" + ZW + "org/team" in md
    assert "[REDACTED]" in md and TOKEN_TEXT not in md
    assert "javascript" + ZW in md
    assert "&lt;/details&gt;" in md
    assert "<" + ZW + "/details>" in md                 # inside a log tail's fence
    assert "L" * 10_000 in md                           # a long line in a log tail, kept in its fence
    comment = hostile.outputs["comment.md"]
    assert "regression" in comment
    urls = [v for k, v in hostile.outputs.items() if k.startswith("upstream-url") and "/numpy/numpy/" in v]
    assert len(urls) == 1 and urls[0].startswith("https://github.com/numpy/numpy/issues/new?title=numpy")
    assert len(urls[0]) <= 8000 and "REDACTED" in urls[0] and "%E2%80%AE" not in urls[0]      # no U+202E


# -- hostile baselines -------------------------------------------------------------------------

def _digest_line(payload: bytes, name: str = NAME) -> str:
    return f"[rodeo-digest-{name}]: data:application/gzip;base64,{base64.b64encode(payload).decode()}"


def _baselines(root: Path) -> Iterator[tuple[str, Path, str]]:
    """(what, file, the note it must give)."""
    good = json.dumps(hostile_baseline())
    cases: list[tuple[str, str, bytes | Callable[[Path], None], str]] = [
        ("truncated", "trunc.json", good[: len(good) // 2].encode(), "not JSON, or cut short"),
        ("gigantic (sparse, 1 GiB)", "huge.json", _sparse("huge.json", 2**30), "1,073,741,824 bytes, more than"),
        ("wrong schema", "schema.json", json.dumps({"kind": "something-else", "cells": [1, 2]}).encode(),
         "JSON, but not a rodeo baseline"),
        ("nested 100,000 deep", "deep.json", b'{"cells": ' + _nested(100_000) + b"}", "not JSON, or cut short"),
        ("a FIFO", "fifo.json", lambda p: os.mkfifo(p), "not a regular file"),
        ("/dev/zero", "zero.json", lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
        ("a folder", "folder.json", lambda p: p.mkdir(), "not a regular file"),
        ("a README with forged digests", "README.md", "\n".join([
            "# x", _digest_line(b"not gzip at all"),
            _digest_line(gzip.compress(b"\0" * 60_000_000)),                      # a gzip bomb
            _digest_line(gzip.compress(b"[" * 100_000)),
            _digest_line(gzip.compress(json.dumps({"kind": "rodeo-baseline", "name": "other"}).encode())),
            _digest_line(gzip.compress(json.dumps({"kind": "rodeo-baseline", "name": NAME}).encode()), "other"),
            "[rodeo-digest-hostile]: data:application/gzip;base64," + "A" * 300_000,
        ]).encode(), "holds no digest of this rodeo"),
        ("a markdown file of 30 MB", "big.md", b"# x\n" + b"y" * 30_000_000, "bytes of markdown, more than"),
    ]
    for what, name, content, note in cases:
        path = root / name
        if callable(content):
            content(root if name == "huge.json" else path)
        else:
            path.write_bytes(content)
        yield what, path, note


def test_a_hostile_baseline_is_a_note_and_the_report_still_renders(tmp_path: Path) -> None:
    results = tmp_path / "results"
    (results / "good").mkdir(parents=True)
    for cid, status in GOOD.items():
        (results / "good" / f"{cid}.json").write_text(json.dumps(result(cid, status)))
    (tmp_path / "rodeo.yml").write_text(CONFIG)
    for what, path, note in _baselines(tmp_path):
        cli = run_cli(["report", "--config", "rodeo.yml", "--results", "results", "--baseline", str(path),
                       "--markdown", "report.md", "--json", "report.json"], tmp_path)
        assert cli.code == 0, (what, cli.err)
        assert "Traceback" not in cli.out + cli.err, what
        assert cli.maxrss < MEMORY_LIMIT, (what, cli.maxrss)
        md = (tmp_path / "report.md").read_text()
        assert note in md, (what, [line for line in md.splitlines() if "baseline" in line])
        assert json.loads((tmp_path / "report.json").read_text())["cells"].keys() >= set(PLANNED), what


NUMBERS = {"nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
SECURITY_MD = ROOT / "docs" / "security.md"


def _stated(pattern: str) -> int:
    """The figure docs/security.md states where ``pattern`` (one group) matches."""
    m = re.search(pattern, SECURITY_MD.read_text(encoding="utf-8"))
    assert m is not None, f"docs/security.md no longer says {pattern!r}"
    figure = m.group(1).replace(",", "").lower()
    return NUMBERS[figure] if figure in NUMBERS else int(figure)


def test_the_counts(hostile: Hostile, tmp_path: Path) -> None:
    """The figures docs/security.md publishes for this test are the ones it counts: hostile artifacts,
    hostile fields (each atom in every free-text field of two results, and in the baseline's history of
    its cell), outputs scanned and hostile baselines."""
    assert len({a.what for a in hostile.artifacts}) == len(hostile.artifacts)     # each a different case
    counted = {
        "artifacts": len(hostile.artifacts),
        "fields": len(ATOMS) * (len(FIELDS) + len(BASELINE_FIELDS)),
        "outputs": len(scan(hostile.outputs)),
        "baselines": sum(1 for _ in _baselines(tmp_path)),
    }
    stated = {
        "artifacts": _stated(r"\| hostile artifact \((\d+)\) \|"),
        "fields": _stated(r"\*\*([\d,]+) hostile fields\*\*"),
        "outputs": _stated(r"\*\*([\d,]+) outputs\*\* scanned"),
        "baselines": _stated(r"(\w+)\s+hostile `--baseline` files"),
    }
    assert counted == stated


def test_the_scanner_catches_what_it_looks_for() -> None:
    """Each rule of the scan, shown failing on the escape it is there for (else 0 escapes means nothing)."""
    bad = {
        "a live @mention": "hello @org/team",
        "javascript:": "[x](javascript:alert(1))",
        "a token": "ghp_" + "a" * 36,
        "a bidi control": "a\u202eb",
        "a control character": "a\x07b",
        "rodeo markers": "<!-- rodeo:start id=x -->",
        "digest lines": "\n[rodeo-digest]: data:application/gzip;base64,AAAA\n",
        "a </details> inside a line": "<details><summary>x</summary>\n\ntext </details>",
        "<details> left open": "<details><summary>x</summary>\n",
        "raw HTML": "<img src=x onerror=alert(1)>",
        "a details/summary tag inside a code fence": "```\n</details>\n```",
    }
    for what, text in bad.items():
        found = markdown_problems("x", text, 0, 0)
        assert any(what in p for p in found), (what, found)
    assert markdown_problems("x", "```\n@org/team javascript:x\n```\n@\u200borg", 0, 0) == []   # inert ones
    assert title_problems("t", "fails for @org and #12")
    assert title_problems("t", f"fails for @{ZW}org and #{ZW}12")                     # invisible
    assert title_problems("t", "fails for `@org` and `#12`") == []
    assert title_problems("t", "fails for `@org and #12")                                # a span left open
    assert svg_problems("s", '<svg xmlns="http://www.w3.org/2000/svg"><a href="x"><text>ghp_'
                        + "a" * 36 + "</text></a></svg>")
    assert plain_problems("p", "\x1b[31mred")
