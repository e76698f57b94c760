#!/usr/bin/env python3
"""Capture the corpus of real failure logs for pip, uv, poetry, pdm, pipenv, hatch and apt.

    python tests/corpus/capture.py [--only NAME] [-j N] [--workdir DIR] [--list]

Every log is produced for real on this machine, through the CLI exactly as a user runs it:
for each scenario a small ``rodeo.yml`` is written into a fresh folder and
``python -m rodeo_action run --cell <manager>-all-<os>-py<X.Y> --config rodeo.yml --output OUT``
runs it; ``OUT/<cell>.log`` is then copied to ``tests/corpus/logs/<manager>/<slug>.log`` under a
header saying what the failure is (the expected cause, written here by a person, not by the
classifier):

    #@ manager: pip
    #@ phase: install
    #@ kind: missing-system-library
    #@ package: rodeo-needs-geos
    #@ summary-contains: geos_c.h
    #@ source: captured on this machine by tests/corpus/capture.py on DATE (pip X, Python X, Debian 12)
    #@ ---
    <the log as rodeo wrote it>

A log is written only when the cell failed in the expected phase; anything else is reported and
the old log (if any) is kept. ``--only`` takes a manager (``pdm``), a slug (``conflict``) or
``manager/slug``; it may be repeated.

The packages that must misbehave are built here, deterministically, from ``tests/corpus/fixtures``
with ``python -m build`` (pinned build, setuptools, wheel in a venv of their own):

- sdists whose C extension needs something this machine lacks: ``geos_c.h`` (rodeo-needs-geos),
  ``-lproj`` (rodeo-needs-proj-lib), ``gdal-config`` (rodeo-needs-gdal-config), ``pkg-config hdf5``
  (rodeo-needs-hdf5-pc); one with a plain syntax error (rodeo-broken-c);
- a binary wheel linked against ``libnosuch.so.1``, a library built only for the link and then
  thrown away (rodeo-needs-libnosuch); a pure wheel loading ``libgeos_c.so.1`` with ctypes
  (rodeo-ctypes-geos); a pure wheel importing ``yaml`` without declaring PyYAML (rodeo-forgets-dep).

They are installed as ``name @ file:///...``. The other scenarios use real PyPI packages:
``six==99.0`` (no such version), ``pywin32`` (Windows wheels only), ``tensorflow-io-gcs-filesystem
==0.23.1`` (wheels for CPython 3.7-3.10 only, Requires-Python <3.11), ``requests==2.31.0`` +
``urllib3==1.20`` (requests 2.31.0 needs urllib3>=1.21.1).

The host's pip configuration is switched off (``PIP_CONFIG_FILE=/dev/null``, no ``PIP_INDEX_URL``/
``PIP_EXTRA_INDEX_URL``/``PIP_FIND_LINKS``), so every manager reads the real PyPI. Managers not on
PATH are bootstrapped by rodeo itself (``~/.cache/rodeo/tools``, or ``$RODEO_CACHE_DIR/tools``).
pdm is special: the latest pdm from PyPI with hishel 2.x crashes inside PDM on every lock, which
is captured as ``pdm/manager-broken-hishel`` with rodeo's own bootstrapped pdm; every other pdm
scenario runs a pdm of the same version with ``hishel<2``, put first on PATH, so that the log shows
the scenario's failure and not PDM's. apt needs Debian/Ubuntu and root (or password-less sudo).

Conventions and known hard cases in the expected causes:

- conflict: ``package`` is the requirement that cannot be met (requests, whose urllib3>=1.21.1
  clashes with the pin), ``summary-contains`` the other side (urllib3).
- pipenv hides pip's network errors: with an unreachable index its log says only "No matching
  distribution found for six" (the host appears only in the Pipfile that rodeo echoes), so
  pipenv/network-* are ``network`` by construction but hard to tell from the log alone.
- the import-phase logs end with the probe's verdicts, appended and marked: rodeo keeps them in
  ``<cell>.json`` (``imports``), not in ``<cell>.log``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "fixtures"
LOGS = HERE / "logs"
sys.path.insert(0, str(ROOT))

from rodeo_action.config import host_os_label, host_python  # noqa: E402

PYPI = ("pip", "uv", "poetry", "pdm", "pipenv", "hatch")
MANAGERS = (*PYPI, "apt")
BUILD_TOOLS = ("build==1.6.1", "setuptools==84.2.1", "wheel==0.48.0")
# PDM 2.29.4 with hishel 2.x: "module 'hishel' has no attribute 'SyncSqliteStorage'" on every lock.
PDM_WORKING = ("pdm==2.29.4", "hishel<2")
SDISTS = ("rodeo-needs-geos", "rodeo-needs-proj-lib", "rodeo-needs-gdal-config", "rodeo-needs-hdf5-pc",
          "rodeo-broken-c")
WHEELS = ("rodeo-needs-libnosuch", "rodeo-ctypes-geos", "rodeo-forgets-dep")
CAPTURE_TIMEOUT = 900


@dataclass(frozen=True)
class Scenario:
    slug: str
    managers: tuple[str, ...]
    config: Callable[[dict[str, str]], str]   # artifacts (name -> file URL) -> the rodeo.yml body
    phase: str
    kind: str
    package: str
    summary: str                               # summary-contains
    what: str                                  # one line for --list
    pdm: str = "working"                       # "working": PDM_WORKING first on PATH; "bootstrap": rodeo's own
    summary_for: tuple[tuple[str, str], ...] = ()   # (manager, summary-contains) where the log words it otherwise

    def summary_of(self, manager: str) -> str:
        return dict(self.summary_for).get(manager, self.summary)


def packages(*lines: str) -> Callable[[dict[str, str]], str]:
    body = "packages:\n" + "".join(f"  - {line}\n" for line in lines)
    return lambda _artifacts: body


def artifact(name: str, extra: str = "") -> Callable[[dict[str, str]], str]:
    return lambda artifacts: f'packages:\n  - "{name} @ {artifacts[name]}"\n{extra}'


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("missing-version", PYPI, packages('"six==99.0"'), "install", "no-matching-distribution",
             "six", "six", "six==99.0: a version that does not exist"),
    Scenario("no-wheel-platform", PYPI, packages("pywin32"), "install", "no-matching-distribution",
             "pywin32", "pywin32", "pywin32: only Windows wheels, no sdist"),
    Scenario("no-wheel-python", PYPI, packages('"tensorflow-io-gcs-filesystem==0.23.1"'), "install",
             "no-matching-distribution", "tensorflow-io-gcs-filesystem", "tensorflow-io-gcs-filesystem",
             "wheels for CPython 3.7-3.10 only (Requires-Python <3.11)"),
    Scenario("conflict", PYPI, packages('"requests==2.31.0"', '"urllib3==1.20"'), "install", "conflict",
             "requests", "urllib3", "requests 2.31.0 needs urllib3>=1.21.1, urllib3==1.20 pinned"),
    Scenario("missing-header", PYPI, artifact("rodeo-needs-geos"), "install", "missing-system-library",
             "rodeo-needs-geos", "geos_c", "sdist: C extension includes geos_c.h (absent)"),
    Scenario("missing-library", PYPI, artifact("rodeo-needs-proj-lib"), "install", "missing-system-library",
             "rodeo-needs-proj-lib", "proj", "sdist: C extension links -lproj (absent)"),
    Scenario("missing-tool-config", PYPI, artifact("rodeo-needs-gdal-config"), "install",
             "missing-system-library", "rodeo-needs-gdal-config", "gdal-config",
             "sdist: setup.py runs gdal-config (absent)"),
    Scenario("missing-tool-pkgconfig", PYPI, artifact("rodeo-needs-hdf5-pc"), "install",
             "missing-system-library", "rodeo-needs-hdf5-pc", "hdf5",
             "sdist: setup.py runs pkg-config --cflags hdf5 (unknown to pkg-config)"),
    Scenario("compile-error", PYPI, artifact("rodeo-broken-c"), "install", "build-failed", "rodeo-broken-c",
             "broken", "sdist: C extension with a syntax error"),
    Scenario("import-missing-sharedlib", PYPI, artifact("rodeo-needs-libnosuch"), "import",
             "missing-system-library", "rodeo-needs-libnosuch", "libnosuch",
             "wheel: extension linked to libnosuch.so.1 (absent at import)"),
    Scenario("import-ctypes-sharedlib", PYPI, artifact("rodeo-ctypes-geos"), "import", "missing-system-library",
             "rodeo-ctypes-geos", "libgeos_c", "wheel: ctypes.CDLL('libgeos_c.so.1') at import"),
    Scenario("import-missing-module", PYPI, artifact("rodeo-forgets-dep"), "import", "import-error",
             "rodeo-forgets-dep", "yaml", "wheel: imports yaml without declaring PyYAML"),
    Scenario("network-closed-port", PYPI,
             lambda _a: "packages: [six]\nindex-url: http://127.0.0.1:9/simple/\n", "install", "network", "",
             "127.0.0.1", "index on a closed port (127.0.0.1:9)",
             summary_for=(("pdm", "refused"),)),   # pdm prints "[ConnectError]: [Errno 111] Connection refused" only
    Scenario("network-unresolvable-host", PYPI,
             lambda _a: "packages: [six]\nindex-url: https://nosuchhost.invalid/simple/\n", "install", "network",
             "", "nosuchhost.invalid", "index on a host that does not resolve",
             summary_for=(("pdm", "not known"),)),   # pdm: "[ConnectError]: [Errno -2] Name or service not known"
    Scenario("manager-broken-hishel", ("pdm",), packages("six"), "install", "manager-broken", "pdm", "hishel",
             "latest pdm from PyPI with hishel 2.x crashes on lock", pdm="bootstrap"),
    Scenario("not-packaged", ("apt",),
             lambda _a: "packages:\n  - name: nosuchpkg\n    names: {apt: python3-nosuchpkg}\n", "install",
             "not-packaged", "python3-nosuchpkg", "python3-nosuchpkg",
             "apt: python3-nosuchpkg does not exist"),
    Scenario("not-packaged-docrep", ("apt",), packages("six", "docrep"), "install", "not-packaged",
             "python3-docrep", "python3-docrep", "apt: docrep has no Debian package (python3-docrep)"),
    Scenario("import-wrong-name", ("apt",), lambda _a: "packages:\n  - name: six\n    import: [sixx]\n", "import",
             "import-error", "six", "sixx", "apt: python3-six installed, 'import sixx' fails"),
    Scenario("test-failed", ("pip", "uv", "hatch", "apt"),
             lambda _a: ("packages: [six]\ntest: python -c \"import six, sys; sys.exit('six ' + six.__version__ "
                         "+ ' has no six.moves.tkinter_ttk2')\"\n"),
             "test", "test-failed", "", "tkinter_ttk2", "installs and imports; the `test:` command fails"),
    Scenario("missing-local-file", ("pip", "uv", "hatch"),
             packages('"six @ file:///nonexistent/rodeo/six-1.17.0.tar.gz"'), "install", "unknown", "",
             "nonexistent", "a requirement pointing at a local file that does not exist"),
)


# ------------------------------------------------------------------------------ building the fixtures


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise SystemExit(f"capture: {' '.join(map(str, argv))} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc  # type: ignore[no-any-return]


def venv_with(home: Path, requirements: tuple[str, ...], env: dict[str, str]) -> Path:
    """A venv at ``home`` holding ``requirements`` (kept while the list is unchanged)."""
    python = home / "bin" / "python"
    stamp = home / ".capture-installed"
    wanted = "\n".join(requirements)
    if stamp.exists() and stamp.read_text() == wanted and python.exists():
        return python
    shutil.rmtree(home, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(home)], env=env)
    run([str(python), "-m", "pip", "install", "--quiet", *requirements], env=env)
    stamp.write_text(wanted)
    return python


def build(python: Path, name: str, kind: str, dist: Path, env: dict[str, str]) -> None:
    """``python -m build KIND`` of a copy of fixtures/NAME, so fixtures/ stays free of build/ and *.egg-info.

    The copy is always at the same place (compilers record source paths), so a rebuild holds the
    same files; archives still differ in their timestamps.
    """
    src = dist.parent / "src" / name
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(FIXTURES / name, src)
    run([str(python), "-m", "build", kind, "--no-isolation", "--outdir", str(dist), str(src)], env=env)


def build_artifacts(work: Path, env: dict[str, str]) -> dict[str, str]:
    """Build every fixture into ``work/dist``; name -> file URL."""
    python = venv_with(work / "buildenv", BUILD_TOOLS, env)
    dist = work / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    out: dict[str, str] = {}
    build_env = {**env, "SOURCE_DATE_EPOCH": "1764028800"}   # 2025-11-25: reproducible archives
    for name in SDISTS:
        build(python, name, "--sdist", dist, build_env)
    # libnosuch.so.1 exists only while rodeo-needs-libnosuch is linked: the wheel needs it, no machine has it
    libdir = work / "libnosuch"
    shutil.rmtree(libdir, ignore_errors=True)
    libdir.mkdir()
    run(["cc", "-shared", "-fPIC", "-Wl,-soname,libnosuch.so.1", "-o", str(libdir / "libnosuch.so.1"),
         str(FIXTURES / "libnosuch" / "nosuch.c")])
    (libdir / "libnosuch.so").symlink_to("libnosuch.so.1")
    try:
        for name in WHEELS:
            build(python, name, "--wheel", dist, {**build_env, "RODEO_NOSUCH_LIBDIR": str(libdir)})
    finally:
        shutil.rmtree(libdir, ignore_errors=True)
    for path in sorted(dist.iterdir()):
        stem = path.name.split("-")[0].replace("_", "-")
        out[stem] = path.as_uri()
    missing = set(SDISTS + WHEELS) - set(out)
    if missing:
        raise SystemExit(f"capture: not built: {', '.join(sorted(missing))}")
    return out


# ------------------------------------------------------------------------------ running one scenario


@dataclass
class Outcome:
    manager: str
    slug: str
    ok: bool
    detail: str
    observed: dict[str, object] = field(default_factory=dict)


def snapshot(rev: str, work: Path) -> Path:
    """``rodeo_action`` as committed at ``rev``, unpacked under ``work`` (for when the tree is mid-edit)."""
    dest = work / "rodeo-src"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "rodeo_action", "matrix",
                              "templates"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def base_env(src: Path = ROOT) -> dict[str, str]:
    drop = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GITHUB_") and not (k.startswith("RODEO_") and k != "RODEO_CACHE_DIR") and k not in drop}
    env["PIP_CONFIG_FILE"] = os.devnull   # the host's pip.conf points at local file:// indexes
    env["PYTHONPATH"] = str(src)
    return env


def os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return host_os_label()
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    name = fields.get("NAME", "").strip('"').split()[0] if fields.get("NAME") else host_os_label()
    return f"{name} {fields.get('VERSION_ID', '').strip(chr(34))}".strip()


def short_version(manager: str, line: str) -> str:
    match = re.search(r"\d+(?:\.\d+)+[\w.+-]*", line or "")
    return f"{manager} {match.group(0)}" if match else f"{manager} {line or 'unknown'}"


def cell_python_version(manager: str) -> str:
    """The full version of the interpreter the cell used, when the cell failed before rodeo probed it."""
    from rodeo_action import host

    facts = host.find_python(host_python())
    python = "/usr/bin/python3" if manager == "apt" else (facts.path if facts else None)
    if python:
        proc = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                              capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            return proc.stdout.strip()
    return host_python()


def hishel_version(log: str) -> str:
    """The hishel beside the pdm the cell ran (named on the log's "# pdm: ..." line)."""
    match = re.search(r"^# pdm: .*\((/\S+)/pdm\)", log, re.MULTILINE)
    if match:
        proc = subprocess.run([f"{match.group(1)}/python", "-c",
                               "import importlib.metadata as m; print(m.version('hishel'))"],
                              capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            return proc.stdout.strip()
    return "unknown"


def header(scenario: Scenario, manager: str, result: dict[str, object], log: str) -> str:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    tool = short_version(manager, str(result.get("manager_version") or ""))
    python = result.get("python_version") or cell_python_version(manager)
    if manager == "pdm":
        tool += f" with hishel {hishel_version(log)}"
    source = (f"captured on this machine by tests/corpus/capture.py on {today} "
              f"({tool}, Python {python}, {os_name()})")
    lines = [f"manager: {manager}", f"phase: {scenario.phase}", f"kind: {scenario.kind}",
             f"package: {scenario.package}", f"summary-contains: {scenario.summary_of(manager)}",
             f"source: {source}", "---"]
    return "".join(f"#@ {line}\n" for line in lines)


def capture(manager: str, scenario: Scenario, artifacts: dict[str, str], env: dict[str, str],
            pdm_bin: Path | None, keep: bool) -> Outcome:
    cell = f"{manager}-all-{host_os_label()}-py{host_python()}"
    folder = Path(tempfile.mkdtemp(prefix=f"rodeo-corpus-{manager}-{scenario.slug}-"))
    try:
        config = (f"managers: [{manager}]\npython: [\"{host_python()}\"]\nos: [{host_os_label()}]\nretries: 0\n"
                  + scenario.config(artifacts))
        (folder / "rodeo.yml").write_text(config, encoding="utf-8")
        cell_env = dict(env)
        if manager == "pdm" and scenario.pdm == "working":
            assert pdm_bin is not None
            cell_env["PATH"] = os.pathsep.join([str(pdm_bin), env.get("PATH", os.defpath)])
        proc = subprocess.run([sys.executable, "-m", "rodeo_action", "run", "--cell", cell, "--config", "rodeo.yml",
                               "--output", "out"], cwd=folder, env=cell_env, capture_output=True, text=True,
                              timeout=CAPTURE_TIMEOUT)
        result_file, log_file = folder / "out" / f"{cell}.json", folder / "out" / f"{cell}.log"
        if proc.returncode != 0 or not result_file.exists():
            detail = f"rodeo exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
            return Outcome(manager, scenario.slug, False, detail)
        result = json.loads(result_file.read_text(encoding="utf-8"))
        observed = {"status": result.get("status"), "phase": result.get("phase"), "cause": result.get("cause")}
        if (result.get("status"), result.get("phase")) != ("fail", scenario.phase):
            return Outcome(manager, scenario.slug, False,
                           f"expected fail in {scenario.phase}, got {result.get('status')} in {result.get('phase')}",
                           observed)
        target = LOGS / manager / f"{scenario.slug}.log"
        target.parent.mkdir(parents=True, exist_ok=True)
        log = log_file.read_text(encoding="utf-8", errors="replace")
        failed = {m: v for m, v in (result.get("imports") or {}).items() if v != "ok"}
        already = all(f"\n{m}: {v}\n" in log for m, v in failed.items())
        if scenario.phase == "import" and failed and not already:
            # older runners kept the probe's verdicts in <cell>.json only; they are what the runner
            # classifies for the import phase, so they are appended, marked, in the runner's own "m: v" form
            if not log.endswith("\n"):
                log += "\n"
            log += f"# rodeo import probe verdicts (from {cell}.json \"imports\"; appended by capture.py):\n"
            log += "".join(f"{m}: {v}\n" for m, v in failed.items())
        target.write_text(header(scenario, manager, result, log) + log, encoding="utf-8")
        return Outcome(manager, scenario.slug, True, str(target.relative_to(ROOT)), observed)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------ main


def selected(only: list[str]) -> list[tuple[str, Scenario]]:
    pairs = [(m, s) for s in SCENARIOS for m in s.managers]
    if not only:
        return pairs
    keep = []
    for manager, scenario in pairs:
        names = {manager, scenario.slug, f"{manager}/{scenario.slug}"}
        if names & set(only):
            keep.append((manager, scenario))
    return keep


def apt_usable() -> bool:
    if shutil.which("apt-get") is None or not host_os_label().startswith(("debian", "ubuntu")):
        return False
    if os.geteuid() == 0:
        return True
    sudo = shutil.which("sudo")
    if sudo is None:
        return False
    return subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode == 0



T = TypeVar("T")


def run_all(items: list[T], one: Callable[[T], None], jobs: int, apt: Callable[[T], bool]) -> None:
    """``one`` on every item, ``jobs`` at a time; apt changes the machine's package state, so its items
    run one after another (in one worker), alongside the rest. Shared by ``wild.py``."""
    serial = [item for item in items if apt(item)]

    def in_turn() -> None:
        for item in serial:
            one(item)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(in_turn)] if serial else []
        futures += [pool.submit(one, item) for item in items if not apt(item)]
        for future in futures:
            future.result()

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="a manager, a slug or manager/slug (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=4, help="cells at once (default 4)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "rodeo-corpus",
                        help="where the fixtures are built and the tool venvs kept")
    parser.add_argument("--keep", action="store_true", help="keep each cell's folder (printed on failure)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--rodeo-rev", metavar="REV",
                        help="run rodeo_action as committed at REV (git archive) instead of the working tree")
    args = parser.parse_args(argv)

    pairs = selected(args.only)
    if args.list:
        for manager, scenario in pairs:
            print(f"{manager:7} {scenario.slug:27} {scenario.kind:25} {scenario.what}")
        return 0
    if not pairs:
        print(f"capture: nothing matches {args.only}", file=sys.stderr)
        return 2
    if any(m == "apt" for m, _ in pairs) and not apt_usable():
        print("capture: apt needs Debian/Ubuntu and root or password-less sudo: skipping apt", file=sys.stderr)
        pairs = [(m, s) for m, s in pairs if m != "apt"]

    args.workdir.mkdir(parents=True, exist_ok=True)
    env = base_env(snapshot(args.rodeo_rev, args.workdir) if args.rodeo_rev else ROOT)
    print(f"capture: building fixtures in {args.workdir}", flush=True)
    artifacts = build_artifacts(args.workdir, env)
    pdm_bin = None
    if any(m == "pdm" and s.pdm == "working" for m, s in pairs):
        print(f"capture: a working pdm ({' '.join(PDM_WORKING)})", flush=True)
        pdm_bin = venv_with(args.workdir / "pdm-working", PDM_WORKING, env).parent

    lock = threading.Lock()
    outcomes: list[Outcome] = []

    def one(pair: tuple[str, Scenario]) -> None:
        manager, scenario = pair
        try:
            outcome = capture(manager, scenario, artifacts, env, pdm_bin, args.keep)
        except subprocess.TimeoutExpired:
            outcome = Outcome(manager, scenario.slug, False, f"timed out after {CAPTURE_TIMEOUT}s")
        with lock:
            outcomes.append(outcome)
            mark = "ok  " if outcome.ok else "MISS"
            cause = outcome.observed.get("cause") or {}
            seen = f"  [rodeo said: {cause.get('kind')}, {cause.get('package')}]" if isinstance(cause, dict) else ""
            print(f"{mark} {manager}/{scenario.slug}: {outcome.detail}{seen}", flush=True)

    run_all(pairs, one, args.jobs, lambda p: p[0] == "apt")
    failed = [o for o in outcomes if not o.ok]
    print(f"capture: {len(outcomes) - len(failed)}/{len(outcomes)} logs written under {LOGS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
