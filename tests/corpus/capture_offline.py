# ruff: noqa: E501  -- the fixtures hold log lines verbatim, as long as the tools print them
"""Corpus logs for the managers whose channels this machine cannot reach (issue 3).

conda, mamba, micromamba, pixi, nix, mach-nix, poetry2nix, uv2nix and spack cannot fetch here, but
part of their machinery runs offline and prints its real messages. This script reproduces what it
can and writes ``tests/corpus/logs/<manager>/<slug>.log`` (a ``#@`` header, then the log):

captured (real output of a real tool, run by this script):
  * ``rodeo local`` itself on nix, mach-nix, poetry2nix and uv2nix: their pinned expressions fetch
    nixpkgs/GitHub, which fails here -> the exact production log of a ``network`` failure.
  * ``nix-build`` (Debian's nix-bin) on small LOCAL expressions, through rodeo's own step runner so
    the log reads like production: a missing attribute in a withPackages-style list (not-packaged),
    a builder that really runs ``cc`` on a file including an absent header (missing-system-library),
    one whose ``cc`` fails on a real compile error (build-failed), and an expression using syntax a
    newer Nix introduced (the ``|>`` pipe operator, Nix >= 2.24) that this Nix cannot parse. The last
    is what happens when a pinned upstream expression (nixpkgs, poetry2nix, uv2nix) needs a newer Nix
    than the runner has: the user cannot fix it in the package set, the manager stack itself is
    broken for them, so it is ``manager-broken`` (``unknown`` would hide an actionable verdict:
    upgrade Nix / the pin). NIX_CONFIG="substituters =" keeps nix from asking cache.nixos.org
    (unreachable here) about paths it builds locally, noise a CI runner would not print.
  * py-rattler (the solver pixi is built on) against a conda channel written into a temp dir: a
    package that does not exist, an unsatisfiable pair; and against conda-forge, unreachable here.
    pixi prints rattler's error under its own "failed to solve the conda requirements of" context
    (prefix-dev/pixi src/lock_file/update.rs), rendered by miette; those wrapper lines are composed.
  * ``poetry lock`` (Poetry 1.8, the Poetry of poetry2nix's pinned nixpkgs) and ``uv lock`` run
    directly on the pyproject.toml the poetry2nix/uv2nix recipes write (rodeo's own renderers), with
    a nonexistent version and an unsatisfiable pair. In production they run inside ``nix-shell lock.nix``;
    the recipe's command line is shown, the nix-shell's own output (fetching the tool) is not.

  * ``nix-build``/``nix-shell`` fetching from local HTTP servers standing in for github.com (``--only
    pins``): the seed's poetry2nix tag that never existed (404), a nixpkgs revision that does not
    exist, and mach-nix's interpreter lookup for a Python its nixpkgs lacks (issue 18).
fixtures (composed here in each tool's documented format, citing where the format is defined):
  conda's PackagesNotFoundError/UnsatisfiableError/CondaHTTPError, libmamba's problem trees (mamba,
  micromamba, conda's libmamba solver), spack's UnknownPackageError/concretization/build errors,
  mach-nix's resolver report, poetry2nix's missing build-system case, and import-phase verdicts.

Usage: python tests/corpus/capture_offline.py [--only captured|fixtures|pins]
Needs: nix-build, a scratch venv with py-rattler, poetry<1.9 and uv (``SCRATCH`` below, made on
first use with pip from PyPI), Python 3.12 for the lockers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rodeo_action.managers import condafamily, pixi, poetry2nix, spack, uv2nix  # noqa: E402
from rodeo_action.managers.base import CellSpec, Target  # noqa: E402
from rodeo_action.run.celllog import CellLog  # noqa: E402
from rodeo_action.run.supervise import execute  # noqa: E402

LOGS = Path(__file__).resolve().parent / "logs"
TODAY = datetime.date.today().isoformat()
SCRATCH = Path(os.environ.get("RODEO_CORPUS_SCRATCH", "/tmp/rodeo-corpus-scratch"))


def _python312() -> str:
    """A Python 3.12 that really runs (pyenv's shim on PATH may not), for the lockers' project."""
    candidates = [os.environ.get("RODEO_CORPUS_PY312"), *sorted(map(str, Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))),
                  shutil.which("python3.12")]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
        if probe.returncode == 0:
            return probe.stdout.strip()
    raise SystemExit("no working Python 3.12 found; set RODEO_CORPUS_PY312")


PY312 = _python312()
TARGET = Target.for_label("ubuntu-latest")
WORK_SUFFIX = "q7c2m0xk"   # fixed so re-runs write the same paths


# ----------------------------------------------------------------------------------------------
# writing
def write_log(manager: str, slug: str, *, kind: str, package: str, contains: str, source: str, body: str,
              phase: str = "install") -> None:
    head = [f"#@ manager: {manager}", f"#@ phase: {phase}", f"#@ kind: {kind}", f"#@ package: {package}",
            f"#@ summary-contains: {contains}", f"#@ source: {source}", "#@ ---"]
    out = LOGS / manager / f"{slug}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(head) + "\n" + body.rstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}  [{kind}]")


def cell_id(manager: str) -> str:
    return f"{manager}-all-ubuntu-latest-py3.12"


def workdir(manager: str) -> str:
    return f"/tmp/rodeo-{cell_id(manager)}-{WORK_SUFFIX}"


def spec_for(manager: str, requirements: tuple[str, ...], tool: str) -> CellSpec:
    return CellSpec(cell_id=cell_id(manager), python="3.12", target=TARGET, packages=(), requirements=requirements,
                    workdir=workdir(manager), tool=tool)


def preamble(manager: str, packages: str, version_line: str) -> str:
    return (f"# rodeo cell {cell_id(manager)}: {manager} installing {packages} on ubuntu-latest with Python 3.12\n"
            f"# {manager}: {version_line}\n")


def steps_text(recipe_steps, until_phase_step: int) -> str:
    """The ``$ ...`` lines rodeo prints for the recipe's steps, up to and including the failing one."""
    return "".join(f"$ {s.shell()}\n" for s in recipe_steps[:until_phase_step + 1])


# ----------------------------------------------------------------------------------------------
# captured: rodeo local on the nix family (network)
def capture_rodeo_local_network() -> None:
    with tempfile.TemporaryDirectory(prefix="rodeo-corpus-") as tmp:
        cfg = Path(tmp) / "rodeo.yml"
        cfg.write_text(textwrap.dedent("""\
            packages: [xarray]
            managers: [nix, mach-nix, poetry2nix, uv2nix]
            python: ["3.12"]
            os: [ubuntu-latest]
            timeout: 5m
            retries: 0
            """))
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "rodeo_action", "local", "--config", str(cfg), "--output", str(out),
                        "-j", "4"], cwd=tmp, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        version = subprocess.run(["nix-build", "--version"], capture_output=True, text=True).stdout.strip()
        # since issue 18 every pin is a GitHub archive at one revision (the logs in the corpus from
        # before then fetched channels.nixos.org); mach-nix has no Python 3.12 and is n/a here
        what = {"nix": ("nixpkgs' tarball at its pinned revision", "github.com"),
                "mach-nix": ("mach-nix's git tag", "github.com"),
                "poetry2nix": ("the pinned nixpkgs of lock.nix (poetry)", "github.com"),
                "uv2nix": ("the pinned nixpkgs of lock.nix (uv)", "github.com")}
        for manager, (fetched, host) in what.items():
            log = out / f"{cell_id(manager)}.log"
            if not log.exists():
                print(f"skipped {manager}: rodeo local wrote no log", file=sys.stderr)
                continue
            write_log(manager, "network-fetch-pinned-source", kind="network", package="", contains=host,
                      source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} "
                             f"({version}): `rodeo local` fetching {fetched} with no network",
                      body=log.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------------
# captured: nix-build on local expressions, through rodeo's own step runner
NIX_CASES = {
    "not-packaged-missing-attribute": dict(
        kind="not-packaged", package="nosuchpkg", contains="nosuchpkg", packages="xarray nosuchpkg",
        what="a withPackages-style list naming an attribute the package set lacks",
        expr="""\
        # Written by rodeo-action's corpus capture: the shape of templates/nix-python.nix.j2
        # (python312.withPackages (ps: [ ... ])) over a small LOCAL package set instead of nixpkgs.
        let
          pkg = name: derivation {
            inherit name; system = builtins.currentSystem; builder = "/bin/sh";
            args = [ "-c" "echo ${name} > $out" ];
          };
          python312 = {
            pkgs = { numpy = pkg "python3.12-numpy-2.1.3"; xarray = pkg "python3.12-xarray-2024.10.0"; };
            withPackages = f: derivation {
              name = "python3-3.12.7-env"; system = builtins.currentSystem; builder = "/bin/sh";
              paths = f python312.pkgs;
              args = [ "-c" "echo $paths > $out" ];
            };
          };
        in
        python312.withPackages (ps: [
          ps.xarray
          ps.nosuchpkg
        ])
        """),
    "missing-header-geos": dict(
        kind="missing-system-library", package="shapely", contains="geos_c.h", packages="shapely",
        what="a builder that really compiles a file including <geos_c.h>, absent on this machine",
        expr="""\
        # Written by rodeo-action's corpus capture: a local derivation whose builder runs the host's
        # real C compiler (the Debian nix here builds without a sandbox) on a source including GEOS.
        derivation {
          name = "python3.12-shapely-2.0.6";
          system = builtins.currentSystem;
          builder = "/bin/sh";
          src = builtins.toFile "_geos.c" "#include <geos_c.h>\\nint shapely_geos_version(void) { return GEOS_VERSION_MAJOR; }\\n";
          args = [ "-c" "PATH=/usr/bin:/bin; echo building shapely extension _geos; cc -c $src -o $out" ];
        }
        """),
    "build-failed-compile-error": dict(
        kind="build-failed", package="pyfoo", contains="pyfoo", packages="pyfoo",
        what="a builder whose real C compiler run fails on a compile error",
        expr="""\
        # Written by rodeo-action's corpus capture: a local derivation whose builder runs the host's
        # real C compiler on a source with a type error, as an old extension does on a new compiler.
        derivation {
          name = "python3.12-pyfoo-0.3.1";
          system = builtins.currentSystem;
          builder = "/bin/sh";
          src = builtins.toFile "_speedups.c" "struct buf { int n; };\\nint size(struct buf *b) { return b->len; }\\n";
          args = [ "-c" "PATH=/usr/bin:/bin; echo building pyfoo extension _speedups; cc -Werror -c $src -o $out" ];
        }
        """),
    "manager-broken-nix-too-old": dict(
        kind="manager-broken", package="", contains="syntax error", packages="xarray",
        what="an expression using the pipe operator of Nix >= 2.24, which this Nix cannot parse",
        expr="""\
        # Written by rodeo-action's corpus capture: what a pinned upstream expression written for a
        # newer Nix does on an older one. `|>` (pipe-operators) appeared in Nix 2.24.
        let
          names = [ "numpy" "xarray" ];
        in
        names |> map (n: "python3.12-${n}") |> builtins.concatStringsSep " "
        """),
}


def capture_nix_local() -> None:
    version = subprocess.run(["nix-build", "--version"], capture_output=True, text=True).stdout.strip()
    from rodeo_action.managers.base import run, write
    for slug, case in NIX_CASES.items():
        wd = Path(f"/tmp/rodeo-{cell_id('nix')}-{slug[:8]}")
        shutil.rmtree(wd, ignore_errors=True)
        wd.mkdir(parents=True)
        expr_path = str(wd / "default.nix")
        steps = (write("create", expr_path, textwrap.dedent(case["expr"])),
                 run("install", shutil.which("nix-build") or "nix-build", expr_path, "-o", str(wd / "result"),
                     cwd=str(wd)))
        logfile = wd / "cell.log"
        env = {**os.environ, "NIX_CONFIG": "substituters =", "TMPDIR": str(wd)}
        with logfile.open("w", encoding="utf-8") as fh:
            log = CellLog(fh, logfile)
            log.say(preamble("nix", case["packages"], f"{version} (/usr/bin/nix-build); python: provisioned by nix")
                    .rstrip("\n"))
            for step in steps:
                code = execute(step, env, log, time.monotonic() + 300)
                if code != 0:
                    break
        if code == 0:
            print(f"nix case {slug} unexpectedly succeeded", file=sys.stderr)
            continue
        write_log("nix", slug, kind=case["kind"], package=case["package"], contains=case["contains"],
                  source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} ({version}): "
                         f"nix-build on {case['what']}",
                  body=logfile.read_text(encoding="utf-8"))
        shutil.rmtree(wd, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# captured: a pinned source that is gone (HTTP 404), and an interpreter a nixpkgs lacks (issue 18)

# The recipe as it was before issue 18: a channel tarball, and a poetry2nix tag that never existed.
OLD_POETRY2NIX_NIX = """\
# Written by rodeo-action: poetry2nix (unmaintained upstream; a seed row), as its README documents
# (github.com/nix-community/poetry2nix, "mkPoetryEnv": projectDir, python, preferWheels; classic
# use: `import poetry2nixSource { inherit pkgs; }`). It reads ./pyproject.toml and ./poetry.lock,
# which `poetry lock` wrote. nixpkgs is a pinned channel tarball, the release poetry2nix was last
# maintained against.
# Build: nix-build default.nix -o result   ->   result/bin/python
let
  pkgs = import (builtins.fetchTarball "CHANNELS/nixos-24.11/nixexprs.tar.xz") {
    config = { };
    overlays = [ ];
  };
  poetry2nix = import (builtins.fetchTarball "GITHUB/nix-community/poetry2nix/archive/2024.11.79136.tar.gz") { inherit pkgs; };
in
poetry2nix.mkPoetryEnv {
  projectDir = ./.;
  python = pkgs.python312;
  preferWheels = true;
}
"""

MACH_NIX_PY312 = """\
# Written by rodeo-action's corpus capture: the shape of mach-nix 3.5.0's selectPythonPkg
# (mach_nix/nix/lib.nix: the `python` string names an attribute of its own pinned nixpkgs) over a
# LOCAL set holding the interpreters that nixpkgs of 2022-02 had.
let
  pkgs = { python37 = "3.7.12"; python38 = "3.8.12"; python39 = "3.9.10"; python310 = "3.10.2"; };
  selectPythonPkg = python_arg:
    pkgs."${python_arg}";
in
derivation {
  name = "mach-nix-python-env";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "echo ${selectPythonPkg "python312"} > $out" ];
}
"""


class _Upstream:
    """A local HTTP server standing in for one upstream host: it serves the tarballs it was given and
    answers everything else as GitHub's codeload does for a ref that does not exist (404, `404: Not Found`)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.get(self.path)
                self.send_response(200 if body is not None else 404)
                body = body if body is not None else b"404: Not Found"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _tarball(files: dict[str, str], mode: str = "w:gz") -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"source/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _run_steps(manager: str, packages: str, steps: tuple, wd: Path, hosts: dict[str, str]) -> str | None:
    """Run ``steps`` through rodeo's own step runner; the log with each local server's address
    replaced by the upstream host it stands for, or None when nothing failed."""
    version = subprocess.run(["nix-build", "--version"], capture_output=True, text=True).stdout.strip()
    logfile = wd / "cell.log"
    # no nixbld group here (a runner's multi-user Nix has one): build as this user, without the warning
    env = {**os.environ, "NIX_CONFIG": "substituters =\nbuild-users-group =", "TMPDIR": str(wd),
           "XDG_CACHE_HOME": str(wd / "cache")}
    code = 0
    with logfile.open("w", encoding="utf-8") as fh:
        log = CellLog(fh, logfile)
        log.say(preamble(manager, packages, f"{version} (/usr/bin/nix-build); python: provisioned by {manager}")
                .rstrip("\n"))
        for step in steps:
            code = execute(step, env, log, time.monotonic() + 300)
            if code != 0:
                break
    text = logfile.read_text(encoding="utf-8")
    for local, upstream in hosts.items():
        text = text.replace(local, upstream)
    return text if code != 0 else None


def capture_nix_pins() -> None:
    """nix-build and nix-shell (Debian's nix, for real) fetching from local servers: a pin that is gone."""
    from rodeo_action.managers.base import run, write
    from rodeo_action.managers.nixfamily import Source
    from rodeo_action.templating import render

    stub = _tarball({"default.nix": "{ config ? { }, overlays ? [ ] }: { python312 = \"python3.12\"; }\n"}, "w:xz")
    channels = _Upstream({"/nixos-24.11/nixexprs.tar.xz": stub})
    github = _Upstream({})
    hosts = {channels.url: "https://channels.nixos.org", github.url: "https://github.com"}
    version = subprocess.run(["nix-build", "--version"], capture_output=True, text=True).stdout.strip()
    nix_build = shutil.which("nix-build") or "nix-build"
    nix_shell = shutil.which("nix-shell") or "nix-shell"

    wd = Path(workdir("poetry2nix") + "-pin")
    shutil.rmtree(wd, ignore_errors=True)
    wd.mkdir(parents=True)
    expr = OLD_POETRY2NIX_NIX.replace("CHANNELS", channels.url).replace("GITHUB", github.url)
    text = _run_steps("poetry2nix", "xarray", (
        write("create", str(wd / "default.nix"), expr),
        run("install", nix_build, str(wd / "default.nix"), "-o", str(wd / "result"), cwd=str(wd))), wd, hosts)
    if text is not None:
        write_log("poetry2nix", "manager-broken-pinned-tag-404", kind="manager-broken", package="",
                  contains="poetry2nix/archive/2024.11.79136.tar.gz",
                  source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} ({version}): "
                         "nix-build on the recipe's default.nix as it was before issue 18 (its poetry2nix tag "
                         "2024.11.79136 never existed), the two hosts served by local HTTP servers: the channel "
                         "by a stub nixpkgs, github.com by a server answering 404 `404: Not Found` as codeload "
                         "does for a missing ref; their addresses replaced by the real hosts in the log. The "
                         "pyproject.toml and lock steps before the build are left out",
                  body=text)
    shutil.rmtree(wd, ignore_errors=True)

    wd = Path(workdir("uv2nix") + "-pin")
    shutil.rmtree(wd, ignore_errors=True)
    wd.mkdir(parents=True)
    gone = Source(f"{github.url}/NixOS/nixpkgs/archive/{'0' * 40}.tar.gz",
                  "0ayq36r0m8aaa2sj5scr5imj8is6v3r6s17n1sa28pn6crg524hl")
    lock = render("nix-lock-shell.nix.j2", nixpkgs=gone, packages=("uv", "python312"))
    text = _run_steps("uv2nix", "xarray", (
        write("create", str(wd / "lock.nix"), lock),
        run("install", nix_shell, str(wd / "lock.nix"), "--run", "uv lock", cwd=str(wd))), wd, hosts)
    if text is not None:
        write_log("uv2nix", "manager-broken-pinned-nixpkgs-404", kind="manager-broken", package="",
                  contains="nixpkgs/archive/0000000000000000000000000000000000000000.tar.gz",
                  source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} ({version}): "
                         "nix-shell on the recipe's lock.nix with a nixpkgs revision that does not exist "
                         "(0000..., what a wrong bump of the pin does), github.com served by a local HTTP server "
                         "answering 404 `404: Not Found`; its address replaced by github.com in the log. The "
                         "pyproject.toml and default.nix steps before it are left out",
                  body=text)
    shutil.rmtree(wd, ignore_errors=True)

    wd = Path(workdir("mach-nix") + "-py312")
    shutil.rmtree(wd, ignore_errors=True)
    wd.mkdir(parents=True)
    text = _run_steps("mach-nix", "xarray", (
        write("create", str(wd / "default.nix"), MACH_NIX_PY312),
        run("install", nix_build, str(wd / "default.nix"), "-o", str(wd / "result"), cwd=str(wd))), wd, {})
    if text is not None:
        write_log("mach-nix", "not-packaged-python312", kind="not-packaged", package="",
                  contains="cannot provide Python 3.12",
                  source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} ({version}): "
                         "nix-build on a local expression of the shape of mach-nix 3.5.0's selectPythonPkg "
                         "(`pkgs.\"${python_arg}\"`) over the interpreters its nixpkgs (554d2d8a, 2022-02) had, "
                         "asked for python312: the error issue 18 quotes. In production the location is "
                         "mach-nix's own lib.nix in the store",
                  body=text)
    shutil.rmtree(wd, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# scratch venv with py-rattler, poetry 1.8 and uv
def scratch_python() -> Path:
    py = SCRATCH / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SCRATCH)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "py-rattler", "poetry>=1.8,<1.9", "uv"], check=True)
    return py


RATTLER_SCRIPT = r'''
import asyncio, json, pathlib, sys, rattler
root = pathlib.Path(sys.argv[1])
def rec(name, version, build, deps, subdir):
    return {"name": name, "version": version, "build": build, "build_number": 0, "depends": deps,
            "subdir": subdir, "md5": "0" * 32, "sha256": "0" * 64, "size": 1, "timestamp": 1700000000000,
            "license": "BSD-3-Clause"}
py = "python >=3.12,<3.13.0a0"
linux = {
    "python-3.12.7-hc5c86c4_0_cpython.conda": rec("python", "3.12.7", "hc5c86c4_0_cpython", [], "linux-64"),
    "numpy-2.1.3-py312h58c1407_0.conda": rec("numpy", "2.1.3", "py312h58c1407_0", [py], "linux-64"),
    "numpy-2.0.2-py312h58c1407_1.conda": rec("numpy", "2.0.2", "py312h58c1407_1", [py], "linux-64"),
    "numba-0.60.0-py312h83e6fd3_0.conda": rec("numba", "0.60.0", "py312h83e6fd3_0", [py, "numpy >=1.22.3,<2.1"], "linux-64"),
}
noarch = {"xarray-2024.10.0-pyhd8ed1ab_0.conda": rec("xarray", "2024.10.0", "pyhd8ed1ab_0", ["python >=3.10", "numpy >=1.24"], "noarch")}
for sd, pk in (("linux-64", linux), ("noarch", noarch)):
    (root / sd).mkdir(parents=True, exist_ok=True)
    (root / sd / "repodata.json").write_text(json.dumps({"info": {"subdir": sd}, "packages": {}, "packages.conda": pk}))
async def solve(sources, specs):
    try:
        await rattler.solve(sources=sources, specs=specs, platforms=["linux-64", "noarch"], virtual_packages=[])
        return "solved"
    except Exception as e:
        return str(e)
out = {
    "not-packaged": asyncio.run(solve([rattler.Channel(str(root))], ["python 3.12.*", "xarray", "xgcm-nope"])),
    "conflict": asyncio.run(solve([rattler.Channel(str(root))], ["python 3.12.*", "numpy >=2.1", "numba"])),
    "network": asyncio.run(solve(["conda-forge"], ["python 3.12.*", "xarray"])),
    "version": __import__("importlib.metadata").metadata.version("py-rattler"),
}
print(json.dumps(out))
'''


def miette(top: str, chain: list[str]) -> str:
    """An error as pixi prints it (miette's graphical handler): `Error:   × top`, then the causes."""
    lines = [f"Error:   × {top}"]
    for i, cause in enumerate(chain):
        arrow = "╰─▶" if i == len(chain) - 1 else "├─▶"
        first, *rest = cause.splitlines() or [""]
        lines.append(f"  {arrow} {first}")
        lines += [f"      {r}" for r in rest]
    return "\n".join(lines) + "\n"


def capture_pixi() -> None:
    py = scratch_python()
    with tempfile.TemporaryDirectory(prefix="rodeo-corpus-channel-") as tmp:
        res = json.loads(subprocess.run([str(py), "-c", RATTLER_SCRIPT, tmp], capture_output=True, text=True,
                                        check=True, timeout=300).stdout)
    source = (f"captured on this machine by tests/corpus/capture_offline.py on {TODAY} (py-rattler {res['version']}): "
              "the solver/gateway message is rattler's real text; the `failed to solve the conda requirements of` "
              "context line is pixi's (prefix-dev/pixi src/lock_file/update.rs), in miette's layout")
    cases = {
        "not-packaged-no-candidates": ("not-packaged", "xgcm-nope", "xgcm-nope", ("xarray", "xgcm-nope"), "solve"),
        "conflict-numpy-numba": ("conflict", "numba", "numba", ("numpy>=2.1", "numba"), "solve"),
        "network-repodata": ("network", "", "conda.anaconda.org", ("xarray",), "network"),
    }
    for slug, (kind, package, contains, reqs, what) in cases.items():
        spec = spec_for("pixi", reqs, "pixi")
        recipe = pixi.recipe(spec)
        if what == "network":
            # the first pixi install (Python alone) is the one that reaches for conda-forge
            text = res["network"]
            top, *chain = [line.removeprefix("Caused by: ") for line in text.splitlines()]
            body = steps_text(recipe.steps, 1) + miette(top, chain)
            phase = "create"
        else:
            text = res[kind]
            body = (steps_text(recipe.steps, 1) + "✔ The default environment has been installed.\n"
                    + steps_text(recipe.steps[2:], 1)
                    + miette("failed to solve the conda requirements of 'default' 'linux-64'", [text.rstrip()]))
            phase = "install"
        write_log("pixi", slug, kind=kind, package=package, contains=contains, source=source, phase=phase,
                  body=preamble("pixi", " ".join(reqs), "pixi 0.59.0 (pixi); python: provisioned by pixi") + body)


# ----------------------------------------------------------------------------------------------
# captured: poetry lock / uv lock on the recipes' own pyproject.toml
def capture_lockers() -> None:
    py = scratch_python()
    bindir = py.parent
    nix_version = subprocess.run(["nix-build", "--version"], capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "PATH": f"{Path(PY312).parent}:{os.environ['PATH']}", "UV_PYTHON_DOWNLOADS": "never",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    cases = {
        "no-matching-distribution-nonexistent-version": ("no-matching-distribution", "xarray", "xarray",
                                                         ("xarray==1999.1",)),
        "conflict-numpy-pandas": ("conflict", "pandas", "pandas", ("numpy<1.20", "pandas==2.2.3")),
    }
    # Poetry reads each version's metadata from PyPI's JSON API, which the PyPI proxy here answers with
    # 404 ("Package pandas (2.2.3) not found."); a pair on one name conflicts without reading any.
    poetry_cases = {**{k: v for k, v in cases.items() if not k.startswith("conflict")},
                    "conflict-numpy-twice": ("conflict", "numpy", "numpy", ("numpy<1.20", "numpy>=2"))}
    for manager, module, lock_argv, label in (
            ("poetry2nix", poetry2nix, [str(bindir / "poetry"), "lock", "--no-interaction"], "Poetry"),
            ("uv2nix", uv2nix, [str(bindir / "uv"), "lock"], "uv")):
        version = subprocess.run([lock_argv[0], "--version"], capture_output=True, text=True, env=env).stdout.strip()
        for slug, (kind, package, contains, reqs) in (poetry_cases if label == "Poetry" else cases).items():
            spec = spec_for(manager, reqs, "/usr/bin/nix-build")
            recipe = module.recipe(spec)
            lock_index = next(i for i, s in enumerate(recipe.steps) if s.write is None)
            with tempfile.TemporaryDirectory(prefix=f"rodeo-corpus-{manager}-") as tmp:
                Path(tmp, "pyproject.toml").write_text(module.pyproject_toml(spec), encoding="utf-8")
                run_env = {**env, "POETRY_VIRTUALENVS_PATH": str(Path(tmp) / "venvs"),
                           "POETRY_CACHE_DIR": str(Path(tmp) / "cache")}
                proc = subprocess.run(lock_argv, cwd=tmp, env=run_env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, timeout=600)
            if proc.returncode == 0:
                print(f"{manager} {slug}: the lock unexpectedly succeeded", file=sys.stderr)
                continue
            output = proc.stdout.replace(tmp, workdir(manager))
            write_log(manager, slug, kind=kind, package=package, contains=contains,
                      source=f"captured on this machine by tests/corpus/capture_offline.py on {TODAY}: {version} "
                             f"run as `{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(lock_argv))}` "
                             "on the recipe's own pyproject.toml (in production it runs inside the recipe's "
                             "nix-shell, whose fetch output is not reproduced here)",
                      body=preamble(manager, " ".join(reqs), f"{nix_version} (/usr/bin/nix-build); "
                                    "python: provisioned by " + manager)
                      + steps_text(recipe.steps, lock_index) + output)


# ----------------------------------------------------------------------------------------------
# fixtures
CONDA_EXC = "conda/conda conda/exceptions.py (PackagesNotFoundError, UnsatisfiableError, CondaHTTPError)"
LIBMAMBA = "mamba-org/mamba libmamba/src/solver/problems_graph.cpp (TreeExplainer: write_root/write_leaf/write_diving)"
LIBMAMBA_SOLVER = ("conda/conda-libmamba-solver conda_libmamba_solver/exceptions.py (LibMambaUnsatisfiableError: "
                   "the message is libmamba's problem report, passed through)")
IMPORT_FMT = ("rodeo_action/probe.py (a verdict is `type(exc).__name__: first line`) and the runner's import-phase "
              "text `module: verdict`; the message is the dynamic loader's dlerror() text as CPython raises it "
              "(`<lib>: cannot open shared object file: No such file or directory`)")


def fixture(manager: str, slug: str, *, kind: str, package: str, contains: str, cite: str, body: str,
            phase: str = "install") -> None:
    write_log(manager, slug, kind=kind, package=package, contains=contains, phase=phase,
              source=f"fixture in the tool's documented format: {cite}", body=body)


# Fixtures compared line by line with the upstream code that prints them (issue 8 follow-up); each
# source says where, what was corrected and what the code could not settle.
MAMBA_DNS_SOURCE = "mamba-org/mamba libmamba/src/download/downloader.cpp (DownloadAttempt::Impl::build_download_error: `Download error ({code}) {curl_easy_strerror} [{url}]` + newline + curl's error buffer) and libmamba/src/download/curl.cpp (CURLHandle::can_retry: CURLE_COULDNT_RESOLVE_HOST is retried), libmamba/src/core/subdir_index.cpp (index request on_failure: `LOG_WARNING << error.message`, then `Retrying in {n} seconds`; noarch is the request whose failure is not ignored), libmamba/src/api/channel_loader.cpp (load_channels_impl: the download error, then `Subdir conda-forge/noarch not loaded!`), libmamba/src/core/error_handling.cpp (mamba_aggregated_error::what: `Multiple errors occurred:` + each error + the `mamba clean -a` bug-report text), libmamba context defaults (repodata_has_zst lists conda-forge: repodata.json.zst; retry_timeout 2, max_retries 3); continuation lines indented by 4 as in a published mamba 2.x transcript. Corrected: `Multiple errors occurred` had been placed in subdir_index.cpp, the `error libmamba Could not resolve host` lines are not printed by mamba 2.x, the URLs end in .zst, the noarch `not loaded` error and the bug-report text were missing. The number of retry warnings is the code's (4 attempts per subdir); their interleaving is not fixed by the source"
MICROMAMBA_CACHE_SOURCE = "mamba-org/mamba libmamba/src/core/package_handling.cpp (validate(): for each file listed in info/paths.json that is absent, `Invalid package cache, file '{pkg_folder}/{path}' is missing`) and libmamba/src/core/package_cache.cpp in its 2.x form with flat pkgs/<name> folders (MultiPackageCache::get_extracted_dir_path: LOG_ERROR `Cannot find a valid extracted directory cache for '{filename}'`, then throw `Package cache error.`, printed as critical). Corrected: the missing file is one paths.json lists (paths.json itself missing gives `could not read 'paths.json'`), and the fatal lines are mamba's own, not a `filesystem error` (newer libmamba says `Package cache error: Cannot find a valid extracted directory cache for ...` on both lines)"
CONDA_HTTP_SOURCE = "conda/conda conda/exceptions.py at 9c644e1e92ad349a30f2fd956c0b2388b6a3129b (CondaHTTPError: a missing status and reason become `000` and `CONNECTION FAILED`, elapsed `-`, no CF-RAY line) and conda/gateways/repodata/__init__.py at ddd6204d943c310348d40b2f5ca7b303f0b22a1f (conda_http_errors: ConnectionError's help text `An HTTP error occurred when trying to retrieve this URL.` / `HTTP errors are often intermittent, ...` then repr(url) of the channel subdir); matches published conda transcripts. Wording unchanged"
SPACK_UNKNOWN_SOURCE = "spack/spack lib/spack/spack/repo.py in its Spack 1.0 form (package_api=(2, 0); UnknownPackageError: message `Package '{name}' not found.`, long message `Use 'spack create' to create a new package.` and, when difflib finds 1-5 close names in the repository, `Did you mean one of the following packages?` with each name indented by 2), printed as `==> Error: {message}` then the long message unindented, as in spack/spack#42495 (Spack 0.22). Corrected: the long message was missing. The suggestion list depends on the builtin repository; py-xgcm is the close match there"
SPACK_CONFLICT_SOURCE = "spack/spack lib/spack/spack/solver/asp.py (ErrorHandler.message: header `concretization failed for the following reasons:` and a blank line, then `  {n: 2}. {message}` with the cause tree's `required because ...` lines, each level 2 spaces deeper) and the condition-chaining example in Spack's v0.21.0 release notes (CHANGELOG.md). Wording unchanged"
SPACK_BUILD_SOURCE = "spack/spack lib/spack/spack/build_environment.py (ChildError: `==> Error: ProcessError: Command exited with status {code}:` then the command, `1 error found in build log:`, the context and `See build log for details:`; the same block in Spack's packaging tutorial) and lib/spack/spack/util/log_parse.py make_log_context in its numbered form (`  >> ` or 5 spaces, the line number left-aligned in len(str(last line))+4 columns: 4 spaces after a 2-digit number; the newest develop prints `-- lines A to B --` blocks instead), installer.py's closing `==> Error: {pkg_id}: {error}`; gcc's own `fatal error: {header}: No such file or directory`. Corrected: 8 spaces after the line numbers became 4"
SPACK_FETCH_SOURCE = "spack/spack lib/spack/spack/stage.py (Stage.fetch: `All fetchers failed for {stage name}`), with the per-URL reasons of spack/spack#45714 (`    {url}: {exception class}: {exception}`, as spack/spack#50992 shows for Spack 1.0-dev) and the install path's `==> Error: FetchError: ...` (spack/spack#42069); fetch_strategy.py `==> Fetching {url}`; urllib's `<urlopen error [Errno -3] Temporary failure in name resolution>`. Corrected: `Failed to fetch file from URL` and `URL ... was not found!` are older Spack's debug-only per-fetcher lines (and claimed a 404 for a DNS failure). The spack-public mirror's _source-cache attempt (a URL holding the tarball's sha256) is left out"


def checked(manager: str, slug: str, *, kind: str, package: str, contains: str, source: str, body: str,
            phase: str = "install") -> None:
    write_log(manager, slug, kind=kind, package=package, contains=contains, phase=phase,
              source=f"checked against upstream source: {source}", body=body)


def libmamba_dns_failure(cf: str) -> str:
    """mamba 2.x when conda.anaconda.org does not resolve: each retried attempt of each subdir's
    repodata.json.zst warns, then the noarch failure and its consequence are aggregated."""
    out = []
    for _attempt in range(4):
        for subdir in ("linux-64", "noarch"):
            out += [f"warning  libmamba Download error (6) Couldn't resolve host name [{cf}/{subdir}/repodata.json.zst]",
                    "    Could not resolve host: conda.anaconda.org",
                    "warning  libmamba Retrying in 2 seconds"]
    out += ["critical libmamba Multiple errors occurred:",
            f"    Download error (6) Couldn't resolve host name [{cf}/noarch/repodata.json.zst]",
            "    Could not resolve host: conda.anaconda.org",
            "    Subdir conda-forge/noarch not loaded!",
            "    If you run into this error repeatedly, your package cache may be corrupted.",
            "    Please try running `mamba clean -a` to remove this cache before retrying the operation.",
            "",
            "    If you still are having issues, please report the error on `mamba-org/mamba`'s issue tracker:",
            "    https://github.com/mamba-org/mamba/issues/new?assignees=&labels=&projects=&template=bug.yml"]
    return "\n".join(out) + "\n"


def conda_cli(manager: str, reqs: tuple[str, ...], version_line: str) -> tuple[str, str]:
    """(preamble + the create step and its command, the install command) for conda/mamba/micromamba."""
    spec = spec_for(manager, reqs, manager)
    steps = condafamily.conda_cli_recipe(spec, None).steps
    return (preamble(manager, " ".join(reqs), version_line) + steps_text(steps, 1), f"$ {steps[2].shell()}\n")


def import_log(manager: str, reqs: tuple[str, ...], version_line: str, python: str, verdicts: str) -> str:
    if manager in ("conda", "mamba", "micromamba"):
        create, install = conda_cli(manager, reqs, version_line)
        head = create + install
    else:
        head = preamble(manager, " ".join(reqs), version_line)
    probe = (f"$ {python} -I {ROOT / 'rodeo_action' / 'probe.py'} {workdir(manager)}/.rodeo-probe.json "
             + json.dumps({"packages": [{"name": r, "imports": None} for r in reqs], "only": None}) + "\n")
    return head + probe + verdicts


def write_fixtures() -> None:
    cf = "https://conda.anaconda.org/conda-forge"
    # ---- conda (25.x with its default libmamba solver)
    v = "conda 25.9.1 (conda); python: provisioned by conda"
    create, install = conda_cli("conda", ("xarray", "xgcm-nope"), v)
    fixture("conda", "not-packaged-packagesnotfound", kind="not-packaged", package="xgcm-nope", contains="xgcm-nope",
            cite=CONDA_EXC, body=create + install + textwrap.dedent(f"""\
            Channels:
             - conda-forge
            Platform: linux-64
            Collecting package metadata (repodata.json): ...working... done
            Solving environment: ...working... failed

            PackagesNotFoundError: The following packages are not available from current channels:

              - xgcm-nope

            Current channels:

              - {cf}

            To search for alternate channels that may provide the conda package you're
            looking for, navigate to

                https://anaconda.org

            and use the search bar at the top of the page.

            """))
    create, install = conda_cli("conda", ("numpy>=2.1", "numba=0.60"), v)
    fixture("conda", "conflict-libmamba-unsatisfiable", kind="conflict", package="numba", contains="numba",
            cite=f"{LIBMAMBA_SOLVER}; tree wording from {LIBMAMBA}", body=create + install + textwrap.dedent("""\
            Channels:
             - conda-forge
            Platform: linux-64
            Collecting package metadata (repodata.json): ...working... done
            Solving environment: ...working... failed

            LibMambaUnsatisfiableError: Encountered problems while solving:
              - package numba-0.60.0-py312h83e6fd3_0 requires numpy >=1.22.3,<2.1, but none of the providers can be installed

            Could not solve for environment specs
            The following packages are incompatible
            ├─ numba =0.60 * is installable and it requires
            │  └─ numpy >=1.22.3,<2.1 *, which can be installed;
            └─ numpy >=2.1 * is not installable because it conflicts with any installable versions previously reported.

            """))
    create, install = conda_cli("conda", ("xarray",), v)
    checked("conda", "network-condahttperror", kind="network", package="", contains="conda.anaconda.org",
            source=CONDA_HTTP_SOURCE,
            phase="create", body=create + textwrap.dedent(f"""\
            Channels:
             - conda-forge
            Platform: linux-64
            Collecting package metadata (repodata.json): ...working... failed

            CondaHTTPError: HTTP 000 CONNECTION FAILED for url <{cf}/linux-64/repodata.json>
            Elapsed: -

            An HTTP error occurred when trying to retrieve this URL.
            HTTP errors are often intermittent, and a simple retry will get you on your way.
            '{cf}/linux-64'

            """))
    fixture("conda", "import-libgl-missing", kind="missing-system-library", package="pyvista", contains="libGL.so.1",
            phase="import", cite=IMPORT_FMT,
            body=import_log("conda", ("pyvista",), v, f"{workdir('conda')}/env/bin/python",
                            "vtkmodules: ImportError: libGL.so.1: cannot open shared object file: "
                            "No such file or directory\n"))

    # ---- mamba 2.x (libmamba problem reports)
    v = "mamba 2.3.3 (mamba); python: provisioned by mamba"
    create, install = conda_cli("mamba", ("xarray", "xgcm-nope"), v)
    fixture("mamba", "not-packaged-does-not-exist", kind="not-packaged", package="xgcm-nope", contains="xgcm-nope",
            cite=LIBMAMBA, body=create + install + textwrap.dedent("""\
            conda-forge/linux-64                                        Using cache
            conda-forge/noarch                                          Using cache

            Pinned packages:

              - python =3.12


            error    libmamba Could not solve for environment specs
                The following package could not be installed
                └─ xgcm-nope =* * does not exist (perhaps a typo or a missing channel).
            critical libmamba Could not solve for environment specs
            """))
    create, install = conda_cli("mamba", ("tensorflow>=2", "numpy=1.19"), v)
    fixture("mamba", "conflict-tensorflow-numpy", kind="conflict", package="tensorflow", contains="tensorflow",
            cite=LIBMAMBA, body=create + install + textwrap.dedent("""\
            conda-forge/linux-64                                        Using cache
            conda-forge/noarch                                          Using cache

            Pinned packages:

              - python =3.12


            error    libmamba Could not solve for environment specs
                The following packages are incompatible
                ├─ numpy =1.19 * is not installable because there are no viable options
                │  ├─ numpy 1.19.0 would require
                │  │  └─ python >=3.6,<3.7.0a0 *, which conflicts with any installable versions previously reported;
                │  └─ numpy 1.19.5 would require
                │     └─ python >=3.9,<3.10.0a0 *, which conflicts with any installable versions previously reported;
                ├─ python =3.12 * is requested and can be installed;
                └─ tensorflow >=2 * is installable and it requires
                   └─ numpy >=1.26.4,<2.0a0 *, which conflicts with any installable versions previously reported.
            critical libmamba Could not solve for environment specs
            """))
    create, install = conda_cli("mamba", ("xarray",), v)
    checked("mamba", "network-download-error", kind="network", package="", contains="conda.anaconda.org",
            phase="create", source=MAMBA_DNS_SOURCE, body=create + libmamba_dns_failure(cf))

    # ---- micromamba 2.x
    v = "micromamba 2.3.3 (micromamba); python: provisioned by micromamba"
    create, install = conda_cli("micromamba", ("xarray", "xgcm-nope"), v)
    fixture("micromamba", "not-packaged-could-not-be-installed", kind="not-packaged", package="xgcm-nope",
            contains="xgcm-nope", cite=LIBMAMBA, body=create + install + textwrap.dedent("""\
            conda-forge/linux-64                                        Using cache
            conda-forge/noarch                                          Using cache

            Pinned packages:

              - python =3.12


            error    libmamba Could not solve for environment specs
                The following package could not be installed
                └─ xgcm-nope =* * does not exist (perhaps a typo or a missing channel).
            critical libmamba Could not solve for environment specs
            """))
    create, install = conda_cli("micromamba", ("esmpy", "xesmf"), v)
    fixture("micromamba", "conflict-nothing-provides", kind="conflict", package="xesmf", contains="xesmf",
            cite=LIBMAMBA, body=create + install + textwrap.dedent("""\
            conda-forge/linux-64                                        Using cache
            conda-forge/noarch                                          Using cache

            Pinned packages:

              - python =3.12


            error    libmamba Could not solve for environment specs
                The following packages are incompatible
                ├─ esmpy =* * is installable with the potential options
                │  ├─ esmpy 8.8.0 would require
                │  │  └─ esmf >=8.8.0,<8.8.1.0a0 *, which can be installed;
                │  └─ esmpy 8.8.1 would require
                │     └─ esmf >=8.8.1,<8.8.2.0a0 *, which can be installed;
                └─ xesmf =* * is not installable because it requires
                   └─ esmpy <8.4 *, which conflicts with any installable versions previously reported.
            critical libmamba Could not solve for environment specs
            """))
    create, install = conda_cli("micromamba", ("xarray",), v)
    checked("micromamba", "manager-broken-corrupt-cache", kind="manager-broken", package="", contains="cache",
            phase="create", source=MICROMAMBA_CACHE_SOURCE, body=create + textwrap.dedent(f"""\
            conda-forge/linux-64                                        Using cache
            conda-forge/noarch                                          Using cache

            Transaction

              Prefix: {workdir('micromamba')}/env

              Updating specs:

               - python=3.12

            Transaction starting
            warning  libmamba Invalid package cache, file '/home/runner/micromamba/pkgs/python-3.12.12-hd63d673_1_cpython/lib/python3.12/os.py' is missing
            error    libmamba Cannot find a valid extracted directory cache for 'python-3.12.12-hd63d673_1_cpython.conda'
            critical libmamba Package cache error.
            """))
    create, install = conda_cli("micromamba", ("xarray",), v)
    checked("micromamba", "network-could-not-resolve", kind="network", package="", contains="conda.anaconda.org",
            phase="create", source=MAMBA_DNS_SOURCE, body=create + libmamba_dns_failure(cf))

    # ---- pixi: an import-phase failure (the solver ones are captured)
    fixture("pixi", "import-libgl-missing", kind="missing-system-library", package="pyvista", contains="libGL.so.1",
            phase="import", cite=IMPORT_FMT,
            body=import_log("pixi", ("pyvista",), "pixi 0.59.0 (pixi); python: provisioned by pixi",
                            f"{workdir('pixi')}/.pixi/envs/default/bin/python",
                            "pyvista: ImportError: libGL.so.1: cannot open shared object file: "
                            "No such file or directory\n"))

    # ---- nix: an import-phase failure (the seed thread: nixpkgs' sphinx missed certifi)
    fixture("nix", "import-missing-module", kind="import-error", package="sphinx", contains="certifi",
            phase="import", cite="rodeo_action/probe.py verdict format; CPython's ModuleNotFoundError text "
                                 "(`No module named '{name}'`, Python/import.c)",
            body=import_log("nix", ("sphinx",), "nix-build (Nix) 2.31.2 (/usr/bin/nix-build); python: provisioned by nix",
                            f"{workdir('nix')}/result/bin/python",
                            "sphinx: ModuleNotFoundError: No module named 'certifi'\n"))

    # ---- spack
    spack_ver = "spack 1.0.2 (spack); python: provisioned by spack"

    def spack_log(reqs: tuple[str, ...], step: int) -> str:
        spec = spec_for("spack", reqs, "spack")
        return preamble("spack", " ".join(reqs), spack_ver) + steps_text(spack.recipe(spec).steps, step)

    checked("spack", "not-packaged-unknown-package", kind="not-packaged", package="py-xgcm-nope",
            contains="py-xgcm-nope", source=SPACK_UNKNOWN_SOURCE,
            body=spack_log(("py-xgcm-nope",), 2) + textwrap.dedent("""\
            ==> Error: Package 'py-xgcm-nope' not found.
            Use 'spack create' to create a new package.

            Did you mean one of the following packages?
              py-xgcm
            """))
    checked("spack", "conflict-concretization", kind="conflict", package="py-numba", contains="py-numba",
            source=SPACK_CONFLICT_SOURCE,
            body=spack_log(("py-numpy@2.1:", "py-numba@0.60.0"), 2) + textwrap.dedent("""\
            ==> Error: concretization failed for the following reasons:

               1. Cannot satisfy 'py-numpy@2.1:' and 'py-numpy@1.22:2.0'
                    required because py-numpy@2.1: requested explicitly
                    required because py-numba@0.60.0 requested explicitly
                      required because py-numba depends on py-numpy@1.22:2.0 when @0.60.0
            """))
    checked("spack", "build-failed-missing-header", kind="missing-system-library", package="py-shapely",
            contains="geos_c.h", source=SPACK_BUILD_SOURCE,
            body=spack_log(("py-shapely",), 3) + textwrap.dedent("""\
            ==> Installing py-shapely-2.0.6-3h2tkdfbqx5yquvmaaqrrtgoebqtgb7y [12/12]
            ==> No binary for py-shapely-2.0.6-3h2tkdfbqx5yquvmaaqrrtgoebqtgb7y found: installing from source
            ==> Using cached archive: /home/runner/spack/var/spack/cache/_source-cache/archive/0a/shapely-2.0.6.tar.gz
            ==> No patches needed for py-shapely
            ==> py-shapely: Executing phase: 'install'
            ==> Error: ProcessError: Command exited with status 1:
                '/home/runner/spack/opt/spack/linux-x86_64/python-3.12.7-vb3azrfy/bin/python3.12' '-m' 'pip' '-vvv' '--no-input' '--no-cache-dir' '--disable-pip-version-check' 'install' '--no-deps' '--ignore-installed' '--no-build-isolation' '--no-warn-script-location' '--no-index' '--prefix=/home/runner/spack/opt/spack/linux-x86_64/py-shapely-2.0.6-3h2tkdfbqx5yquvmaaqrrtgoebqtgb7y' '.'

            1 error found in build log:
                 52    gcc -fno-strict-overflow -Wsign-compare -DNDEBUG -g -O3 -Wall -fPIC -I/home/runner/spack/opt/spack/linux-x86_64/py-numpy-2.1.3-ldzv3s/lib/python3.12/site-packages/numpy/_core/include -I/home/runner/spack/opt/spack/linux-x86_64/python-3.12.7-vb3azrfy/include/python3.12 -c src/geos.c -o build/temp.linux-x86_64-cpython-312/src/geos.o
                 53    In file included from src/geos.c:3:
              >> 54    src/geos.h:4:10: fatal error: geos_c.h: No such file or directory
                 55        4 | #include <geos_c.h>
                 56          |          ^~~~~~~~~~
                 57    compilation terminated.
                 58    error: command '/home/runner/spack/lib/spack/env/gcc/gcc' failed with exit code 1

            See build log for details:
              /tmp/runner/spack-stage/spack-stage-py-shapely-2.0.6-3h2tkdfbqx5yquvmaaqrrtgoebqtgb7y/spack-build-out.txt

            ==> Error: py-shapely-2.0.6-3h2tkdfbqx5yquvmaaqrrtgoebqtgb7y: ProcessError: Command exited with status 1
            """))
    checked("spack", "network-fetch-failed", kind="network", package="py-xarray", contains="fetch",
            source=SPACK_FETCH_SOURCE,
            body=spack_log(("py-xarray",), 3) + textwrap.dedent("""\
            ==> Installing py-xarray-2024.10.0-ox6ne7pz6w7s4uyvjh2xvi2dq4frtdmh [14/14]
            ==> No binary for py-xarray-2024.10.0-ox6ne7pz6w7s4uyvjh2xvi2dq4frtdmh found: installing from source
            ==> Fetching https://files.pythonhosted.org/packages/source/x/xarray/xarray-2024.10.0.tar.gz
            ==> Error: FetchError: All fetchers failed for spack-stage-py-xarray-2024.10.0-ox6ne7pz6w7s4uyvjh2xvi2dq4frtdmh
                https://files.pythonhosted.org/packages/source/x/xarray/xarray-2024.10.0.tar.gz: URLError: <urlopen error [Errno -3] Temporary failure in name resolution>
            """))

    # ---- mach-nix (resolver report printed by mach_nix/generate.py inside its IFD derivation)
    def mach_nix_log(reqs: tuple[str, ...], report: str) -> str:
        from rodeo_action.managers import mach_nix
        spec = spec_for("mach-nix", reqs, "/usr/bin/nix-build")
        steps = mach_nix.recipe(spec).steps
        return (preamble("mach-nix", " ".join(reqs), "nix-build (Nix) 2.31.2 (/usr/bin/nix-build); python: "
                         "provisioned by mach-nix") + steps_text(steps, 2)
                + "building '/nix/store/7m1wq0b2kq6y1z0rz8p9xk5d4l1a8c3n-mach_nix_file.drv'...\n" + report
                + "error: builder for '/nix/store/7m1wq0b2kq6y1z0rz8p9xk5d4l1a8c3n-mach_nix_file.drv' failed "
                  "with exit code 1\n")

    providers = ("{'_default': ['wheel', 'sdist', 'nixpkgs'],\n   'gdal': ['nixpkgs'],\n   'pip': ['nixpkgs', "
                 "'sdist'],\n   'setuptools': ['nixpkgs', 'sdist'],\n   'tensorflow': ['wheel'],\n   'wheel': "
                 "['nixpkgs', 'sdist']}")
    tail = ("\nThe given requirements might contain package versions which are not yet part of the dependency DB\n"
            "currently used. The DB can be updated by specifying 'pypiDataRev' when importing mach-nix.\n"
            "For examples see: https://github.com/DavHau/mach-nix/blob/master/examples.md\n")
    cite = "DavHau/mach-nix mach_nix/generate.py (handle_resolution_impossible: `Some requirements could not be resolved.` ...)"
    fixture("mach-nix", "no-matching-distribution-not-in-db", kind="no-matching-distribution", package="xarray",
            contains="xarray", cite=cite, body=mach_nix_log(("xarray==2024.10.0",), (
                "\nSome requirements could not be resolved.\nTop level requirements: \n  xarray==2024.10.0\n"
                f"Providers:\n  {providers}\nMach-nix version: 3.5.0\nPython: 3.12.7\nCause: None\n"
                "The requirements which caused the error:\n  xarray==2024.10.0\n" + tail)))
    fixture("mach-nix", "conflict-numpy-pandas", kind="conflict", package="pandas", contains="pandas",
            cite=cite, body=mach_nix_log(("numpy<1.20", "pandas==1.5.3"), (
                "\nSome requirements could not be resolved.\nTop level requirements: \n  numpy<1.20  pandas==1.5.3\n"
                f"Providers:\n  {providers}\nMach-nix version: 3.5.0\nPython: 3.12.7\nCause: None\n"
                "The requirements which caused the error:\n  numpy<1.20\n  numpy>=1.21.0 - parent: pandas:1.5.3\n"
                + tail)))

    # ---- poetry2nix: a build dependency poetry2nix does not know
    from rodeo_action.managers import poetry2nix as p2n
    spec = spec_for("poetry2nix", ("docrep",), "/usr/bin/nix-build")
    steps = p2n.recipe(spec).steps
    fixture("poetry2nix", "build-failed-missing-build-system", kind="build-failed", package="docrep",
            contains="docrep",
            cite="nix-community/poetry2nix docs/edgecases.md (`ModuleNotFoundError: No module named 'PACKAGENAME'`: "
                 "an sdist whose build backend poetry2nix lacks); nix's `builder for '{drv}' failed with exit code "
                 "{n}` / `{n} dependencies of derivation '{drv}' failed to build`",
            body=preamble("poetry2nix", "docrep", "nix-build (Nix) 2.31.2 (/usr/bin/nix-build); python: provisioned "
                          "by poetry2nix") + steps_text(steps, 2) + "Resolving dependencies...\n\nWriting lock file\n"
            + f"$ {steps[3].shell()}\n" + textwrap.dedent("""\
            these 4 derivations will be built:
              /nix/store/ab9x0d4c6m0s1nq7lq1v2m8c3pj8xh9k-python3.12-docrep-0.3.2.drv
              /nix/store/9c2r7wqpb1h3ms8d0x4l6v5y3z2n1k0f-python3-3.12.8-env.drv
            building '/nix/store/ab9x0d4c6m0s1nq7lq1v2m8c3pj8xh9k-python3.12-docrep-0.3.2.drv'...
            Running phase: unpackPhase
            unpacking source archive /nix/store/k3v6x9a2b1c0d8e7f6g5h4j3k2l1m0n9-docrep-0.3.2.tar.gz
            source root is docrep-0.3.2
            Running phase: buildPhase
            Executing pipBuildPhase
            Creating a wheel...
            Processing /build/docrep-0.3.2
              Running command Preparing metadata (pyproject.toml)
            ERROR: Exception:
            Traceback (most recent call last):
              File "/nix/store/2x1q8h5k3m9p0r7s6t4v2w1y0z8a7b6c-python3.12-pip-24.0/lib/python3.12/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py", line 77, in _build_backend
                obj = import_module(mod_path)
              File "/nix/store/h1g2f3e4d5c6b7a8z9y0x1w2v3u4t5s6-python3-3.12.8/lib/python3.12/importlib/__init__.py", line 90, in import_module
                return _bootstrap._gcd_import(name[level:], package, level)
            ModuleNotFoundError: No module named 'setuptools'
            error: builder for '/nix/store/ab9x0d4c6m0s1nq7lq1v2m8c3pj8xh9k-python3.12-docrep-0.3.2.drv' failed with exit code 2
            error: 1 dependencies of derivation '/nix/store/9c2r7wqpb1h3ms8d0x4l6v5y3z2n1k0f-python3-3.12.8-env.drv' failed to build
            """))

    # ---- uv2nix: an import-phase failure of a wheel needing a system library nix does not add
    fixture("uv2nix", "import-libstdcxx-missing", kind="missing-system-library", package="numpy",
            contains="libstdc++.so.6", phase="import",
            cite=IMPORT_FMT + "; pyproject-nix/uv2nix docs (doc/src/patterns/patching-deps.md: manylinux wheels "
                              "need their shared libraries added by an override)",
            body=import_log("uv2nix", ("numpy",), "nix-build (Nix) 2.31.2 (/usr/bin/nix-build); python: provisioned "
                            "by uv2nix", f"{workdir('uv2nix')}/result/bin/python",
                            "numpy: ImportError: libstdc++.so.6: cannot open shared object file: "
                            "No such file or directory\n"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("captured", "fixtures", "pins"))
    args = parser.parse_args()
    if args.only in (None, "captured"):
        capture_rodeo_local_network()
        capture_nix_local()
        capture_pixi()
        capture_lockers()
    if args.only in (None, "captured", "pins"):
        capture_nix_pins()
    if args.only in (None, "fixtures"):
        write_fixtures()


if __name__ == "__main__":
    main()
